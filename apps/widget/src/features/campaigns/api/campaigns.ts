import { useEffect, useRef } from 'react';
import { keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  CampaignPlanSchema,
  CampaignResponseSchema,
  CampaignsResponseSchema,
  QuietHoursPolicyViewSchema,
  RecipientsResponseSchema,
  RetryFailedResponseSchema,
  TestSendResponseSchema,
  type Campaign,
  type CampaignUploadSettings,
  type LaunchCampaignRequest,
  type RecipientStatus,
} from '@wa/contracts';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { downloadAndSave } from '../../../lib/save-file.ts';

const base = (id: string) => `/api/campaigns/${encodeURIComponent(id)}`;

/** How long after a campaign ends its delivery and read receipts are still followed live. */
export const RECEIPTS_FOLLOW_MS = 15 * 60_000;

/**
 * A campaign whose numbers still move: poll it. After the end, "sent" and "delivered" messages can still become
 * "delivered" and "read" (some customers turn read receipts off, so "delivered" may stay), so those are followed
 * for a while after the finish.
 */
export function isLive(c: Pick<Campaign, 'status' | 'counts' | 'finishedAt'> | undefined, now = Date.now()): boolean {
  if (!c) return false;
  if (c.status === 'running' || c.status === 'scheduled') return true;
  if (c.status === 'paused') return c.counts.sending + c.counts.confirming > 0;
  if ((c.status !== 'completed' && c.status !== 'cancelled') || c.counts.sent + c.counts.delivered === 0) return false;
  return c.finishedAt === null || now - Date.parse(c.finishedAt) < RECEIPTS_FOLLOW_MS;
}

// ---- queries ----------------------------------------------------------------------------------

export function campaignsQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.campaigns.list,
    queryFn: ({ signal }) => apiRequest('/api/campaigns', CampaignsResponseSchema, { signal }),
    select: (d) => d.campaigns,
    refetchInterval: (q) => (q.state.data?.campaigns.some((c) => c.status === 'running' || c.status === 'scheduled') ? 5_000 : false),
  });
}

export function useCampaigns() {
  return useQuery(campaignsQueryOptions());
}

export function campaignQueryOptions(id: string) {
  return queryOptions({
    queryKey: queryKeys.campaigns.detail(id),
    queryFn: ({ signal }) => apiRequest(base(id), CampaignResponseSchema, { signal }),
    select: (d) => d.campaign,
    // Live progress while it sends; delivery statuses keep arriving for a little while after the end.
    refetchInterval: (q) => (isLive(q.state.data?.campaign) ? 1_500 : false),
  });
}

export function useCampaign(id: string) {
  return useQuery(campaignQueryOptions(id));
}

export interface PlanOptions {
  scheduledAt?: string | undefined;
  sendLimit?: number | undefined;
  ratePerSecond?: number | undefined;
}

export function usePlan(id: string, options: PlanOptions, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.campaigns.plan(id, options),
    queryFn: ({ signal }) => apiRequest(`${base(id)}/plan`, CampaignPlanSchema, { signal, query: { ...options } }),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

export const RECIPIENTS_PAGE_SIZE = 50;

/**
 * Recipients a page at a time in file order (cursor paging). Every page loaded so far is fetched again whenever
 * the campaign's counts move (`version`), so the table follows the progress without collapsing to its first page.
 */
export function useRecipients(id: string, q: { status?: RecipientStatus | undefined; q?: string | undefined; version: string }) {
  const queryKey = queryKeys.campaigns.recipientPages(id, { status: q.status, q: q.q });
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ signal, pageParam }) =>
      apiRequest(`${base(id)}/recipients`, RecipientsResponseSchema, {
        signal,
        query: { status: q.status, q: q.q || undefined, limit: RECIPIENTS_PAGE_SIZE, cursor: pageParam },
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const qc = useQueryClient();
  const seen = useRef(q.version);
  useEffect(() => {
    if (seen.current === q.version) return;
    seen.current = q.version;
    void qc.invalidateQueries({ queryKey });
  }, [q.version, qc, queryKey]);
  return query;
}

export function useQuietHoursPolicy() {
  return useQuery({
    queryKey: queryKeys.campaigns.quietHours,
    queryFn: ({ signal }) => apiRequest('/api/campaigns/quiet-hours', QuietHoursPolicyViewSchema, { signal }),
    staleTime: 10 * 60_000,
  });
}

// ---- mutations --------------------------------------------------------------------------------

/** Uploads the file (streamed to the check) with the settings; the answer is the draft with its report. */
export function useCreateCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ settings, file }: { settings: CampaignUploadSettings; file: Blob }) =>
      apiRequest('/api/campaigns', CampaignResponseSchema, {
        method: 'POST',
        query: { settings: JSON.stringify(settings) },
        body: new Blob([file], { type: 'text/csv' }),
      }),
    onSuccess: (data) => {
      qc.setQueryData(queryKeys.campaigns.detail(data.campaign.id), data);
      void qc.invalidateQueries({ queryKey: queryKeys.campaigns.list });
    },
  });
}

function useCampaignAction<V>(fn: (v: V) => Promise<{ campaign: Campaign }>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (data) => {
      qc.setQueryData(queryKeys.campaigns.detail(data.campaign.id), { campaign: data.campaign });
      void qc.invalidateQueries({ queryKey: queryKeys.campaigns.all });
      // A launch reserves conversations, a cancel gives them back.
      void qc.invalidateQueries({ queryKey: queryKeys.balance });
    },
  });
}

export function useLaunch(id: string) {
  return useCampaignAction((body: LaunchCampaignRequest) =>
    apiRequest(`${base(id)}/launch`, CampaignResponseSchema, { method: 'POST', body }),
  );
}

export function usePause(id: string) {
  return useCampaignAction(() => apiRequest(`${base(id)}/pause`, CampaignResponseSchema, { method: 'POST', body: {} }));
}

export function useResume(id: string) {
  return useCampaignAction(() => apiRequest(`${base(id)}/resume`, CampaignResponseSchema, { method: 'POST', body: {} }));
}

export function useCancel(id: string) {
  return useCampaignAction(() => apiRequest(`${base(id)}/cancel`, CampaignResponseSchema, { method: 'POST', body: {} }));
}

export function useRetryFailed(id: string) {
  return useCampaignAction(async ({ file, fallbacks }: { file: Blob | null; fallbacks: string[] }) => {
    const r = await apiRequest(`${base(id)}/retry`, RetryFailedResponseSchema, {
      method: 'POST',
      query: { settings: JSON.stringify({ fallbacks }) },
      ...(file ? { body: new Blob([file], { type: 'text/csv' }) } : {}),
    });
    return r;
  });
}

export function useDiscardDraft(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(base(id), z.unknown(), { method: 'DELETE' }),
    onSuccess: () => {
      qc.removeQueries({ queryKey: queryKeys.campaigns.detail(id) });
      void qc.invalidateQueries({ queryKey: queryKeys.campaigns.list });
    },
  });
}

export function useTestSend(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (to: string) => apiRequest(`${base(id)}/test-send`, TestSendResponseSchema, { method: 'POST', body: { to } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.balance }),
  });
}

// ---- files ------------------------------------------------------------------------------------

export async function downloadReport(id: string): Promise<string> {
  return downloadAndSave(`${base(id)}/report.csv`, 'campaign-report.csv');
}

export async function downloadRejected(id: string): Promise<string> {
  return downloadAndSave(`${base(id)}/rejected.csv`, 'campaign-rejected-rows.csv');
}
