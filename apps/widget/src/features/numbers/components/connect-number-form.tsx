import { useState } from 'react';
import { Button, FormField, Text } from '@livechat/design-system-react-components';
import type { ApiVersion, CatalogPlan, NumberPurchaseResponse } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { Form } from '../../../components/form.tsx';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { formatMoney } from '../../../lib/format-money.ts';
import { useConnectNumber } from '../api/manage-numbers.ts';
import { usePlanChoice } from '../hooks/use-plan-choice.ts';
import { PlanPicker } from './plan-picker.tsx';

interface ConnectNumberFormProps {
  plans: CatalogPlan[];
  currency: string;
  /** Called with the plan's charge once the number is recorded: the page opens LiveChat's payment window. */
  onConnected: (purchase: NumberPurchaseResponse) => void;
  onCancel: () => void;
  disabled?: boolean;
}

type TextKey = 'number' | 'displayName' | 'wabaId';

/** The typed fields, each named after the request field the BFF reports its problem under. */
const TEXT_FIELDS: {
  key: TextKey;
  id: string;
  label: string;
  description: string;
  testId: string;
  placeholder?: string;
  autoComplete?: string;
}[] = [
  {
    key: 'number',
    id: 'wa-connect-number',
    label: 'WhatsApp number',
    description: 'With the country code, e.g. +44 20 7946 0958',
    testId: 'connect-number-input',
    placeholder: '+44 20 7946 0958',
    autoComplete: 'off',
  },
  {
    key: 'displayName',
    id: 'wa-connect-name',
    label: 'Display name',
    description: 'The business name customers see in WhatsApp',
    testId: 'connect-display-name',
  },
  {
    key: 'wabaId',
    id: 'wa-connect-waba',
    label: 'WhatsApp Business Account id',
    description: 'From your Kaleyra console',
    testId: 'connect-waba-id',
  },
];

/** C.1: the WhatsApp number (checked on the BFF), its display name, Kaleyra API version, WABA id, and a plan. */
export function ConnectNumberForm({ plans, currency, onConnected, onCancel, disabled }: ConnectNumberFormProps) {
  const [text, setText] = useState<Record<TextKey, string>>({ number: '', displayName: '', wabaId: '' });
  const [apiVersion, setApiVersion] = useState<ApiVersion>('v2');
  const { planId, cycle, plan, picker } = usePlanChoice(plans, {
    planId: plans[Math.min(1, plans.length - 1)]?.id ?? '',
    cycle: 'monthly',
  });
  const connect = useConnectNumber();
  const apiError = connect.error instanceof ApiError ? connect.error : null;
  const field = (path: string) => apiError?.fieldError(path);

  function submit() {
    const { number, displayName, wabaId } = text;
    connect.mutate({ number, displayName, apiVersion, wabaId, planId, billingCycle: cycle }, { onSuccess: onConnected });
  }

  const otherError = connect.isError && !apiError?.fieldErrors.length ? errorMessage(connect.error) : null;

  return (
    <Form className="wa-stack wa-panel" aria-label="Connect a WhatsApp number" onSubmit={submit} data-testid="connect-number-form">
      <div className="wa-form-grid">
        {TEXT_FIELDS.map(({ key, testId, ...input }) => (
          <TextField
            key={key}
            {...input}
            error={field(key)}
            data-testid={testId}
            value={text[key]}
            onChange={(e) => setText({ ...text, [key]: e.target.value })}
          />
        ))}
        <FormField labelText="Kaleyra API version" error={field('apiVersion')} description="The version the number was onboarded on">
          <div className="wa-row" role="radiogroup" aria-label="Kaleyra API version">
            {(['v2', 'v1'] as const).map((v) => (
              <label key={v} className="wa-radio" data-testid={`connect-api-${v}`}>
                <input type="radio" name="wa-connect-api" value={v} checked={apiVersion === v} onChange={() => setApiVersion(v)} /> {v}
              </label>
            ))}
          </div>
        </FormField>
      </div>
      <PlanPicker name="connect" currency={currency} {...picker} error={field('planId') ?? field('billingCycle')} />
      {otherError && (
        <InlineAlert kind="error" role="alert" data-testid="connect-error">
          {otherError}
        </InlineAlert>
      )}
      <div className="wa-row wa-row--end">
        <Text size="sm" className="wa-muted wa-grow">
          You confirm the payment in LiveChat next. The number can send once its plan is paid.
        </Text>
        <Button kind="secondary" type="button" onClick={onCancel}>
          Cancel
        </Button>
        <Button kind="primary" type="submit" loading={connect.isPending} disabled={disabled || !plan} data-testid="connect-submit">
          {plan ? `Connect and pay ${formatMoney(plan.prices[cycle], currency)}` : 'Connect'}
        </Button>
      </div>
    </Form>
  );
}
