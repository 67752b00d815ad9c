import { describeProviderError, type Message, type MessageStatus } from '@wa/contracts';
import type { MessageEventRow, MessageRow } from './messaging.repo.ts';

const RANK: Record<string, number> = { queued: 0, accepted: 1, sent: 2, delivered: 3, read: 4, failed: 5, not_sent: 5 };

export function toMessageDto(m: MessageRow, events: Pick<MessageEventRow, 'status' | 'at'>[], conversationsSpent: number): Message {
  const failed = m.status === 'failed' || m.status === 'not_sent';
  return {
    id: m.id,
    numberId: m.numberId,
    to: m.recipient,
    kind: m.kind === 'text' ? 'text' : 'template',
    templateName: m.templateName,
    category: m.category,
    status: m.status as MessageStatus,
    errorCode: m.errorCode,
    errorMessage: failed ? describeProviderError(m.errorCode ?? (m.status === 'not_sent' ? 'not-sent' : null)).message : null,
    conversationsSpent,
    // Provider timestamps have one-second resolution, so order by progression first, time second.
    timeline: [...events]
      .sort((a, b) => (RANK[a.status] ?? 9) - (RANK[b.status] ?? 9) || a.at.getTime() - b.at.getTime())
      .map((e) => ({ status: e.status as MessageStatus, at: e.at.toISOString() })),
    createdAt: m.createdAt.toISOString(),
  };
}
