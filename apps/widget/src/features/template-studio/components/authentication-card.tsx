import { Checkbox, FormField, Input, Text } from '@livechat/design-system-react-components';
import { AUTHENTICATION_BODY, AUTHENTICATION_SECURITY, type DraftButton } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import type { TemplateSectionProps } from './template-section.ts';

interface Props extends TemplateSectionProps {
  setButton: (i: number, b: DraftButton) => void;
}

/** Meta's fixed authentication message: only the security note, the expiry and the copy button's label change. */
export function AuthenticationCard({ draft, errorOf, update, setButton }: Props) {
  return (
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
  );
}
