import { Button, FormField, Input, Text } from '@livechat/design-system-react-components';
import { SAMPLE_TYPES, variablesOf } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import type { TemplateSectionProps } from './template-section.ts';

const HEADER_TYPES = [
  { id: 'none', label: 'None' },
  { id: 'text', label: 'Text' },
  { id: 'image', label: 'Image' },
  { id: 'video', label: 'Video' },
  { id: 'document', label: 'Document' },
] as const;

interface Props extends TemplateSectionProps {
  /** The sample upload's failure, in words, when it failed. */
  uploadError: string | undefined;
  uploading: boolean;
  onSample: (file: File | undefined) => void;
  /** Forgets the previewed media when the header type changes. */
  clearMedia: () => void;
}

/** The optional header: text with one variable, or a media kind with a sample for WhatsApp's review. */
export function HeaderCard({ draft, errorOf, update, uploadError, uploading, onSample, clearMedia }: Props) {
  const headerSample = draft.header.type === 'text' ? draft.header.sample : '';
  return (
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
                clearMedia();
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
            error={uploadError ?? errorOf('header.sample')}
          >
            <input
              id="wa-tpl-sample"
              type="file"
              data-testid="tpl-header-sample"
              accept={SAMPLE_TYPES[draft.header.type].types.join(',')}
              onChange={(e) => onSample(e.target.files?.[0])}
            />
            {uploading && <Text size="sm">Uploading the sample…</Text>}
            {draft.header.sampleHandle && (
              <Text size="sm" className="wa-muted" data-testid="tpl-header-sample-ok">
                Sample uploaded{draft.header.sampleFileName ? `: ${draft.header.sampleFileName}` : ''}.
              </Text>
            )}
          </FormField>
        )}
      </div>
    </Card>
  );
}
