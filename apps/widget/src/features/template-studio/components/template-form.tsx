import { useMemo, useState, type ReactNode } from 'react';
import { Button, Text } from '@livechat/design-system-react-components';
import {
  blankDraft,
  contentFromComponents,
  toMetaTemplate,
  validateTemplateDraft,
  type DraftButton,
  type StudioTemplate,
  type TemplateCategory,
  type TemplateDraft,
} from '@wa/contracts';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { useCreateTemplate, useUploadSample } from '../api/studio-templates.ts';
import { AuthenticationCard } from './authentication-card.tsx';
import { BasicsCard } from './basics-card.tsx';
import { BodyCard } from './body-card.tsx';
import { ButtonsCard } from './buttons-card.tsx';
import { HeaderCard } from './header-card.tsx';

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
        <BasicsCard draft={draft} errorOf={errorOf} update={update} numbers={numbers} setCategory={setCategory} />

        {auth ? (
          <AuthenticationCard draft={draft} errorOf={errorOf} update={update} setButton={setButton} />
        ) : (
          <>
            <HeaderCard
              draft={draft}
              errorOf={errorOf}
              update={update}
              uploadError={upload.error ? errorMessage(upload.error) : undefined}
              uploading={upload.isPending}
              onSample={(file) => void chooseSample(file)}
              clearMedia={() => setMediaSrc(undefined)}
            />

            <BodyCard draft={draft} errorOf={errorOf} update={update} />

            <ButtonsCard draft={draft} errorOf={errorOf} setButton={setButton} addButton={addButton} removeButton={removeButton} />
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
