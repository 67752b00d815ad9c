import { z } from 'zod';
import { fetchWithTimeout, readJson } from '../http.ts';
import { BillingError, type BillingPort, type DirectCharge, type RecurrentCharge } from './billing.port.ts';

const DirectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    price: z.number(),
    quantity: z.number().default(1),
    status: z.enum(['pending', 'accepted', 'declined', 'processed', 'success', 'failed']),
    test: z.boolean().default(false),
    confirmation_url: z.string().nullish(),
  })
  .passthrough();

const RecurrentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    price: z.number(),
    months: z.number().default(1),
    status: z.enum(['pending', 'accepted', 'declined', 'active', 'past_due', 'frozen', 'cancelled']),
    test: z.boolean().default(false),
    next_charge_at: z.string().nullish(),
    cancelled_at: z.string().nullish(),
    confirmation_url: z.string().nullish(),
  })
  .passthrough();

const toDirect = (c: z.infer<typeof DirectSchema>): DirectCharge => ({
  id: c.id,
  name: c.name,
  price: c.price,
  quantity: c.quantity,
  status: c.status,
  test: c.test,
  confirmationUrl: c.confirmation_url ?? null,
  raw: c,
});

const toRecurrent = (c: z.infer<typeof RecurrentSchema>): RecurrentCharge => ({
  id: c.id,
  name: c.name,
  price: c.price,
  months: c.months,
  status: c.status,
  test: c.test,
  nextChargeAt: c.next_charge_at ? new Date(c.next_charge_at) : null,
  cancelledAt: c.cancelled_at ? new Date(c.cancelled_at) : null,
  confirmationUrl: c.confirmation_url ?? null,
  raw: c,
});

export class BillingClient implements BillingPort {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call<T>(token: string, method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T | null> {
    const res = await fetchWithTimeout(
      `${this.baseUrl}/v3${path}`,
      {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      },
      this.timeoutMs,
    ).catch(() => {
      throw new BillingError('LiveChat Billing could not be reached', 503);
    });
    const json = await readJson(res);
    if (res.status === 404) return null;
    if (!res.ok) {
      const message =
        (json && typeof json === 'object' && 'error' in json && JSON.stringify((json as { error: unknown }).error)) || `HTTP ${res.status}`;
      throw new BillingError(`LiveChat Billing refused the request: ${message}`, res.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new BillingError('LiveChat Billing answered in an unexpected shape', 502);
    return parsed.data;
  }

  private async must<T>(p: Promise<T | null>): Promise<T> {
    const v = await p;
    if (v === null) throw new BillingError('Charge not found', 404);
    return v;
  }

  async createDirectCharge(token: string, input: { name: string; price: number; quantity: number; returnUrl: string; test: boolean }) {
    const c = await this.must(
      this.call(token, 'POST', '/direct_charge/livechat', DirectSchema, {
        name: input.name,
        price: input.price,
        quantity: input.quantity,
        return_url: input.returnUrl,
        test: input.test,
      }),
    );
    return toDirect(c);
  }

  async getDirectCharge(token: string, id: string) {
    const c = await this.call(token, 'GET', `/direct_charge/livechat/${encodeURIComponent(id)}`, DirectSchema);
    return c ? toDirect(c) : null;
  }

  async activateDirectCharge(token: string, id: string) {
    return toDirect(await this.must(this.call(token, 'PUT', `/direct_charge/livechat/${encodeURIComponent(id)}/activate`, DirectSchema)));
  }

  async createRecurrentCharge(
    token: string,
    input: { name: string; price: number; months: number; returnUrl: string; test: boolean; trialDays?: number },
  ) {
    const c = await this.must(
      this.call(token, 'POST', '/recurrent_charge/livechat', RecurrentSchema, {
        name: input.name,
        price: input.price,
        months: input.months,
        return_url: input.returnUrl,
        test: input.test,
        ...(input.trialDays ? { trial_days: input.trialDays } : {}),
      }),
    );
    return toRecurrent(c);
  }

  async getRecurrentCharge(token: string, id: string) {
    const c = await this.call(token, 'GET', `/recurrent_charge/livechat/${encodeURIComponent(id)}`, RecurrentSchema);
    return c ? toRecurrent(c) : null;
  }

  async activateRecurrentCharge(token: string, id: string) {
    return toRecurrent(
      await this.must(this.call(token, 'PUT', `/recurrent_charge/livechat/${encodeURIComponent(id)}/activate`, RecurrentSchema)),
    );
  }

  async listDirectCharges(token: string) {
    const out: DirectCharge[] = [];
    const PageSchema = z.object({ records: z.array(DirectSchema), next_page_id: z.string().nullish() });
    let page: string | null = '1';
    // LiveChat pages by 100; an organization buys a handful of packages, so a few pages at most.
    for (let i = 0; page && i < 50; i++) {
      const res: z.infer<typeof PageSchema> = await this.must(
        this.call(token, 'GET', `/direct_charge/livechat?page=${encodeURIComponent(page)}`, PageSchema),
      );
      out.push(...res.records.map(toDirect));
      page = res.next_page_id ?? null;
    }
    return out;
  }

  async cancelRecurrentCharge(token: string, id: string) {
    return toRecurrent(
      await this.must(this.call(token, 'PUT', `/recurrent_charge/livechat/${encodeURIComponent(id)}/cancel`, RecurrentSchema)),
    );
  }
}
