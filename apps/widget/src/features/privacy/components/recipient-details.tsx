import { Button, Heading, Loader, Tag, Text } from '@livechat/design-system-react-components';
import type { RecipientData } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { DataTable } from '../../../components/data-table.tsx';
import { formatDateTime } from '../../../lib/format-date.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useRecipientData } from '../api/recipient-rights.ts';
import { describeRecipient } from '../utils/describe-recipient.ts';
import { rightsErrorMessage } from '../utils/rights-error.ts';
import type { RightKind } from './recipient-action-dialog.tsx';

const HISTORY_ROWS = 50;

const KIND: Record<string, string> = { text: 'Text', button: 'Button reply', media: 'Media' };

function MessageHistory({ messages }: { messages: RecipientData['messages'] }) {
  if (!messages.length) return null;
  return (
    <details className="wa-disclosure" data-testid="privacy-message-history">
      <summary>
        <Text as="span" size="sm">
          Message history, metadata only (
          {messages.length > HISTORY_ROWS ? `latest ${HISTORY_ROWS} of ${messages.length}` : messages.length})
        </Text>
      </summary>
      <div className="wa-privacy__history">
        <DataTable columns={['When', 'Direction', 'What', 'Category', 'Status']}>
          {messages.slice(0, HISTORY_ROWS).map((m) => (
            <tr key={m.id}>
              <td className="wa-nowrap">{formatDateTime(m.createdAt)}</td>
              <td>{m.direction === 'inbound' ? 'From the customer' : 'To the customer'}</td>
              <td>{m.kind === 'template' ? `Template ${m.templateName ?? ''}`.trim() : (KIND[m.kind] ?? m.kind)}</td>
              <td>{m.category}</td>
              <td>{m.status.replace('_', ' ')}</td>
            </tr>
          ))}
        </DataTable>
      </div>
    </details>
  );
}

interface Props {
  phone: string;
  selfAccountId?: string | undefined;
  onAction: (right: RightKind) => void;
}

/** L.11a: what is held about one number, in plain language, with the rights the owner can act on. */
/** Opens the dialog for one of the customer's rights; `unavailable` says why it cannot be used now. */
function ActionButton({
  right,
  label,
  kind = 'secondary',
  unavailable,
  onAction,
}: {
  right: RightKind;
  label: string;
  kind?: 'secondary' | 'destructive';
  unavailable?: string | undefined;
  onAction: (right: RightKind) => void;
}) {
  return (
    <Button
      kind={kind}
      size="compact"
      disabled={Boolean(unavailable)}
      title={unavailable}
      onClick={() => onAction(right)}
      aria-haspopup="dialog"
      data-testid={`privacy-${right}`}
    >
      {label}
    </Button>
  );
}

export function RecipientDetails({ phone, selfAccountId, onAction }: Props) {
  const query = useRecipientData(phone);
  if (query.isPending) return <Loader size="small" label="Looking up what is held…" />;
  if (query.isError) {
    return (
      <InlineAlert kind="error" role="alert" data-testid="privacy-lookup-error" onRetry={() => void query.refetch()}>
        Couldn't look up {formatPhone(phone)}. {rightsErrorMessage(query.error)}
      </InlineAlert>
    );
  }
  const d = query.data;
  const s = describeRecipient(d, { selfAccountId });

  return (
    <section
      className="wa-privacy__result wa-stack"
      aria-label={`What is held about ${formatPhone(phone)}`}
      data-testid="privacy-result"
      data-phone={phone}
    >
      <div className="wa-row wa-row--between wa-privacy__result-head">
        <div className="wa-stack wa-stack--tight">
          <Heading as="h3" size="xs" className="wa-section-title">
            {formatPhone(d.phone)}
          </Heading>
          <div className="wa-row wa-privacy__tags" data-testid="privacy-tags">
            {s.nothingHeld && (
              <Tag size="small" kind="default">
                Nothing held
              </Tag>
            )}
            {d.erased && (
              <Tag size="small" kind="gray" data-testid="privacy-tag-erased">
                Erased
              </Tag>
            )}
            {d.restriction && (
              <Tag size="small" kind="error" data-testid="privacy-tag-restricted">
                Processing restricted
              </Tag>
            )}
            {d.optOut && (
              <Tag size="small" kind="warning" data-testid="privacy-tag-opted-out">
                Opted out
              </Tag>
            )}
            {s.canMessage.allowed && !s.nothingHeld && (
              <Tag size="small" kind="success">
                Can be messaged
              </Tag>
            )}
          </div>
        </div>
        <div className="wa-row wa-privacy__actions">
          {d.restriction ? (
            <ActionButton right="unrestrict" label="Lift restriction" onAction={onAction} />
          ) : (
            <ActionButton right="restrict" label="Restrict processing" onAction={onAction} />
          )}
          <ActionButton
            right="withdraw-consent"
            label="Withdraw consent"
            unavailable={d.optOut ? 'Already on your suppression list' : undefined}
            onAction={onAction}
          />
          <ActionButton
            right="erase"
            label="Erase"
            kind="destructive"
            unavailable={s.nothingHeld ? 'Nothing is held about this number' : undefined}
            onAction={onAction}
          />
        </div>
      </div>

      {s.nothingHeld ? (
        <Text className="wa-muted" data-testid="privacy-nothing-held">
          Nothing is held about this number: it was never messaged, never wrote to you, was in no campaign and is not on your suppression
          list.
        </Text>
      ) : (
        <div className="wa-privacy__facts" data-testid="privacy-facts">
          {s.facts.map((f) => (
            <div key={f.id} className="wa-privacy__fact" data-testid={`privacy-fact-${f.id}`} data-empty={f.empty}>
              <Text as="span" size="sm" className="wa-muted">
                {f.label}
              </Text>
              <Heading as="div" size="xs" className={f.empty ? 'wa-muted' : undefined}>
                {f.value}
              </Heading>
              <Text as="span" size="sm" className="wa-muted">
                {f.detail}
              </Text>
            </div>
          ))}
        </div>
      )}

      <dl className="wa-facts">
        <dt>Messaging</dt>
        <dd data-testid="privacy-can-message">
          <Text as="span" className={s.canMessage.allowed ? undefined : 'wa-warning-text'}>
            {s.canMessage.says}
          </Text>
        </dd>
        <dt>Opt-out</dt>
        <dd data-testid="privacy-opt-out">{s.optOut ?? <span className="wa-muted">Not opted out.</span>}</dd>
        <dt>Processing</dt>
        <dd data-testid="privacy-restriction">{s.restriction ?? <span className="wa-muted">Not restricted.</span>}</dd>
        {!s.nothingHeld && (
          <>
            <dt>Stored as</dt>
            <dd data-testid="privacy-storage">{s.storage}</dd>
          </>
        )}
      </dl>

      <MessageHistory messages={d.messages} />
    </section>
  );
}
