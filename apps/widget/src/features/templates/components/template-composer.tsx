import { SkeletonText } from '@livechat/design-system-react-components';
import type { Template, TemplatesResponse } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { TemplateExtras, type TemplateExtrasValue } from './template-extras.tsx';
import { TemplateField } from './template-field.tsx';
import { TemplatePreview } from './template-preview.tsx';
import { TemplateVariables } from './template-variables.tsx';

export interface TemplateComposerProps {
  numberId: string;
  templates: {
    isPending: boolean;
    isError: boolean;
    error: unknown;
    data?: TemplatesResponse | undefined;
    refetch: () => Promise<unknown>;
  };
  /** Opt-out copies hidden from the list, and templates that cannot be sent with the reason. */
  hidden: ReadonlySet<string>;
  blocked: ReadonlyMap<string, string>;
  /** The template as the customer will receive it (an opt-out instruction may be added). */
  sentAs: (template: Template) => Template;
  choice: string | null;
  onChoose: (key: string | null) => void;
  template: Template | null;
  values: string[];
  onVariableChange: (index: number, value: string) => void;
  extras: TemplateExtrasValue;
  onExtrasChange: (value: TemplateExtrasValue) => void;
  errors: { template?: string | undefined; variables: Record<number, string>; other: Record<string, string> };
  disabled: boolean;
  /** The customer stopped messages: no template can be chosen. */
  locked: boolean;
}

/** Choose an approved template, fill in its values, and see it as the customer will. */
export function TemplateComposer(p: TemplateComposerProps) {
  if (p.templates.isPending) return <SkeletonText width={220} height={16} />;
  if (p.templates.isError || !p.templates.data) {
    return (
      <InlineAlert kind="error" role="alert" onRetry={() => void p.templates.refetch()}>
        Couldn't load the templates. {errorMessage(p.templates.error)}
      </InlineAlert>
    );
  }
  return (
    <>
      <TemplateField
        numberId={p.numberId}
        templates={p.templates.data.templates}
        syncedAt={p.templates.data.syncedAt}
        hidden={p.hidden}
        blocked={p.blocked}
        value={p.choice}
        onChange={p.onChoose}
        disabled={p.disabled || p.locked}
        error={p.errors.template}
      />
      {p.template && (
        <>
          <TemplateVariables
            count={p.template.variableCount}
            values={p.values}
            onChange={p.onVariableChange}
            errors={p.errors.variables}
            disabled={p.disabled}
          />
          <TemplateExtras
            template={p.template}
            value={p.extras}
            onChange={p.onExtrasChange}
            errors={p.errors.other}
            disabled={p.disabled}
          />
          <TemplatePreview
            template={p.sentAs(p.template)}
            variables={p.values}
            headerValue={p.extras.headerText}
            mediaSrc={p.extras.headerMediaUrl || undefined}
          />
        </>
      )}
    </>
  );
}
