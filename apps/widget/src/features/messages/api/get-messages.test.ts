import { describe, expect, it } from 'vitest';
import type { Message, MessagesResponse } from '@wa/contracts';
import { MESSAGE_POLL_MS, messagesQueryOptions, messagesRefetchInterval } from './get-messages.ts';

function withStatuses(...statuses: Message['status'][]): MessagesResponse {
  return {
    messages: statuses.map((status, i) => ({
      id: `m-${i}`,
      numberId: 'n',
      to: '+442079460958',
      kind: 'template',
      templateName: 't',
      category: 'utility',
      status,
      errorCode: null,
      errorMessage: null,
      conversationsSpent: 0,
      timeline: [],
      createdAt: '2026-11-25T10:00:00.000Z',
    })),
    nextCursor: null,
  };
}

describe('messages polling', () => {
  it('polls while a message can still change status', () => {
    expect(messagesRefetchInterval(withStatuses('read', 'delivered'))).toBe(MESSAGE_POLL_MS);
    expect(messagesRefetchInterval(withStatuses('accepted'))).toBe(MESSAGE_POLL_MS);
  });

  it('stops once every message is final, or there are none', () => {
    expect(messagesRefetchInterval(withStatuses('read', 'failed', 'not_sent'))).toBe(false);
    expect(messagesRefetchInterval(withStatuses())).toBe(false);
    expect(messagesRefetchInterval(undefined)).toBe(false);
  });

  it('is what the query options use', () => {
    expect(typeof messagesQueryOptions({ to: '+442079460958' }).refetchInterval).toBe('function');
  });
});
