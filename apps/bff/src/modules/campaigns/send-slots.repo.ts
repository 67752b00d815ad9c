import { eq, sql } from 'drizzle-orm';
import { dispatchRateSlots } from '../../db/schema.ts';
import type { Conn } from './campaigns.repo.ts';

/** Send slots: the pacing every instance shares, one row per number and one for the Kaleyra account. */

/**
 * Takes `n` consecutive send slots `intervalMs` apart on a pacing key and returns when the first one is. One
 * UPDATE moves the key's next free slot forward, so concurrent dispatchers (in any instance) never overlap.
 */
export async function takeSlots(conn: Conn, key: string, n: number, intervalMs: number, nowMs: number): Promise<number> {
  const [row] = await conn
    .insert(dispatchRateSlots)
    .values({ key, nextAt: nowMs + n * intervalMs })
    .onConflictDoUpdate({
      target: dispatchRateSlots.key,
      set: { nextAt: sql`greatest(${dispatchRateSlots.nextAt}, ${nowMs}::float8) + ${n * intervalMs}::float8` },
    })
    .returning({ nextAt: dispatchRateSlots.nextAt });
  return Number(row!.nextAt) - n * intervalMs;
}

/** When the key's next free slot is (epoch ms); 0 when it was never used. */
export async function peekSlot(conn: Conn, key: string): Promise<number> {
  const [row] = await conn.select({ nextAt: dispatchRateSlots.nextAt }).from(dispatchRateSlots).where(eq(dispatchRateSlots.key, key));
  return row ? Number(row.nextAt) : 0;
}
