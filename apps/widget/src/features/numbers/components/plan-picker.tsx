import { Text } from '@livechat/design-system-react-components';
import type { BillingCycle, CatalogPlan } from '@wa/contracts';
import { ChoiceControl, type Choice } from '../../../components/choice-control.tsx';
import { formatMoney } from '../../../lib/format-money.ts';

const CYCLE_LABEL: Record<BillingCycle, string> = { monthly: 'month', annual: 'year' };

const CYCLES: Choice<BillingCycle>[] = [
  { id: 'monthly', label: 'Monthly' },
  { id: 'annual', label: 'Annual' },
];

export function planLimits(plan: CatalogPlan): string {
  return `${plan.limits.messagesPerSecond} messages/s · ${plan.limits.campaigns ? 'campaigns included' : 'no campaigns'}`;
}

export function planPriceLabel(plan: CatalogPlan, cycle: BillingCycle, currency: string): string {
  return `${formatMoney(plan.prices[cycle], currency)} / ${CYCLE_LABEL[cycle]}`;
}

interface PlanPickerProps {
  plans: CatalogPlan[];
  currency: string;
  planId: string;
  cycle: BillingCycle;
  onPlanChange: (planId: string) => void;
  onCycleChange: (cycle: BillingCycle) => void;
  /** Distinguishes several pickers on one page (radio group names). */
  name: string;
  error?: string | undefined;
}

/** Plans and prices from the BFF's catalog, billed monthly or annually, per number. */
export function PlanPicker({ plans, currency, planId, cycle, onPlanChange, onCycleChange, name, error }: PlanPickerProps) {
  return (
    <fieldset className="wa-plan-picker" aria-label="Plan">
      <div className="wa-row wa-row--between">
        <Text as="legend" size="sm" bold>
          Plan for this number
        </Text>
        <ChoiceControl value={cycle} choices={CYCLES} onChange={onCycleChange} data-testid={`${name}-cycle`} />
      </div>
      <div className="wa-options" role="radiogroup" aria-label="Plans">
        {plans.map((p) => (
          <label key={p.id} className={`wa-option${p.id === planId ? ' wa-option--selected' : ''}`} data-testid={`${name}-plan-${p.id}`}>
            <input type="radio" name={`${name}-plan`} value={p.id} checked={p.id === planId} onChange={() => onPlanChange(p.id)} />
            <span className="wa-option__title">{p.name}</span>
            <span className="wa-option__price">{planPriceLabel(p, cycle, currency)}</span>
            {p.description && <span className="wa-option__desc">{p.description}</span>}
            <span className="wa-option__desc">{planLimits(p)}</span>
          </label>
        ))}
      </div>
      {error && (
        <Text size="sm" className="wa-error-text">
          {error}
        </Text>
      )}
    </fieldset>
  );
}
