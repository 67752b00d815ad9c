import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  RelayChatSchema,
  RelayGroupsResponseSchema,
  RelayNumberSchema,
  RelayStatusSchema,
  type RelayAuthorizationRequest,
  type RelayNumberRequest,
} from '@wa/contracts';
import { ApiError, apiRequest } from '../../../lib/api-client.ts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function relayStatusQueryOptions() {
  return getQueryOptions(queryKeys.relay.status, '/api/relay', RelayStatusSchema, {
    // Failures and a refused refresh token appear without the owner doing anything: keep the view current.
    refetchInterval: 15_000,
  });
}

export function useRelayStatus(enabled: boolean) {
  return useQuery({ ...relayStatusQueryOptions(), enabled });
}

export function relayGroupsQueryOptions() {
  return getQueryOptions(queryKeys.relay.groups, '/api/relay/groups', RelayGroupsResponseSchema, { staleTime: 5 * 60_000 });
}

export function useRelayGroups(enabled: boolean) {
  return useQuery({ ...relayGroupsQueryOptions(), enabled });
}

export function connectLiveChat(input: RelayAuthorizationRequest) {
  return apiRequest('/api/relay/authorization', RelayStatusSchema, { method: 'POST', body: input });
}

export function updateRelayNumber(numberId: string, input: RelayNumberRequest) {
  return apiRequest(`/api/relay/numbers/${encodeURIComponent(numberId)}`, RelayNumberSchema, { method: 'PUT', body: input });
}

export function useConnectLiveChat() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: connectLiveChat,
    onSuccess: (status) => queryClient.setQueryData(queryKeys.relay.status, status),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.relay.all }),
  });
}

export function useUpdateRelayNumber() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ numberId, ...input }: { numberId: string } & RelayNumberRequest) => updateRelayNumber(numberId, input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.relay.status }),
  });
}

/** The WhatsApp customer of a LiveChat chat, or null when the chat did not come from WhatsApp (404). */
export async function getRelayChat(chatId: string, signal?: AbortSignal) {
  try {
    return await apiRequest(`/api/relay/chats/${encodeURIComponent(chatId)}`, RelayChatSchema, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function relayChatQueryOptions(chatId: string) {
  return queryOptions({
    queryKey: queryKeys.relay.chat(chatId),
    queryFn: ({ signal }) => getRelayChat(chatId, signal),
    staleTime: 60_000,
  });
}

export function useRelayChat(chatId: string | null) {
  return useQuery({ ...relayChatQueryOptions(chatId ?? ''), enabled: Boolean(chatId) });
}
