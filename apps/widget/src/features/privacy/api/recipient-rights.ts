import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RecipientDataSchema, RecipientEraseResponseSchema, type RecipientData } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

/** L.11a: everything held about one phone number (E.164), for owners and admins. */
export function recipientDataQueryOptions(phone: string) {
  return getQueryOptions(queryKeys.privacy.recipient(phone), '/api/privacy/recipients', RecipientDataSchema, {
    query: { phone },
    // A person asked about their data: show what is held now, not what was held a minute ago.
    staleTime: 0,
  });
}

/** The lookup runs once a valid number was submitted (`null` until then). */
export function useRecipientData(phone: string | null) {
  return useQuery({ ...recipientDataQueryOptions(phone ?? ''), enabled: phone !== null });
}

/** The four rights (L.11b–d); each answers with what is held afterwards. */
export type RecipientAction =
  | { kind: 'erase'; phone: string }
  | { kind: 'restrict'; phone: string; reason: string }
  | { kind: 'unrestrict'; phone: string }
  | { kind: 'withdraw-consent'; phone: string; reason?: string | undefined };

export async function runRecipientAction(action: RecipientAction): Promise<RecipientData> {
  const path = `/api/privacy/recipients/${action.kind}`;
  switch (action.kind) {
    case 'erase':
      return (await apiRequest(path, RecipientEraseResponseSchema, { method: 'POST', body: { phone: action.phone } })).data;
    case 'restrict':
      return apiRequest(path, RecipientDataSchema, { method: 'POST', body: { phone: action.phone, reason: action.reason } });
    case 'unrestrict':
      return apiRequest(path, RecipientDataSchema, { method: 'POST', body: { phone: action.phone } });
    case 'withdraw-consent':
      return apiRequest(path, RecipientDataSchema, {
        method: 'POST',
        body: action.reason ? { phone: action.phone, reason: action.reason } : { phone: action.phone },
      });
  }
}

/**
 * Runs one right and shows its answer at once. An erasure or a withdrawal also changes the suppression list,
 * the sidebar's status and the message history of that number, so those are refetched too.
 */
export function useRecipientAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runRecipientAction,
    onSuccess: (data, action) => {
      queryClient.setQueryData(queryKeys.privacy.recipient(action.phone), data);
      void queryClient.invalidateQueries({ queryKey: queryKeys.optOuts.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversationStatus.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.messages.all });
    },
  });
}
