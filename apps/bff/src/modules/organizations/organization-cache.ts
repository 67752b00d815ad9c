import type { Db } from '../../db/client.ts';
import { ensureOrganization, type OrganizationRow } from './organizations.repo.ts';

/**
 * Bumped by every write to an organization's row in this process: a cached row loaded before the bump is not
 * served again. Process-wide, so a write made through any service clears every cache in the process.
 */
const generations = new Map<string, number>();

/** Call after (or inside the transaction of) any write to the `organizations` row of `organizationId`. */
export function forgetOrganization(organizationId: string): void {
  generations.set(organizationId, (generations.get(organizationId) ?? 0) + 1);
}

interface Entry {
  row: OrganizationRow;
  loadedAt: number;
  generation: number;
}

/**
 * The organization row every authenticated request needs, kept in this process for `ttlMs` so a request costs no
 * database trip for it. Staleness: a write in this instance is seen by the next request; a write in another
 * instance within `ttlMs`. Nothing that moves money or sends relies on it: those read the organization again
 * inside their transaction, under its lock.
 */
export class OrganizationCache {
  private readonly entries = new Map<string, Entry>();
  /** Concurrent first requests of one organization share one read. */
  private readonly loading = new Map<string, Promise<OrganizationRow>>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The organization's row, created on first use. */
  async get(organizationId: string): Promise<OrganizationRow> {
    const generation = generations.get(organizationId) ?? 0;
    const hit = this.entries.get(organizationId);
    if (hit && hit.generation === generation && this.now() - hit.loadedAt < this.ttlMs) return hit.row;
    const pending = this.loading.get(organizationId);
    if (pending) return pending;
    const load = ensureOrganization(this.db, organizationId)
      .then((row) => {
        if (this.ttlMs > 0 && (generations.get(organizationId) ?? 0) === generation) {
          if (this.entries.size >= this.maxEntries) this.entries.clear();
          this.entries.set(organizationId, { row, loadedAt: this.now(), generation });
        }
        return row;
      })
      .finally(() => this.loading.delete(organizationId));
    this.loading.set(organizationId, load);
    return load;
  }
}
