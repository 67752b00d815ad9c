import {
  AUDIT_ACTIONS,
  contentFromComponents,
  describeProviderError,
  ErrorCode,
  MEDIA_HEADER_FORMATS,
  SAMPLE_TYPES,
  toMetaTemplate,
  validateTemplateDraft,
  type CreateTemplateResponse,
  type StudioTemplate,
  type TemplateDraft,
  type TemplateQuality,
  type TemplateUsage,
} from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { ProviderError, type KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import { actors, audit } from '../audit/audit.ts';
import type { Identity } from '../auth/auth.service.ts';
import { listNumbers } from '../numbers/numbers.service.ts';
import type { NumberRow, TemplateRow } from '../../db/rows.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import * as repo from './templates.repo.ts';

/** Campaigns in these states would still send the template, so it cannot be deleted under them. */
const BLOCKING = new Set(['scheduled', 'running', 'paused']);

/** A refusal that says when to try again (the 100-creates-per-hour limit); the route sets Retry-After. */
export class RetryLaterError extends DomainError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(ErrorCode.rateLimited, 'Template limit reached', detail);
  }
}

/** JSON with sorted keys: jsonb does not keep key order, so compare content, not text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

const timeFormat = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;

/**
 * The template studio: every template of the organization's WhatsApp Business Accounts, creation through Kaleyra's
 * v2 endpoint (Meta's rules checked first, nothing stored unless Kaleyra accepts), deletion and its guard.
 */
export class TemplatesService {
  constructor(
    private readonly db: Db,
    private readonly kaleyra: KaleyraPort,
    private readonly numbers: NumbersService,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async wabaNumbers(organizationId: string, numberId: string): Promise<{ number: NumberRow; sharing: NumberRow[] }> {
    const number = await this.numbers.get(organizationId, numberId);
    const sharing = (await listNumbers(this.db, organizationId)).filter((n) => n.wabaId === number.wabaId);
    return { number, sharing };
  }

  async list(organizationId: string): Promise<StudioTemplate[]> {
    const all = await listNumbers(this.db, organizationId);
    // A number never synced is synced once, so its templates show up the first time.
    for (const n of all.filter((x) => !x.templatesSyncedAt)) await this.numbers.syncNumber(n).catch(() => undefined);
    const rows = await repo.templatesOfNumbers(
      this.db,
      all.map((n) => n.id),
    );
    const byNumber = new Map(all.map((n) => [n.id, n]));
    const seen = new Map<string, StudioTemplate>();
    for (const row of rows) {
      const n = byNumber.get(row.numberId);
      if (!n) continue;
      const key = `${n.wabaId}|${row.name}|${row.language}`;
      if (seen.has(key)) continue;
      seen.set(
        key,
        this.toDto(
          row,
          n.wabaId,
          all.filter((x) => x.wabaId === n.wabaId),
        ),
      );
    }
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  }

  private toDto(row: TemplateRow, wabaId: string, sharing: NumberRow[]): StudioTemplate {
    const content = row.components.length
      ? contentFromComponents(row.components)
      : {
          headerFormat: row.header ? ('text' as const) : ('none' as const),
          headerText: row.header,
          body: row.body,
          footer: row.footer,
          buttons: row.buttons.map((b) => ({
            type: b.type.toUpperCase() === 'QUICK_REPLY' ? ('quick_reply' as const) : ('other' as const),
            text: b.text,
            url: null,
            phone: null,
            dynamic: false,
          })),
        };
    return {
      wabaId,
      numbers: sharing.map((n) => ({ id: n.id, number: n.number, displayName: n.displayName })),
      name: row.name,
      language: row.language,
      category: row.category,
      status: row.status,
      rejectedReason: row.rejectedReason,
      quality: (['high', 'medium', 'low'].includes(row.quality) ? row.quality : 'unknown') as TemplateQuality,
      changedAt: (row.changedAt ?? row.syncedAt).toISOString(),
      content,
      bodySamples: row.bodySamples,
    };
  }

  /** "Sync now": every WhatsApp Business Account of the organization, once each. */
  async syncAll(organizationId: string): Promise<StudioTemplate[]> {
    const all = await listNumbers(this.db, organizationId);
    for (const n of all) await this.numbers.syncNumber(n);
    return this.list(organizationId);
  }

  async create(organizationId: string, identity: Identity, draft: TemplateDraft): Promise<CreateTemplateResponse> {
    const problems = validateTemplateDraft(draft);
    if (problems.length) throw errors.validation(problems, 'The template does not meet WhatsApp’s rules yet. Fix the marked fields.');
    const { number, sharing } = await this.wabaNumbers(organizationId, draft.numberId);
    const meta = toMetaTemplate(draft);
    const content = contentFromComponents(meta.components);
    const ids = sharing.map((n) => n.id);

    return this.db.transaction(async (tx) => {
      await repo.lockTemplateKey(tx, number.wabaId, draft.name, draft.language);
      const existing = (await repo.templatesNamed(tx, ids, draft.name)).find((t) => t.language === draft.language);
      if (existing) {
        // The same submission again (a double-click, a retried request) is answered with the template it made.
        const same = existing.category === draft.category && canonical(existing.components) === canonical(meta.components);
        if (same) return { template: this.toDto(existing, number.wabaId, sharing), created: false };
        throw errors.conflict(
          `A template named ${draft.name} already exists in ${draft.language}. Choose another name, or another language.`,
          [{ path: 'name', message: `${draft.name} already exists in ${draft.language}.` }],
        );
      }
      let submitted: { id: string | null; status: StudioTemplate['status'] };
      try {
        submitted = await this.kaleyra.submitTemplate(number.wabaId, meta);
      } catch (err) {
        throw this.refusal(err, 'create');
      }
      const at = this.now();
      const header = content.headerFormat === 'text' ? content.headerText : null;
      await repo.insertTemplates(
        tx,
        sharing.map((n) => ({
          numberId: n.id,
          name: draft.name,
          language: draft.language,
          category: draft.category,
          status: submitted.status,
          header,
          body: content.body,
          footer: content.footer,
          buttons: content.buttons.map((b) => ({ type: b.type.toUpperCase(), text: b.text })),
          rejectedReason: null,
          syncedAt: at,
          components: meta.components,
          quality: 'unknown',
          changedAt: at,
          bodySamples: draft.category === 'authentication' ? [] : draft.bodySamples,
        })),
      );
      await audit.record(tx, {
        organizationId,
        actor: actors.account(identity.accountId),
        action: AUDIT_ACTIONS.templateSubmitted,
        target: { type: 'template', id: `${number.wabaId}:${draft.name}:${draft.language}` },
        metadata: {
          name: draft.name,
          language: draft.language,
          category: draft.category,
          wabaId: number.wabaId,
          status: submitted.status,
          providerId: submitted.id,
        },
        at,
      });
      const [row] = await repo.templatesNamed(tx, [number.id], draft.name).then((r) => r.filter((t) => t.language === draft.language));
      if (!row) throw new Error('created template not found');
      return { template: this.toDto(row, number.wabaId, sharing), created: true };
    });
  }

  /** Plain words for a provider's refusal; the hourly limit says when to try again. */
  private refusal(err: unknown, what: 'create' | 'delete' | 'upload'): Error {
    if (!(err instanceof ProviderError)) return err as Error;
    this.log.warn({ code: err.code, httpStatus: err.httpStatus, what }, 'Kaleyra refused a template call');
    if (err.code === 'http429' || err.httpStatus === 429) {
      const seconds = Math.max(1, Math.ceil((err.retryAfterMs ?? 3_600_000) / 1000));
      const when = new Date(this.now().getTime() + seconds * 1000);
      return new RetryLaterError(
        `WhatsApp accepts at most 100 new templates per business account per hour, and this account reached it. Try again after ${timeFormat(when)}.`,
        seconds,
      );
    }
    if (err.code === 'timeout' || err.code === 'network' || (err.httpStatus ?? 0) >= 500) {
      return new DomainError(
        ErrorCode.providerUnavailable,
        'Kaleyra is not answering',
        'Kaleyra did not answer. Nothing was changed; try again in a moment.',
      );
    }
    if (err.code === 'WA400' || err.httpStatus === 400) {
      const title =
        what === 'create'
          ? 'WhatsApp refused the template'
          : what === 'delete'
            ? 'WhatsApp refused the deletion'
            : 'WhatsApp refused the sample';
      return new DomainError(ErrorCode.providerError, title, `WhatsApp said: ${err.message}. Nothing was saved.`, {
        providerCode: err.code,
      });
    }
    if (err.code === 'WA404' || err.httpStatus === 404) {
      return new DomainError(
        ErrorCode.notFound,
        'Not found at WhatsApp',
        'WhatsApp does not know this template or business account any more. Sync templates and try again.',
      );
    }
    const info = describeProviderError(err.code);
    return new DomainError(ErrorCode.providerError, 'Kaleyra refused the request', info.message, { providerCode: err.code });
  }

  async usage(organizationId: string, numberId: string, name: string): Promise<TemplateUsage> {
    const { sharing } = await this.wabaNumbers(organizationId, numberId);
    const ids = sharing.map((n) => n.id);
    const rows = await repo.templatesNamed(this.db, ids, name);
    if (!rows.length) throw errors.notFound(`The template ${name}`);
    const used = await repo.campaignsUsing(this.db, organizationId, ids, name);
    const blocking = used.filter((c) => BLOCKING.has(c.status));
    const copies = [
      ...new Set((await repo.templatesOfNumbers(this.db, ids)).filter((t) => t.name.startsWith(`${name}_optout_`)).map((t) => t.name)),
    ];
    const reason = blocking.length
      ? `${blocking.length === 1 ? 'The campaign' : 'The campaigns'} ${blocking.map((c) => `“${c.name}” (${c.status})`).join(', ')} ${blocking.length === 1 ? 'still sends' : 'still send'} this template. Cancel ${blocking.length === 1 ? 'it' : 'them'} or let ${blocking.length === 1 ? 'it' : 'them'} finish first.`
      : null;
    return {
      name,
      languages: [...new Set(rows.map((r) => r.language))].sort(),
      campaigns: used.map((c) => ({ id: c.id, name: c.name, status: c.status, language: c.language })),
      blocking: blocking.map((c) => ({ id: c.id, name: c.name, status: c.status })),
      copies,
      canDelete: blocking.length === 0,
      reason,
    };
  }

  async remove(organizationId: string, identity: Identity, numberId: string, name: string): Promise<TemplateUsage> {
    const usage = await this.usage(organizationId, numberId, name);
    if (!usage.canDelete) throw new DomainError(ErrorCode.conflict, 'Template in use', usage.reason ?? 'A campaign uses this template.');
    const { number, sharing } = await this.wabaNumbers(organizationId, numberId);
    try {
      await this.kaleyra.deleteTemplate(number.wabaId, name);
    } catch (err) {
      throw this.refusal(err, 'delete');
    }
    await this.db.transaction(async (tx) => {
      await repo.deleteTemplatesNamed(
        tx,
        sharing.map((n) => n.id),
        name,
      );
      await audit.record(tx, {
        organizationId,
        actor: actors.account(identity.accountId),
        action: AUDIT_ACTIONS.templateDeleted,
        target: { type: 'template', id: `${number.wabaId}:${name}` },
        metadata: { name, languages: usage.languages, wabaId: number.wabaId, campaignsUsing: usage.campaigns.length },
      });
    });
    return usage;
  }

  /** Passes a media header's sample file to Kaleyra for review and returns its handle; the file is not kept. */
  async uploadSample(
    organizationId: string,
    numberId: string,
    file: { bytes: Uint8Array; mimeType: string; fileName: string },
  ): Promise<{ handle: string }> {
    const { number } = await this.wabaNumbers(organizationId, numberId);
    const mime = file.mimeType.split(';')[0]!.trim().toLowerCase();
    const format = MEDIA_HEADER_FORMATS.find((f) => SAMPLE_TYPES[f].types.includes(mime));
    if (!format) {
      throw errors.validation([{ path: 'file', message: 'Use a JPEG or PNG image, an MP4 video, or a PDF document.' }]);
    }
    if (file.bytes.byteLength === 0 || file.bytes.byteLength > SAMPLE_TYPES[format].maxBytes) {
      throw errors.validation([{ path: 'file', message: `The sample must be ${SAMPLE_TYPES[format].label}.` }]);
    }
    try {
      return await this.kaleyra.uploadTemplateSample(number.wabaId, { ...file, mimeType: mime });
    } catch (err) {
      throw this.refusal(err, 'upload');
    }
  }
}
