import type { RecipientData } from '@wa/contracts';

/** Tests only: what the BFF answers for a number nothing is held about, with `over` on top. */
export function recipientData(over: Partial<RecipientData> = {}): RecipientData {
  return {
    phone: '+48512345678',
    erased: false,
    messages: [],
    conversations: [],
    customerWindows: [],
    campaigns: [],
    optOut: null,
    restriction: null,
    ...over,
  };
}
