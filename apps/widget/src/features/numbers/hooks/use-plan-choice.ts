import { useState } from 'react';
import type { BillingCycle, CatalogPlan } from '@wa/contracts';

/** The plan and billing cycle being chosen for a number, and what the plan picker needs to change them. */
export function usePlanChoice(plans: CatalogPlan[], initial: { planId: string; cycle: BillingCycle }) {
  const [planId, setPlanId] = useState(initial.planId);
  const [cycle, setCycle] = useState(initial.cycle);
  return {
    planId,
    cycle,
    plan: plans.find((p) => p.id === planId),
    picker: { plans, planId, cycle, onPlanChange: setPlanId, onCycleChange: setCycle },
  };
}
