import { Button, FormField, Icon, Tag, Text, Tooltip } from '@livechat/design-system-react-components';
import { Refresh } from '@livechat/design-system-icons';
import type { Template, TemplateCategory } from '@wa/contracts';
import { errorMessage } from '../../../lib/api-client.ts';
import { useSyncTemplates } from '../api/sync-templates.ts';
import { STATUS_LABEL, templateAvailability } from '../utils/template-status.ts';

const CATEGORY_LABEL: Record<TemplateCategory, string> = {
  marketing: 'Marketing',
  utility: 'Utility',
  authentication: 'Authentication',
};

const syncedFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export function CategoryTag({ category }: { category: TemplateCategory }) {
  return (
    <Tag
      size="small"
      kind={category === 'marketing' ? 'purple' : category === 'utility' ? 'info' : 'default'}
      data-testid="template-category"
    >
      {CATEGORY_LABEL[category]}
    </Tag>
  );
}

interface TemplateFieldProps {
  numberId: string;
  templates: Template[];
  syncedAt?: string | null;
  /** Keys of templates not to offer at all (the copies made for the opt-out instruction). */
  hidden?: ReadonlySet<string>;
  /** Approved templates this number cannot send yet, by key, with the reason. */
  blocked?: ReadonlyMap<string, string>;
  value: string | null;
  onChange: (key: string | null) => void;
  disabled?: boolean;
  error?: string | undefined;
}

/**
 * Picks a template of the sending number. Every synced template is listed: approved ones can be chosen;
 * rejected, paused, disabled and in-review ones are shown greyed out with WhatsApp's reason. "Sync" pulls
 * the latest list from Kaleyra.
 */
export function TemplateField({ numberId, templates, syncedAt, hidden, blocked, value, onChange, disabled, error }: TemplateFieldProps) {
  const sync = useSyncTemplates(numberId);
  const all = templateAvailability(templates, hidden, blocked);
  const sendable = all.filter((a) => a.reason === null);
  const unavailable = all.filter((a) => a.reason !== null);
  const selected = sendable.find((a) => a.key === value)?.template ?? null;
  // Show the language only where a name exists in more than one.
  const nameCount = new Map<string, number>();
  for (const a of all) nameCount.set(a.template.name, (nameCount.get(a.template.name) ?? 0) + 1);
  const label = (t: Template) => ((nameCount.get(t.name) ?? 0) > 1 ? `${t.name} (${t.language})` : t.name);

  const syncButton = (
    <div className="wa-row">
      {syncedAt && (
        <Text as="span" size="sm" className="wa-muted" data-testid="templates-synced-at">
          Synced {syncedFormat.format(new Date(syncedAt))}
        </Text>
      )}
      <Tooltip
        triggerRenderer={
          <Button
            kind="plain"
            size="xcompact"
            aria-label="Sync templates"
            data-testid="template-sync"
            loading={sync.isPending}
            disabled={sync.isPending}
            icon={<Icon source={Refresh} />}
            onClick={() => sync.mutate()}
          />
        }
      >
        Sync templates from WhatsApp now
      </Tooltip>
    </div>
  );

  return (
    <div className="wa-stack wa-stack--tight">
      <FormField className="wa-fill" labelText="Template" labelFor="wa-template" labelRightNode={syncButton} error={error}>
        <select
          id="wa-template"
          className="wa-select"
          data-testid="template-select"
          value={selected ? (value ?? '') : ''}
          disabled={disabled || sendable.length === 0}
          onChange={(e) => onChange(e.target.value || null)}
        >
          <option value="">{sendable.length === 0 ? 'No approved templates' : 'Choose a template…'}</option>
          {sendable.map((a) => (
            <option key={a.key} value={a.key}>
              {label(a.template)}
            </option>
          ))}
          {unavailable.length > 0 && (
            <optgroup label="Cannot be sent">
              {unavailable.map((a) => (
                <option key={a.key} value={a.key} disabled>
                  {label(a.template)} —{' '}
                  {a.template.status === 'approved' ? 'not ready on this number' : STATUS_LABEL[a.template.status].toLowerCase()}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </FormField>
      {selected && (
        <div className="wa-row">
          <CategoryTag category={selected.category} />
          <Text as="span" size="sm" className="wa-muted">
            {selected.language}
          </Text>
        </div>
      )}
      {sendable.length === 0 && (
        <Text size="sm" className="wa-muted" data-testid="templates-empty">
          This number has no template it can send yet. Sync, or ask an owner to create one.
        </Text>
      )}
      {unavailable.length > 0 && (
        <details className="wa-disclosure" data-testid="templates-unavailable">
          <summary>
            <Text as="span" size="sm" className="wa-muted">
              {unavailable.length === 1 ? '1 template cannot be sent' : `${unavailable.length} templates cannot be sent`} · why
            </Text>
          </summary>
          <ul className="wa-plain-list wa-unavailable">
            {unavailable.map((a) => (
              <li key={a.key} data-testid={`template-unavailable-${a.template.name}`}>
                <Text as="span" size="sm" bold>
                  {label(a.template)}
                </Text>{' '}
                <Tag
                  size="small"
                  kind={a.template.status === 'approved' ? 'warning' : a.template.status === 'pending' ? 'default' : 'error'}
                >
                  {a.template.status === 'approved' ? 'Not ready' : STATUS_LABEL[a.template.status]}
                </Tag>
                <Text as="div" size="sm" className="wa-muted">
                  {a.reason}
                </Text>
              </li>
            ))}
          </ul>
        </details>
      )}
      {sync.isError && (
        <Text size="sm" className="wa-error-text" role="alert">
          Couldn't sync templates. {errorMessage(sync.error)}
        </Text>
      )}
      {sync.isSuccess && !sync.isPending && (
        <Text size="sm" className="wa-muted" role="status" data-testid="templates-sync-done">
          Templates are up to date.
        </Text>
      )}
    </div>
  );
}
