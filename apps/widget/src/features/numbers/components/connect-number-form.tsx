import { useState, type FormEvent } from 'react';
import { Button, FormField, Input, Text } from '@livechat/design-system-react-components';
import type { ApiVersion, BillingCycle, CatalogPlan, NumberPurchaseResponse } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { formatMoney } from '../../../lib/format-money.ts';
import { useConnectNumber } from '../api/manage-numbers.ts';
import { PlanPicker } from './plan-picker.tsx';

interface ConnectNumberFormProps {
  plans: CatalogPlan[];
  currency: string;
  /** Called with the plan's charge once the number is recorded: the page opens LiveChat's payment window. */
  onConnected: (purchase: NumberPurchaseResponse) => void;
  onCancel: () => void;
  disabled?: boolean;
}

/** C.1: the WhatsApp number (checked on the BFF), its display name, Kaleyra API version, WABA id, and a plan. */
export function ConnectNumberForm({ plans, currency, onConnected, onCancel, disabled }: ConnectNumberFormProps) {
  const [number, setNumber] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [apiVersion, setApiVersion] = useState<ApiVersion>('v2');
  const [wabaId, setWabaId] = useState('');
  const [planId, setPlanId] = useState(plans[Math.min(1, plans.length - 1)]?.id ?? '');
  const [cycle, setCycle] = useState<BillingCycle>('monthly');
  const connect = useConnectNumber();
  const apiError = connect.error instanceof ApiError ? connect.error : null;
  const field = (path: string) => apiError?.fieldError(path);
  const plan = plans.find((p) => p.id === planId);

  function submit(e: FormEvent) {
    e.preventDefault();
    connect.mutate({ number, displayName, apiVersion, wabaId, planId, billingCycle: cycle }, { onSuccess: onConnected });
  }

  const otherError = connect.isError && !apiError?.fieldErrors.length ? errorMessage(connect.error) : null;

  return (
    <form className="wa-stack wa-panel" aria-label="Connect a WhatsApp number" onSubmit={submit} data-testid="connect-number-form">
      <div className="wa-form-grid">
        <FormField
          labelText="WhatsApp number"
          labelFor="wa-connect-number"
          error={field('number')}
          description="With the country code, e.g. +44 20 7946 0958"
        >
          <Input
            id="wa-connect-number"
            data-testid="connect-number-input"
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            placeholder="+44 20 7946 0958"
            error={Boolean(field('number'))}
            autoComplete="off"
          />
        </FormField>
        <FormField
          labelText="Display name"
          labelFor="wa-connect-name"
          error={field('displayName')}
          description="The business name customers see in WhatsApp"
        >
          <Input
            id="wa-connect-name"
            data-testid="connect-display-name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            error={Boolean(field('displayName'))}
          />
        </FormField>
        <FormField
          labelText="WhatsApp Business Account id"
          labelFor="wa-connect-waba"
          error={field('wabaId')}
          description="From your Kaleyra console"
        >
          <Input
            id="wa-connect-waba"
            data-testid="connect-waba-id"
            value={wabaId}
            onChange={(e) => setWabaId(e.target.value)}
            error={Boolean(field('wabaId'))}
          />
        </FormField>
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
      <PlanPicker
        name="connect"
        plans={plans}
        currency={currency}
        planId={planId}
        cycle={cycle}
        onPlanChange={setPlanId}
        onCycleChange={setCycle}
        error={field('planId') ?? field('billingCycle')}
      />
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
    </form>
  );
}
