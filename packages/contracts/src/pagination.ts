import { z } from 'zod';

/**
 * Keyset (cursor) pagination shared by every list that grows with the business: ledger, messages, campaign
 * recipients, audit log, opt-outs and bills. A page ends with `nextCursor`, the sort key of its last row; the next
 * page starts strictly after it. Rows added meanwhile therefore never shift a walk (no row twice, none skipped),
 * unlike offsets. The cursor is opaque to clients: base64url of a small JSON array, and the BFF validates what it
 * decodes, so a forged or garbled cursor is a 400 naming `query.cursor`, never a database error.
 */

/** Page sizes: a default a screen shows, and a maximum that keeps one response cheap. */
export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;

export const pageLimit = (fallback = PAGE_LIMIT_DEFAULT, max = PAGE_LIMIT_MAX) => z.coerce.number().int().min(1).max(max).default(fallback);

const CURSOR_VERSION = 1;
const CURSOR_MAX_LENGTH = 512;

type CursorValue = string | number;

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** The cursor for the row after which the next page starts. Only the BFF makes these. */
export function encodeCursor(key: readonly CursorValue[]): string {
  return toBase64Url(JSON.stringify([CURSOR_VERSION, ...key]));
}

const BAD_CURSOR = 'Not a page position this list gave out; start again from the first page';

/**
 * A query parameter holding a cursor whose key has the given shape, e.g. `cursorSchema(z.tuple([micros, z.uuid()]))`.
 * Parses to the decoded key.
 */
export function cursorSchema<K extends z.ZodType<readonly CursorValue[]>>(key: K) {
  return z
    .string()
    .max(CURSOR_MAX_LENGTH, BAD_CURSOR)
    .transform((raw, ctx): z.output<K> => {
      const json = fromBase64Url(raw);
      let decoded: unknown = null;
      try {
        decoded = json === null ? null : JSON.parse(json);
      } catch {
        decoded = null;
      }
      if (Array.isArray(decoded) && decoded[0] === CURSOR_VERSION) {
        const parsed = key.safeParse(decoded.slice(1));
        if (parsed.success) return parsed.data;
      }
      ctx.addIssue({ code: 'custom', message: BAD_CURSOR });
      return z.NEVER;
    });
}

/**
 * Microseconds since the epoch, as digits. PostgreSQL keeps timestamps to the microsecond and a JavaScript Date
 * only to the millisecond, so a cursor holding a Date would skip rows written within the same millisecond.
 */
export const CursorMicrosSchema = z.string().regex(/^\d{1,17}$/);
export const CursorUuidSchema = z.uuid();
export const CursorTextSchema = z.string().min(1).max(200);
export const CursorSeqSchema = z.number().int().min(0).max(2_147_483_647);

/** Time-ordered lists keyed by (time, uuid). */
export const TimeUuidCursorSchema = cursorSchema(z.tuple([CursorMicrosSchema, CursorUuidSchema]));
/** Time-ordered lists keyed by (time, a text id), e.g. charge ids or phone numbers. */
export const TimeTextCursorSchema = cursorSchema(z.tuple([CursorMicrosSchema, CursorTextSchema]));
/** Lists in file order, keyed by their sequence number. */
export const SeqCursorSchema = cursorSchema(z.tuple([CursorSeqSchema]));

/** Added to every paged response: where the next page starts, or null on the last page. */
export const nextCursorField = {
  /** Pass as `cursor` to get the next page; null when this page is the last. */
  nextCursor: z.string().nullable().default(null),
};
