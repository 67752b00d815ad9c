import { useState } from 'react';
import { Button, Heading, Tag, Text } from '@livechat/design-system-react-components';
import type { Refund, RefundCandidate } from '@wa/contracts';
import { QueryCard } from '../../../components/query-card.tsx';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDate, formatDateTime } from '../../../lib/format-date.ts';
import { formatMoney } from '../../../lib/format-money.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useRefunds } from '../api/get-refunds.ts';
import { useRequestRefund } from '../api/request-refund.ts';

const STATUS: Record<Refund['status'], { label: string; kind: 'info' | 'success' | 'error' | 'default'; says: string }> = {
  requested: { label: 'Requested', kind: 'info', says: 'An operator is reviewing it.' },
  approved: { label: 'Approved', kind: 'success', says: 'The plan was cancelled and the number disconnected; the money is on its way.' },
  refused: { label: 'Refused', kind: 'error', says: 'The request was refused.' },
  paid: { label: 'Paid', kind: 'success', says: 'The refund was paid out.' },
};

/** H: the 14-day money-back guarantee from the owner's side: what is covered, the request, and its status. */
export function RefundsCard() {
  const refunds = useRefunds();
  const request = useRequestRefund();
  const [confirming, setConfirming] = useState<string | null>(null);

  return (
    <QueryCard title="Refunds" query={refunds} failed="Couldn't load refunds.">
      {(data) => (
        <div className="wa-stack">
          <Text size="sm" className="wa-muted">
            New customers can get their money back for the plan of the first WhatsApp number they add, within 14 days of buying it (terms
            Part H). Conversation packages are never refunded, and no other refunds are offered (Part I). Days are counted in your time zone
            ({data.timeZone}).
          </Text>
          {data.refunds.length > 0 && (
            <Heading as="h3" size="xs" className="wa-section-title">
              Your requests
            </Heading>
          )}
          {data.refunds.length > 0 && (
            <ul className="wa-list" data-testid="refund-requests">
              {data.refunds.map((r) => (
                <RefundRow key={r.id} refund={r} />
              ))}
            </ul>
          )}
          {request.isError && (
            <InlineAlert kind="error" role="alert" data-testid="refund-error">
              {errorMessage(request.error)}
            </InlineAlert>
          )}
          <Heading as="h3" size="xs" className="wa-section-title">
            What you paid for
          </Heading>
          {data.candidates.length === 0 ? (
            <Text size="sm" className="wa-muted">
              Nothing has been paid yet, so there is nothing to refund.
            </Text>
          ) : (
            <ul className="wa-list" data-testid="refund-candidates">
              {data.candidates.map((c) => (
                <CandidateRow
                  key={c.chargeId}
                  candidate={c}
                  confirming={confirming === c.chargeId}
                  busy={request.isPending && request.variables === c.chargeId}
                  onAsk={() => {
                    request.reset();
                    setConfirming(c.chargeId);
                  }}
                  onCancel={() => setConfirming(null)}
                  onConfirm={() => request.mutate(c.chargeId, { onSettled: () => setConfirming(null) })}
                />
              ))}
            </ul>
          )}
        </div>
      )}
    </QueryCard>
  );
}

function RefundRow({ refund }: { refund: Refund }) {
  const status = STATUS[refund.status];
  return (
    <li className="wa-list__item" data-testid={`refund-${refund.id}`}>
      <div className="wa-stack wa-stack--tight wa-grow">
        <Text as="span">
          Refund of {refund.description}
          {refund.number && <span className="wa-muted"> · {formatPhone(refund.number)}</span>}
        </Text>
        <Text as="span" size="sm" className="wa-muted">
          {formatMoney(refund.amountCents, refund.currency)} · requested {formatDateTime(refund.requestedAt)}
          {refund.paidAt
            ? ` · paid ${formatDateTime(refund.paidAt)}`
            : refund.decidedAt
              ? ` · decided ${formatDateTime(refund.decidedAt)}`
              : ''}
          . {status.says}
          {refund.decisionReason && ` Reason: ${refund.decisionReason}`}
        </Text>
      </div>
      <Tag kind={status.kind} size="small" data-testid="refund-status">
        {status.label}
      </Tag>
    </li>
  );
}

interface CandidateRowProps {
  candidate: RefundCandidate;
  confirming: boolean;
  busy: boolean;
  onAsk: () => void;
  onCancel: () => void;
  onConfirm: () => void;
}

function CandidateRow({ candidate: c, confirming, busy, onAsk, onCancel, onConfirm }: CandidateRowProps) {
  return (
    <li className="wa-list__item" data-testid={`refund-candidate-${c.kind}`}>
      <div className="wa-stack wa-stack--tight wa-grow">
        <Text as="span">
          {c.description}
          {c.number && <span className="wa-muted"> · {formatPhone(c.number)}</span>}
        </Text>
        <Text as="span" size="sm" className="wa-muted">
          {formatMoney(c.amountCents, c.currency)} · bought {formatDate(c.purchasedAt)}
        </Text>
        <Text as="span" size="sm" className={c.eligibility.eligible ? 'wa-success-text' : 'wa-muted'} data-testid="refund-eligibility">
          {c.eligibility.message}
        </Text>
        {confirming && (
          <Text as="span" size="sm" data-testid="refund-confirm-text">
            Once approved, this plan is cancelled and its number disconnected. Ask for the refund?
          </Text>
        )}
      </div>
      {c.eligibility.eligible &&
        (confirming ? (
          <div className="wa-row wa-no-shrink">
            <Button kind="secondary" size="compact" onClick={onCancel} disabled={busy}>
              Keep the plan
            </Button>
            <Button kind="primary" size="compact" loading={busy} onClick={onConfirm} data-testid="refund-confirm">
              Request refund
            </Button>
          </div>
        ) : (
          <Button kind="secondary" size="compact" className="wa-no-shrink" onClick={onAsk} data-testid="refund-request">
            Request refund
          </Button>
        ))}
    </li>
  );
}
