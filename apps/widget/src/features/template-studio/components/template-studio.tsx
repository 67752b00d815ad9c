import { useState } from 'react';
import { Button, Input, Loader, Modal, ModalPortal, Tag, Text } from '@livechat/design-system-react-components';
import { draftFromTemplate, META_LANGUAGES, type StudioTemplate, type TemplateDraft, type TemplateStatus } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { DataTable, type Column } from '../../../components/data-table.tsx';
import { Select, type SelectOption } from '../../../components/select.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { saveFile } from '../../../lib/save-file.ts';
import { useDeleteTemplate, useStudioTemplates, useSyncStudioTemplates, useTemplateUsage } from '../api/studio-templates.ts';
import { CATEGORY_OPTIONS, languageOptions } from '../utils/select-options.ts';
import { TemplateForm, type RenderPreview } from './template-form.tsx';

const TEMPLATE_COLUMNS: Column[] = [
  'Name',
  'Language',
  'Category',
  'Status',
  'Quality',
  'Last change',
  { label: <span className="wa-visually-hidden">Actions</span> },
];

const STATUS: Record<TemplateStatus, { label: string; kind: 'success' | 'warning' | 'error' | 'default' }> = {
  approved: { label: 'Approved', kind: 'success' },
  pending: { label: 'In review', kind: 'warning' },
  rejected: { label: 'Rejected', kind: 'error' },
  paused: { label: 'Paused', kind: 'warning' },
  disabled: { label: 'Disabled', kind: 'error' },
};

const STATUS_FILTER: SelectOption<'all' | TemplateStatus>[] = [
  { value: 'all', label: 'All statuses' },
  ...(Object.keys(STATUS) as TemplateStatus[]).map((value) => ({ value, label: STATUS[value].label })),
];
const CATEGORY_FILTER = [{ value: 'all', label: 'All categories' }, ...CATEGORY_OPTIONS];
const when = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });

function csvOf(list: StudioTemplate[]): string {
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rows = list.map((t) =>
    [t.name, t.language, t.category, t.status, t.rejectedReason ?? '', t.quality, t.changedAt ?? '', t.wabaId].map(esc).join(','),
  );
  return ['name,language,category,status,rejected_reason,quality,last_change,waba_id', ...rows].join('\r\n');
}

type Editing = { draft?: TemplateDraft; note?: string } | null;

/** The Templates tab: every template of the organization's WhatsApp Business Accounts, and the studio to make more. */
export function TemplateStudio({ renderPreview }: { renderPreview: RenderPreview }) {
  const list = useStudioTemplates();
  const sync = useSyncStudioTemplates();
  const [editing, setEditing] = useState<Editing>(null);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<'all' | TemplateStatus>('all');
  const [category, setCategory] = useState('all');
  const [deleting, setDeleting] = useState<StudioTemplate | null>(null);
  const [duplicating, setDuplicating] = useState<StudioTemplate | null>(null);
  const [flash, setFlash] = useState<string | null>(null);

  if (list.isPending) return <Loader size="medium" />;
  if (list.isError) return <Text className="wa-error-text">{errorMessage(list.error)}</Text>;
  const { templates, canManage } = list.data;
  const numbers = [...new Map(templates.flatMap((t) => t.numbers.map((n) => [n.id, { ...n, wabaId: t.wabaId }] as const))).values()];

  if (editing) {
    return (
      <TemplateForm
        numbers={numbers}
        initial={editing.draft}
        note={editing.note}
        renderPreview={renderPreview}
        onCancel={() => setEditing(null)}
        onDone={(t) => {
          setEditing(null);
          setFlash(`“${t.name}” (${t.language}) was sent to WhatsApp for review. It shows as “In review” until WhatsApp decides.`);
        }}
      />
    );
  }

  const needle = q.trim().toLowerCase();
  const shown = templates.filter(
    (t) =>
      (status === 'all' || t.status === status) &&
      (category === 'all' || t.category === category) &&
      (!needle || t.name.includes(needle) || t.content.body.toLowerCase().includes(needle) || t.language.toLowerCase().includes(needle)),
  );

  return (
    <div className="wa-stack" data-testid="template-studio">
      <div className="wa-row wa-studio__toolbar">
        <div className="wa-studio__filters">
          <Input
            className="wa-studio__search"
            placeholder="Search name, text or language"
            aria-label="Search templates"
            data-testid="tpl-search"
            value={q}
            cropOnBlur={false}
            onChange={(e) => setQ(e.target.value)}
          />
          <Select aria-label="Status" data-testid="tpl-filter-status" options={STATUS_FILTER} value={status} onValueChange={setStatus} />
          <Select
            aria-label="Category"
            data-testid="tpl-filter-category"
            options={CATEGORY_FILTER}
            value={category}
            onValueChange={setCategory}
          />
        </div>
        <div className="wa-row wa-studio__actions-bar">
          <Button kind="secondary" size="compact" data-testid="tpl-sync" loading={sync.isPending} onClick={() => sync.mutate()}>
            Sync now
          </Button>
          <Button
            kind="secondary"
            size="compact"
            data-testid="tpl-export"
            onClick={() =>
              saveFile(new Blob([csvOf(shown)], { type: 'text/csv' }), `whatsapp-templates-${new Date().toISOString().slice(0, 10)}.csv`)
            }
          >
            Export CSV
          </Button>
          {canManage && (
            <Button kind="primary" size="compact" data-testid="tpl-new" onClick={() => setEditing({})}>
              New template
            </Button>
          )}
        </div>
      </div>
      {!canManage && (
        <Text size="sm" className="wa-muted" data-testid="tpl-read-only">
          Only owners and admins of your LiveChat organization create and delete templates. You can see them and their status here.
        </Text>
      )}
      {flash && (
        <Text size="sm" data-testid="tpl-flash" role="status">
          {flash}
        </Text>
      )}
      {sync.isError && <Text className="wa-error-text">{errorMessage(sync.error)}</Text>}
      <Card>
        {/* The table scrolls inside its card on narrow widths, so the page (and the toolbar above) keeps its width. */}
        <div className="wa-studio__table-wrap" role="region" aria-label="Templates" tabIndex={0}>
          <DataTable columns={TEMPLATE_COLUMNS} className="wa-studio__table" testId="tpl-table">
            {shown.length === 0 && (
              <tr>
                <td colSpan={7}>
                  <Text size="sm" className="wa-muted">
                    No templates match.
                  </Text>
                </td>
              </tr>
            )}
            {shown.map((t) => {
              const s = STATUS[t.status];
              const numberId = t.numbers[0]?.id ?? '';
              return (
                <tr key={`${t.wabaId}|${t.name}|${t.language}`} data-testid={`tpl-row-${t.name}-${t.language}`}>
                  <td>
                    <Text bold>{t.name}</Text>
                    <Text size="sm" className="wa-muted wa-studio__snippet">
                      {t.content.headerFormat !== 'none' && t.content.headerFormat !== 'text' ? `[${t.content.headerFormat}] ` : ''}
                      {t.content.body.slice(0, 90)}
                      {t.content.body.length > 90 ? '…' : ''}
                    </Text>
                  </td>
                  <td>{t.language}</td>
                  <td className="wa-studio__cap">{t.category}</td>
                  <td>
                    <Tag size="small" kind={s.kind} data-testid="tpl-status">
                      {s.label}
                    </Tag>
                    {t.status === 'rejected' && t.rejectedReason && (
                      <Text size="sm" className="wa-error-text" data-testid="tpl-reason">
                        WhatsApp’s reason: {t.rejectedReason}
                      </Text>
                    )}
                  </td>
                  <td className="wa-studio__cap">{t.quality === 'unknown' ? '—' : t.quality}</td>
                  <td className="wa-studio__when">{t.changedAt ? when.format(new Date(t.changedAt)) : '—'}</td>
                  <td>
                    {canManage && (
                      <div className="wa-row wa-studio__actions">
                        {t.status === 'rejected' && (
                          <Button
                            size="compact"
                            kind="secondary"
                            data-testid="tpl-resubmit"
                            onClick={() => {
                              const draft = draftFromTemplate(t, numberId);
                              draft.name = nextName(t.name, templates);
                              setEditing({
                                draft,
                                note: `Edit and resubmit “${t.name}” as a new template: WhatsApp said ${t.rejectedReason ?? 'no'}. A rejected name cannot be reused, so it gets a new one.`,
                              });
                            }}
                          >
                            Edit and resubmit as a new template
                          </Button>
                        )}
                        <Button
                          size="compact"
                          kind="plain"
                          aria-haspopup="dialog"
                          data-testid="tpl-duplicate"
                          onClick={() => setDuplicating(t)}
                        >
                          Duplicate as another language
                        </Button>
                        <Button size="compact" kind="plain" aria-haspopup="dialog" data-testid="tpl-delete" onClick={() => setDeleting(t)}>
                          Delete
                        </Button>
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        </div>
      </Card>
      {deleting && <DeleteDialog template={deleting} onClose={(msg) => (setDeleting(null), msg && setFlash(msg))} />}
      {duplicating && (
        <LanguageDialog
          template={duplicating}
          taken={templates.filter((x) => x.wabaId === duplicating.wabaId && x.name === duplicating.name).map((x) => x.language)}
          onClose={() => setDuplicating(null)}
          onPick={(language) => {
            const draft = draftFromTemplate(duplicating, duplicating.numbers[0]?.id ?? '');
            draft.language = language;
            setDuplicating(null);
            setEditing({ draft, note: `“${duplicating.name}” in ${language}: translate the texts, then submit.` });
          }}
        />
      )}
    </div>
  );
}

function nextName(name: string, all: StudioTemplate[]): string {
  const base = name.replace(/_v\d+$/, '');
  for (let i = 2; ; i++) if (!all.some((t) => t.name === `${base}_v${i}`)) return `${base}_v${i}`;
}

function LanguageDialog({
  template,
  taken,
  onPick,
  onClose,
}: {
  template: StudioTemplate;
  taken: string[];
  onPick: (l: string) => void;
  onClose: () => void;
}) {
  const free = META_LANGUAGES.filter((l) => !taken.includes(l.code));
  const [language, setLanguage] = useState(free[0]?.code ?? '');
  return (
    <ModalPortal zIndex={1000}>
      <Modal
        heading={`Duplicate “${template.name}” as another language`}
        aria-label={`Duplicate ${template.name} as another language`}
        onClose={onClose}
        data-testid="tpl-duplicate-dialog"
        footer={
          <div className="wa-row">
            <Button kind="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button kind="primary" data-testid="tpl-duplicate-confirm" disabled={!language} onClick={() => onPick(language)}>
              Continue
            </Button>
          </div>
        }
      >
        <Select
          aria-label="Language"
          data-testid="tpl-duplicate-language"
          options={languageOptions(free)}
          value={language}
          onValueChange={setLanguage}
        />
      </Modal>
    </ModalPortal>
  );
}

function DeleteDialog({ template, onClose }: { template: StudioTemplate; onClose: (message?: string) => void }) {
  const numberId = template.numbers[0]?.id ?? '';
  const usage = useTemplateUsage(numberId, template.name, true);
  const del = useDeleteTemplate();
  const u = usage.data;
  return (
    <ModalPortal zIndex={1000}>
      <Modal
        heading={`Delete “${template.name}”?`}
        aria-label={`Delete ${template.name}`}
        onClose={() => onClose()}
        data-testid="tpl-delete-dialog"
        footer={
          <div className="wa-row">
            <Button kind="secondary" onClick={() => onClose()} disabled={del.isPending}>
              Cancel
            </Button>
            <Button
              kind="destructive"
              data-testid="tpl-delete-confirm"
              loading={del.isPending}
              disabled={!u?.canDelete}
              onClick={() => del.mutate({ numberId, name: template.name }, { onSuccess: () => onClose(`“${template.name}” was deleted.`) })}
            >
              Delete in every language
            </Button>
          </div>
        }
      >
        {usage.isPending ? (
          <Loader size="small" />
        ) : u ? (
          <div className="wa-stack wa-stack--tight" data-testid="tpl-delete-usage">
            <Text>
              WhatsApp deletes a template name in all its languages: {u.languages.join(', ')}. The name cannot be used again for 30 days.
            </Text>
            {u.campaigns.length > 0 ? (
              <Text size="sm">Campaigns that use it: {u.campaigns.map((c) => `“${c.name}” (${c.status})`).join(', ')}.</Text>
            ) : (
              <Text size="sm">No campaign uses it.</Text>
            )}
            {u.copies.length > 0 && <Text size="sm">Its opt-out copies stay: {u.copies.join(', ')}.</Text>}
            {u.reason && (
              <Text size="sm" className="wa-error-text" data-testid="tpl-delete-blocked">
                {u.reason}
              </Text>
            )}
          </div>
        ) : (
          <Text className="wa-error-text">{errorMessage(usage.error)}</Text>
        )}
        {del.isError && <Text className="wa-error-text">{errorMessage(del.error)}</Text>}
      </Modal>
    </ModalPortal>
  );
}
