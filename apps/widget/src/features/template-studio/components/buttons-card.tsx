import { Button, FormField, Input, Text } from '@livechat/design-system-react-components';
import { variablesOf, type DraftButton } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import type { TemplateSectionProps } from './template-section.ts';

interface Props extends Omit<TemplateSectionProps, 'update'> {
  setButton: (i: number, b: DraftButton) => void;
  addButton: (b: DraftButton) => void;
  removeButton: (i: number) => void;
}

/** Quick replies, website and phone buttons, each with its own fields. */
export function ButtonsCard({ draft, errorOf, setButton, addButton, removeButton }: Props) {
  return (
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
            <FormField labelText="Label" labelFor={`wa-btn-text-${i}`} error={errorOf(`buttons.${i}.text`) ?? errorOf(`buttons.${i}.type`)}>
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
                <FormField labelText="Address (may end with {{1}})" labelFor={`wa-btn-url-${i}`} error={errorOf(`buttons.${i}.url`)}>
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
  );
}
