import { useQuery } from '@tanstack/react-query';
import { ConversationStatusSchema } from '@wa/contracts';
import { getQueryOptions } from '../../../lib/api-query.ts';
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

export function conversationStatusQueryOptions(params: ConversationStatusParams) {
  return getQueryOptions(queryKeys.conversationStatus.one(params), '/api/conversations/status', ConversationStatusSchema, {
    query: { ...params },
    refetchInterval: STATUS_POLL_MS,
  });
}

export function useConversationStatus(params: Partial<ConversationStatusParams>) {
  return useQuery({
    ...conversationStatusQueryOptions({ numberId: params.numberId ?? '', to: params.to ?? '' }),
    enabled: Boolean(params.numberId && params.to),
  });
}
