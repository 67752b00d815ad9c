import { Button, FormField, Input, Text, Textarea } from '@livechat/design-system-react-components';
import { variablesOf } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { DraftTextField } from './draft-text-field.tsx';
import type { TemplateSectionProps } from './template-section.ts';

/** The message, a sample per variable, and the footer. */
export function BodyCard({ draft, errorOf, update }: TemplateSectionProps) {
  const bodyVars = variablesOf(draft.body).length;
  return (
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
          <FormField key={i} labelText={`Sample for {{${i + 1}}}`} labelFor={`wa-tpl-sample-${i}`} error={errorOf(`bodySamples.${i}`)}>
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
        <DraftTextField
          name="footer"
          label="Footer (optional, at most 60 characters, no variables)"
          draft={draft}
          errorOf={errorOf}
          update={update}
        />
      </div>
    </Card>
  );
}
