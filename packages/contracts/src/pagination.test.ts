import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cursorSchema, encodeCursor, SeqCursorSchema, TimeTextCursorSchema, TimeUuidCursorSchema } from './pagination.ts';

describe('cursors', () => {
  it('round-trip the key they were made from, as URL-safe text', () => {
    const id = crypto.randomUUID();
    const cursor = encodeCursor(['1767225600123456', id]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(TimeUuidCursorSchema.parse(cursor)).toEqual(['1767225600123456', id]);
    expect(TimeTextCursorSchema.parse(encodeCursor(['1', '+48601777001']))).toEqual(['1', '+48601777001']);
    expect(SeqCursorSchema.parse(encodeCursor([42]))).toEqual([42]);
  });

  it('refuse garbled, forged and foreign cursors with a plain message', () => {
    const bad = [
      '',
      'not a cursor',
      '%%%',
      Buffer.from('[1,').toString('base64url'),
      Buffer.from('{"k":1}').toString('base64url'),
      Buffer.from(JSON.stringify([2, '1', crypto.randomUUID()])).toString('base64url'),
      encodeCursor(['1.5', crypto.randomUUID()]),
      encodeCursor(['1', 'not-a-uuid']),
      encodeCursor(['1']),
      encodeCursor([42]),
      'A'.repeat(513),
    ];
    for (const cursor of bad) {
      const r = TimeUuidCursorSchema.safeParse(cursor);
      expect(r.success, cursor).toBe(false);
      expect(r.error!.issues[0]!.message).toMatch(/start again from the first page/);
    }
    expect(SeqCursorSchema.safeParse(encodeCursor([-1])).success).toBe(false);
    expect(cursorSchema(z.tuple([z.string()])).safeParse(encodeCursor(['x'])).success).toBe(true);
  });
});
