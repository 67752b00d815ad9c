import { queryOptions, useQuery } from '@tanstack/react-query';
import { ConversationStatusSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export interface ConversationStatusParams {
  numberId: string;
  to: string;
}

/**
 * The customer writes (opening the window) or sends STOP without the agent doing anything, so the sidebar
 * asks again this often while it is visible.
 */
export const STATUS_POLL_MS = 4000;

export function getConversationStatus(params: ConversationStatusParams, signal?: AbortSignal) {
  return apiRequest('/api/conversations/status', ConversationStatusSchema, { query: { ...params }, signal });
}

export function conversationStatusQueryOptions(params: ConversationStatusParams) {
  return queryOptions({
    queryKey: queryKeys.conversationStatus.one(params),
    queryFn: ({ signal }) => getConversationStatus(params, signal),
    refetchInterval: STATUS_POLL_MS,
  });
}

export function useConversationStatus(params: Partial<ConversationStatusParams>) {
  return useQuery({
    ...conversationStatusQueryOptions({ numberId: params.numberId ?? '', to: params.to ?? '' }),
    enabled: Boolean(params.numberId && params.to),
  });
}
