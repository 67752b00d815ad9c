import { useState } from 'react';
import { Button, Tag, Text } from '@livechat/design-system-react-components';
import type { CatalogPlan, NumberPurchaseResponse, WhatsAppNumber } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDate } from '../../../lib/format-date.ts';
import { formatMoney } from '../../../lib/format-money.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useChoosePlan, useDisconnectNumber } from '../api/manage-numbers.ts';
import { PLAN_STATUS } from '../utils/plan-status.ts';
import { usePlanChoice } from '../hooks/use-plan-choice.ts';
import { PlanPicker } from './plan-picker.tsx';

interface NumberCardProps {
  number: WhatsAppNumber;
  canManage: boolean;
  plans: CatalogPlan[];
  currency: string;
  onPurchase: (purchase: NumberPurchaseResponse) => void;
  busy: boolean;
}

const NEEDS_PLAN = new Set(['pending', 'declined', 'cancelled']);

/** One number: its plan and status, why it cannot send, and (for owners and admins) pay or disconnect. */
export function NumberCard({ number: n, canManage, plans, currency, onPurchase, busy }: NumberCardProps) {
  const status = PLAN_STATUS[n.planStatus];
  const [choosing, setChoosing] = useState(false);
  const [confirmingDisconnect, setConfirmingDisconnect] = useState(false);
  const { planId, cycle, plan, picker } = usePlanChoice(plans, {
    planId: n.plan?.planId ?? plans[0]?.id ?? '',
    cycle: n.plan?.billingCycle ?? 'monthly',
  });
  const choose = useChoosePlan();
  const disconnect = useDisconnectNumber();

  return (
    <li className="wa-panel wa-stack" data-testid={`number-card-${n.id}`} data-number={n.number}>
      <div className="wa-row wa-row--between">
        <div className="wa-stack wa-stack--tight">
          <Text as="span" size="md" bold>
            {n.displayName}
          </Text>
          <Text as="span" size="sm" className="wa-muted">
            {formatPhone(n.number)} · Kaleyra API {n.apiVersion} · WABA {n.wabaId}
          </Text>
        </div>
        <Tag kind={status.kind} className="wa-no-shrink" data-testid={`number-status-${n.id}`}>
          {status.label}
        </Tag>
      </div>
      <Text as="div" size="sm" data-testid={`number-plan-line-${n.id}`}>
        {n.plan ? (
          <>
            <strong>{n.plan.planName}</strong> plan · {formatMoney(n.plan.priceCents, currency)} /{' '}
            {n.plan.billingCycle === 'annual' ? 'year' : 'month'}
            {n.plan.nextChargeAt && n.planStatus !== 'cancelled' && (
              <span className="wa-muted"> · next charge {formatDate(n.plan.nextChargeAt)}</span>
            )}
          </>
        ) : (
          <span className="wa-muted">No plan yet</span>
        )}
      </Text>
      {n.canSend ? (
        <Text size="sm" className="wa-success-text">
          Connected: agents can send WhatsApp messages from this number.
        </Text>
      ) : (
        n.cannotSendReason && (
          <InlineAlert kind="warning" data-testid={`number-reason-${n.id}`}>
            {n.cannotSendReason}
          </InlineAlert>
        )
      )}

      {canManage && choosing && (
        <div className="wa-stack">
          <PlanPicker name={`plan-${n.id}`} currency={currency} {...picker} />
          {choose.isError && (
            <InlineAlert kind="error" role="alert">
              {errorMessage(choose.error)}
            </InlineAlert>
          )}
          <div className="wa-row wa-row--end">
            <Button kind="secondary" onClick={() => setChoosing(false)}>
              Cancel
            </Button>
            <Button
              kind="primary"
              loading={choose.isPending}
              disabled={busy || !plan}
              data-testid={`number-pay-${n.id}`}
              onClick={() =>
                choose.mutate(
                  { numberId: n.id, planId, billingCycle: cycle },
                  {
                    onSuccess: (purchase) => {
                      setChoosing(false);
                      onPurchase(purchase);
                    },
                  },
                )
              }
            >
              {plan ? `Pay ${formatMoney(plan.prices[cycle], currency)}` : 'Pay'}
            </Button>
          </div>
        </div>
      )}

      {canManage && confirmingDisconnect && (
        <InlineAlert kind="warning" role="alert">
          Disconnect {formatPhone(n.number)}? Its plan is cancelled in LiveChat billing and agents can no longer send from it. Your
          conversation balance is kept.
        </InlineAlert>
      )}
      {disconnect.isError && (
        <InlineAlert kind="error" role="alert">
          {errorMessage(disconnect.error)}
        </InlineAlert>
      )}

      {canManage && !choosing && (
        <div className="wa-row wa-row--end">
          {confirmingDisconnect ? (
            <>
              <Button kind="secondary" onClick={() => setConfirmingDisconnect(false)}>
                Keep it
              </Button>
              <Button
                kind="destructive"
                loading={disconnect.isPending}
                data-testid={`number-disconnect-confirm-${n.id}`}
                onClick={() => disconnect.mutate(n.id, { onSuccess: () => setConfirmingDisconnect(false) })}
              >
                Disconnect and cancel plan
              </Button>
            </>
          ) : (
            <>
              <Button kind="text" onClick={() => setConfirmingDisconnect(true)} data-testid={`number-disconnect-${n.id}`}>
                Disconnect
              </Button>
              {NEEDS_PLAN.has(n.planStatus) && (
                <Button kind="primary" disabled={busy} onClick={() => setChoosing(true)} data-testid={`number-choose-plan-${n.id}`}>
                  {n.planStatus === 'pending' ? 'Pay for the plan' : 'Choose a plan'}
                </Button>
              )}
            </>
          )}
        </div>
      )}
    </li>
  );
}
