import { useState } from 'react';
import { checkPhone, type PhoneCheck } from '@wa/contracts';
import type { CustomerProfile } from '../../../lib/livechat/types.ts';
import { customerCountry, findCustomerPhone } from '../utils/extract-phone.ts';
import { formatPhone } from '../../../lib/format-phone.ts';

interface RecipientState {
  /** Which customer this state belongs to; a different one resets it. */
  customerKey: string;
  mode: 'display' | 'edit';
  /** In display mode the E.164 number; in edit mode what the agent typed. */
  input: string;
  /** The number found in the profile, to go back to on cancel. */
  found: string | null;
}

function customerKeyOf(profile: CustomerProfile | null): string {
  return profile ? `${profile.id}|${profile.chat?.id ?? ''}` : '';
}

function initialState(profile: CustomerProfile | null): RecipientState {
  const found = findCustomerPhone(profile);
  const customerKey = customerKeyOf(profile);
  if (found.check?.ok) return { customerKey, mode: 'display', input: found.check.e164, found: found.check.e164 };
  return { customerKey, mode: 'edit', input: found.raw ?? '', found: null };
}

export interface Recipient {
  mode: 'display' | 'edit';
  input: string;
  /** The number to send to, or null while there is no valid one. */
  e164: string | null;
  /** Result of validating the typed number; null in display mode or while the input is empty. */
  check: PhoneCheck | null;
  canCancel: boolean;
  setInput(value: string): void;
  edit(): void;
  done(): void;
  cancel(): void;
}

/** The customer's WhatsApp number: found in the LiveChat profile, or typed by the agent. Resets per customer. */
export function useRecipient(profile: CustomerProfile | null): Recipient {
  const [state, setState] = useState<RecipientState>(() => initialState(profile));
  let current = state;
  if (state.customerKey !== customerKeyOf(profile)) {
    // The agent opened another chat: adjust during render so the old customer's number never flashes.
    current = initialState(profile);
    setState(current);
  }

  const country = customerCountry(profile);
  const check = current.mode === 'edit' && current.input.trim() ? checkPhone(current.input, country) : null;
  const e164 = current.mode === 'display' ? current.input : check?.ok ? check.e164 : null;

  return {
    mode: current.mode,
    input: current.input,
    e164,
    check,
    canCancel: current.mode === 'edit' && current.found !== null,
    setInput: (value) => setState((s) => ({ ...s, input: value })),
    edit: () => setState((s) => ({ ...s, mode: 'edit', input: s.mode === 'display' ? formatPhone(s.input) : s.input })),
    done: () =>
      setState((s) => {
        const c = checkPhone(s.input, country);
        return c.ok ? { ...s, mode: 'display', input: c.e164 } : s;
      }),
    cancel: () => setState((s) => (s.found ? { ...s, mode: 'display', input: s.found } : s)),
  };
}
