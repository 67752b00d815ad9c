import { useMemo, useState, type ReactNode } from 'react';
import { Button, Checkbox, FormField, Input, Text, Textarea } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import {
  AUTHENTICATION_BODY,
  AUTHENTICATION_SECURITY,
  blankDraft,
  contentFromComponents,
  META_LANGUAGES,
  SAMPLE_TYPES,
  toMetaTemplate,
  validateTemplateDraft,
  variablesOf,
  type DraftButton,
  type StudioTemplate,
  type TemplateCategory,
  type TemplateDraft,
} from '@wa/contracts';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { useCreateTemplate, useUploadSample } from '../api/studio-templates.ts';

/** The preview the sidebar uses, handed in by the app (features do not import each other). */
export type RenderPreview = (p: {
  content: StudioTemplate['content'];
  bodySamples: string[];
  headerSample: string;
  mediaSrc?: string | undefined;
}) => ReactNode;

interface Props {
  numbers: { id: string; number: string; displayName: string; wabaId: string }[];
  initial?: TemplateDraft | undefined;
  /** Says what the form starts from: "Edit and resubmit", "Duplicate as another language". */
  note?: string | undefined;
  renderPreview: RenderPreview;
  onDone: (t: StudioTemplate) => void;
  onCancel: () => void;
}

const HEADER_TYPES = [
  { id: 'none', label: 'None' },
  { id: 'text', label: 'Text' },
  { id: 'image', label: 'Image' },
  { id: 'video', label: 'Video' },
  { id: 'document', label: 'Document' },
] as const;

/** Builds a WhatsApp template, checked against Meta's rules as the owner types, with a live preview. */
export function TemplateForm({ numbers, initial, note, renderPreview, onDone, onCancel }: Props) {
  const [draft, setDraft] = useState<TemplateDraft>(() => initial ?? blankDraft(numbers[0]?.id ?? ''));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [mediaSrc, setMediaSrc] = useState<string | undefined>();
  const create = useCreateTemplate();
  const upload = useUploadSample();

  const problems = useMemo(() => validateTemplateDraft(draft), [draft]);
  const serverErrors = create.error instanceof ApiError ? create.error.fieldErrors : [];
  const shown = (path: string) => submitted || [...touched].some((t) => path === t || path.startsWith(`${t}.`));
  const errorOf = (path: string) =>
    (shown(path) ? problems.find((p) => p.path === path)?.message : undefined) ?? serverErrors.find((e) => e.path === path)?.message;
  const touch = (path: string) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path)));
  const update = (patch: Partial<TemplateDraft>, path?: string) => {
    setDraft((d) => ({ ...d, ...patch }));
    if (path) touch(path);
    if (create.error) create.reset();
  };
  const auth = draft.category === 'authentication';
  const bodyVars = variablesOf(draft.body).length;
  const content = contentFromComponents(toMetaTemplate(draft).components);

  const setCategory = (category: TemplateCategory) => {
    const fresh = blankDraft(draft.numberId, category);
    update(
      category === 'authentication'
        ? { ...fresh, name: draft.name, language: draft.language }
        : { category, buttons: draft.buttons.filter((b) => b.type !== 'copy_code') },
    );
  };
  const setButton = (i: number, b: DraftButton) => update({ buttons: draft.buttons.map((x, j) => (j === i ? b : x)) }, `buttons.${i}`);
  const addButton = (b: DraftButton) => update({ buttons: [...draft.buttons, b] }, 'buttons');
  const removeButton = (i: number) => update({ buttons: draft.buttons.filter((_, j) => j !== i) }, 'buttons');

  async function chooseSample(file: File | undefined) {
    if (!file || (draft.header.type !== 'image' && draft.header.type !== 'video' && draft.header.type !== 'document')) return;
    const kind = draft.header.type;
    touch('header');
    if (kind === 'image') {
      const reader = new FileReader();
      reader.onload = () => setMediaSrc(typeof reader.result === 'string' ? reader.result : undefined);
      reader.readAsDataURL(file);
    } else setMediaSrc(undefined);
    upload.mutate(
      { numberId: draft.numberId, file },
      { onSuccess: (r) => update({ header: { type: kind, sampleHandle: r.handle, sampleFileName: file.name } }, 'header') },
    );
  }

  function submit() {
    setSubmitted(true);
    if (problems.length) return;
    create.mutate(draft, { onSuccess: (r) => onDone(r.template) });
  }

  const headerSample = draft.header.type === 'text' ? draft.header.sample : '';
  return (
    <div className="wa-studio__editor" data-testid="template-form">
      <div className="wa-stack wa-studio__fields">
        {note && (
          <Text size="sm" className="wa-muted" data-testid="template-form-note">
            {note}
          </Text>
        )}
        <Card title="Basics">
          <div className="wa-stack wa-stack--tight">
            {numbers.length > 1 && (
              <FormField labelText="WhatsApp Business Account" labelFor="wa-tpl-number">
                <select
                  id="wa-tpl-number"
                  className="wa-select"
                  value={draft.numberId}
                  onChange={(e) => update({ numberId: e.target.value })}
                >
                  {numbers.map((n) => (
                    <option key={n.id} value={n.id}>
                      {n.displayName} ({n.number})
                    </option>
                  ))}
                </select>
              </FormField>
            )}
            <FormField
              labelText="Name"
              labelFor="wa-tpl-name"
              error={errorOf('name')}
              description="Lowercase letters, digits and underscores, e.g. autumn_sale_2"
            >
              <Input
                id="wa-tpl-name"
                className="wa-input-full"
                data-testid="tpl-name"
                value={draft.name}
                cropOnBlur={false}
                onChange={(e) => update({ name: e.target.value }, 'name')}
              />
            </FormField>
            <div className="wa-row wa-studio__pair">
              <FormField labelText="Category" labelFor="wa-tpl-category">
                <select
                  id="wa-tpl-category"
                  className="wa-select"
                  data-testid="tpl-category"
                  value={draft.category}
                  onChange={(e) => setCategory(e.target.value as TemplateCategory)}
                >
                  <option value="marketing">Marketing</option>
                  <option value="utility">Utility</option>
                  <option value="authentication">Authentication</option>
                </select>
              </FormField>
              <FormField labelText="Language" labelFor="wa-tpl-language" error={errorOf('language')}>
                <select
                  id="wa-tpl-language"
                  className="wa-select"
                  data-testid="tpl-language"
                  value={draft.language}
                  onChange={(e) => update({ language: e.target.value }, 'language')}
                >
                  {META_LANGUAGES.map((l) => (
                    <option key={l.code} value={l.code}>
                      {l.name} ({l.code})
                    </option>
                  ))}
                </select>
              </FormField>
            </div>
          </div>
        </Card>

        {auth ? (
          <Card title="Authentication message">
            <div className="wa-stack wa-stack--tight" data-testid="tpl-auth">
              <Text size="sm">
                WhatsApp writes authentication messages itself: “{AUTHENTICATION_BODY.replace('{{1}}', '123456')}” with a Copy code button.
              </Text>
              <Checkbox
                checked={draft.authentication.securityRecommendation}
                onChange={() =>
                  update({
                    authentication: { ...draft.authentication, securityRecommendation: !draft.authentication.securityRecommendation },
                  })
                }
              >
                Add “{AUTHENTICATION_SECURITY}”
              </Checkbox>
              <FormField
                labelText="Code expires after (minutes, 1–90; empty for no expiry note)"
                labelFor="wa-tpl-expiry"
                error={errorOf('authentication.codeExpiryMinutes')}
              >
                <Input
                  id="wa-tpl-expiry"
                  type="number"
                  data-testid="tpl-expiry"
                  value={draft.authentication.codeExpiryMinutes === null ? '' : String(draft.authentication.codeExpiryMinutes)}
                  cropOnBlur={false}
                  onChange={(e) =>
                    update(
                      {
                        authentication: {
                          ...draft.authentication,
                          codeExpiryMinutes: e.target.value === '' ? null : Number(e.target.value),
                        },
                      },
                      'authentication',
                    )
                  }
                />
              </FormField>
              <FormField labelText="Copy code button label" labelFor="wa-tpl-copy" error={errorOf('buttons.0.text') ?? errorOf('buttons')}>
                <Input
                  id="wa-tpl-copy"
                  value={draft.buttons[0]?.text ?? ''}
                  cropOnBlur={false}
                  onChange={(e) => setButton(0, { type: 'copy_code', text: e.target.value })}
                />
              </FormField>
            </div>
          </Card>
        ) : (
          <>
            <Card title="Header">
              <div className="wa-stack wa-stack--tight">
                <div className="wa-row" role="radiogroup" aria-label="Header type">
                  {HEADER_TYPES.map((h) => (
                    <Button
                      key={h.id}
                      size="compact"
                      kind={draft.header.type === h.id ? 'primary' : 'secondary'}
                      data-testid={`tpl-header-${h.id}`}
                      role="radio"
                      aria-checked={draft.header.type === h.id}
                      onClick={() => {
                        setMediaSrc(undefined);
                        update({
                          header:
                            h.id === 'none'
                              ? { type: 'none' }
                              : h.id === 'text'
                                ? { type: 'text', text: '', sample: '' }
                                : { type: h.id, sampleHandle: '' },
                        });
                      }}
                    >
                      {h.label}
                    </Button>
                  ))}
                </div>
                {draft.header.type === 'text' && (
                  <>
                    <FormField
                      labelText="Header text (at most 60 characters, one variable {{1}})"
                      labelFor="wa-tpl-header"
                      error={errorOf('header.text')}
                    >
                      <Input
                        id="wa-tpl-header"
                        className="wa-input-full"
                        data-testid="tpl-header-text"
                        value={draft.header.text}
                        cropOnBlur={false}
                        onChange={(e) => update({ header: { type: 'text', text: e.target.value, sample: headerSample } }, 'header')}
                      />
                    </FormField>
                    {variablesOf(draft.header.text).length > 0 && (
                      <FormField labelText="Sample for {{1}}" labelFor="wa-tpl-header-sample" error={errorOf('header.sample')}>
                        <Input
                          id="wa-tpl-header-sample"
                          className="wa-input-full"
                          value={draft.header.sample}
                          cropOnBlur={false}
                          onChange={(e) =>
                            update(
                              {
                                header: {
                                  type: 'text',
                                  text: draft.header.type === 'text' ? draft.header.text : '',
                                  sample: e.target.value,
                                },
                              },
                              'header',
                            )
                          }
                        />
                      </FormField>
                    )}
                  </>
                )}
                {(draft.header.type === 'image' || draft.header.type === 'video' || draft.header.type === 'document') && (
                  <FormField
                    labelText={`Sample ${draft.header.type} for WhatsApp's review`}
                    labelFor="wa-tpl-sample"
                    description={`${SAMPLE_TYPES[draft.header.type].label}. It goes to WhatsApp for the review and is not kept here. When sending, you give the link of the real file.`}
                    error={upload.error ? errorMessage(upload.error) : errorOf('header.sample')}
                  >
                    <input
                      id="wa-tpl-sample"
                      type="file"
                      data-testid="tpl-header-sample"
                      accept={SAMPLE_TYPES[draft.header.type].types.join(',')}
                      onChange={(e) => void chooseSample(e.target.files?.[0])}
                    />
                    {upload.isPending && <Text size="sm">Uploading the sample…</Text>}
                    {draft.header.sampleHandle && (
                      <Text size="sm" className="wa-muted" data-testid="tpl-header-sample-ok">
                        Sample uploaded{draft.header.sampleFileName ? `: ${draft.header.sampleFileName}` : ''}.
                      </Text>
                    )}
                  </FormField>
                )}
              </div>
            </Card>

            <Card title="Body">
              <div className="wa-stack wa-stack--tight">
                <FormField
                  labelText="Message (at most 1,024 characters; variables {{1}}, {{2}}… in order)"
                  labelFor="wa-tpl-body"
                  error={errorOf('body')}
                >
                  <Textarea
                    id="wa-tpl-body"
                    className="wa-textarea"
                    data-testid="tpl-body"
                    rows={5}
                    value={draft.body}
                    onChange={(e) => update({ body: e.target.value }, 'body')}
                  />
                </FormField>
                <div className="wa-row">
                  <Button
                    size="compact"
                    kind="secondary"
                    data-testid="tpl-add-variable"
                    onClick={() => update({ body: `${draft.body}{{${bodyVars + 1}}}` }, 'body')}
                  >
                    Add variable {`{{${bodyVars + 1}}}`}
                  </Button>
                  <Text size="sm" className="wa-muted">
                    {draft.body.length} / 1024
                  </Text>
                </div>
                {Array.from({ length: bodyVars }, (_, i) => (
                  <FormField
                    key={i}
                    labelText={`Sample for {{${i + 1}}}`}
                    labelFor={`wa-tpl-sample-${i}`}
                    error={errorOf(`bodySamples.${i}`)}
                  >
                    <Input
                      id={`wa-tpl-sample-${i}`}
                      className="wa-input-full"
                      data-testid={`tpl-sample-${i + 1}`}
                      value={draft.bodySamples[i] ?? ''}
                      cropOnBlur={false}
                      onChange={(e) => {
                        const next = Array.from({ length: bodyVars }, (_, j) => draft.bodySamples[j] ?? '');
                        next[i] = e.target.value;
                        update({ bodySamples: next }, `bodySamples.${i}`);
                      }}
                    />
                  </FormField>
                ))}
                <FormField
                  labelText="Footer (optional, at most 60 characters, no variables)"
                  labelFor="wa-tpl-footer"
                  error={errorOf('footer')}
                >
                  <Input
                    id="wa-tpl-footer"
                    className="wa-input-full"
                    data-testid="tpl-footer"
                    value={draft.footer}
                    cropOnBlur={false}
                    onChange={(e) => update({ footer: e.target.value }, 'footer')}
                  />
                </FormField>
              </div>
            </Card>

            <Card title="Buttons">
              <div className="wa-stack wa-stack--tight" data-testid="tpl-buttons">
                {errorOf('buttons') && (
                  <Text size="sm" className="wa-error-text" data-testid="tpl-buttons-error">
                    {errorOf('buttons')}
                  </Text>
                )}
                {draft.buttons.map((b, i) => (
                  <div key={i} className="wa-studio__button-row" data-testid={`tpl-button-${i}`}>
                    <Text size="sm" bold>
                      {b.type === 'quick_reply' ? 'Quick reply' : b.type === 'url' ? 'Website' : b.type === 'phone' ? 'Phone' : 'Copy code'}
                    </Text>
                    <FormField
                      labelText="Label"
                      labelFor={`wa-btn-text-${i}`}
                      error={errorOf(`buttons.${i}.text`) ?? errorOf(`buttons.${i}.type`)}
                    >
                      <Input
                        id={`wa-btn-text-${i}`}
                        data-testid={`tpl-button-text-${i}`}
                        value={b.text}
                        maxLength={40}
                        cropOnBlur={false}
                        onChange={(e) => setButton(i, { ...b, text: e.target.value })}
                      />
                    </FormField>
                    {b.type === 'url' && (
                      <>
                        <FormField
                          labelText="Address (may end with {{1}})"
                          labelFor={`wa-btn-url-${i}`}
                          error={errorOf(`buttons.${i}.url`)}
                        >
                          <Input
                            id={`wa-btn-url-${i}`}
                            data-testid={`tpl-button-url-${i}`}
                            value={b.url}
                            placeholder="https://"
                            cropOnBlur={false}
                            onChange={(e) => setButton(i, { ...b, url: e.target.value })}
                          />
                        </FormField>
                        {variablesOf(b.url).length > 0 && (
                          <FormField labelText="Sample ending" labelFor={`wa-btn-sample-${i}`} error={errorOf(`buttons.${i}.sample`)}>
                            <Input
                              id={`wa-btn-sample-${i}`}
                              data-testid={`tpl-button-sample-${i}`}
                              value={b.sample}
                              cropOnBlur={false}
                              onChange={(e) => setButton(i, { ...b, sample: e.target.value })}
                            />
                          </FormField>
                        )}
                      </>
                    )}
                    {b.type === 'phone' && (
                      <FormField labelText="Phone number" labelFor={`wa-btn-phone-${i}`} error={errorOf(`buttons.${i}.phone`)}>
                        <Input
                          id={`wa-btn-phone-${i}`}
                          value={b.phone}
                          placeholder="+48 22 123 45 67"
                          cropOnBlur={false}
                          onChange={(e) => setButton(i, { ...b, phone: e.target.value })}
                        />
                      </FormField>
                    )}
                    <Button
                      size="compact"
                      kind="plain"
                      aria-label={`Remove button ${i + 1}`}
                      data-testid={`tpl-button-remove-${i}`}
                      onClick={() => removeButton(i)}
                    >
                      Remove
                    </Button>
                  </div>
                ))}
                <div className="wa-row">
                  <Button
                    size="compact"
                    kind="secondary"
                    data-testid="tpl-add-quick-reply"
                    onClick={() => addButton({ type: 'quick_reply', text: '' })}
                  >
                    + Quick reply
                  </Button>
                  <Button
                    size="compact"
                    kind="secondary"
                    data-testid="tpl-add-url"
                    onClick={() => addButton({ type: 'url', text: '', url: 'https://', sample: '' })}
                  >
                    + Website
                  </Button>
                  <Button
                    size="compact"
                    kind="secondary"
                    data-testid="tpl-add-phone"
                    onClick={() => addButton({ type: 'phone', text: '', phone: '' })}
                  >
                    + Phone
                  </Button>
                </div>
              </div>
            </Card>
          </>
        )}

        {create.error && (
          <div role="alert" className="wa-error-text" data-testid="tpl-submit-error">
            <Text bold>{create.error instanceof ApiError ? create.error.problem.title : 'Not submitted'}</Text>
            <Text size="sm">{errorMessage(create.error)}</Text>
          </div>
        )}
        {submitted && problems.length > 0 && (
          <Text size="sm" className="wa-error-text" data-testid="tpl-problems">
            Fix {problems.length === 1 ? 'the marked field' : `the ${problems.length} marked fields`} first.
          </Text>
        )}
        <div className="wa-row">
          <Button
            kind="primary"
            data-testid="tpl-submit"
            loading={create.isPending}
            disabled={create.isPending || upload.isPending}
            onClick={submit}
          >
            Submit for review
          </Button>
          <Button kind="secondary" onClick={onCancel} disabled={create.isPending}>
            Cancel
          </Button>
        </div>
      </div>
      <aside className="wa-studio__preview" aria-label="Preview">
        <Text size="sm" bold>
          Preview
        </Text>
        {renderPreview({ content, bodySamples: draft.bodySamples, headerSample, mediaSrc })}
      </aside>
    </div>
  );
}
