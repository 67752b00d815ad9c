import {
  DEFAULT_OPT_OUT_INSTRUCTION,
  encodeCursor,
  ErrorCode,
  type AddOptOutRequest,
  type AddOptOutResponse,
  type ExportOptOutsResponse,
  type ImportOptOutsResponse,
  type OptOut,
  type OptOutInstruction,
  type OptOutKeywords,
  type OptOutsQuery,
  type OptOutsResponse,
  type UpdateOptOutInstructionRequest,
} from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import type { Identity } from '../auth/auth.service.ts';
import { listTemplates } from '../numbers/numbers.service.ts';
import type { NumberRow, TemplateRow } from '../../db/rows.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { IncomingMessage } from '../webhooks/kaleyra-webhook.parse.ts';
import {
  carriesOwnInstruction,
  copyComponents,
  copyFooter,
  copyName,
  instructionCopies,
  instructionStateOf,
  type InstructionSettings,
} from './opt-out-instruction.ts';
import type { KeywordMatcher } from './opt-out-keywords.ts';
import { parseOptOutCsv, toOptOutCsv } from './optout-csv.ts';
import * as repo from './optouts.repo.ts';

/** Reads (and the writes other modules take part in) that this module offers the others. */
export { findOptOut, optOut, optedOutAmong } from './optouts.repo.ts';

/** Opt-outs a customer made themselves; their START undoes these, never an owner's manual or imported entry. */
const SELF_SERVICE_SOURCES: repo.OptOutSource[] = ['keyword', 'button', 'consent_withdrawn'];

const key = (t: { name: string; language: string }) => `${t.name}::${t.language}`;

export function toOptOutDto(row: repo.OptOutRow): OptOut {
  return {
    recipient: row.recipient,
    source: row.source,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Terms F.4: honour every opt-out. Customers opt out with a keyword or the Stop button (and back in with
 * START); owners keep the suppression list; a number can add an opt-out instruction to marketing templates.
 * Sends are refused for opted-out customers in MessagingService (and campaigns, through optouts.repo).
 */
export class OptOutsService {
  constructor(
    private readonly db: Db,
    private readonly kaleyra: KaleyraPort,
    private readonly numbers: NumbersService,
    private readonly matcher: KeywordMatcher,
    private readonly log: Logger,
  ) {}

  keywords(): OptOutKeywords {
    return { optOut: [...this.matcher.optOutKeywords], optIn: [...this.matcher.optInKeywords] };
  }

  /** Incoming-webhook hook. The text is only looked at here, in memory; it is never stored or logged. */
  readonly onIncoming = async (org: OrganizationRow, _numberId: string, message: IncomingMessage): Promise<void> => {
    const action = this.matcher.match(message.text);
    if (action === 'opt_out') {
      const source = message.type === 'button' ? 'button' : 'keyword';
      const created = await repo.optOut(this.db, { organizationId: org.id, recipient: message.from, source });
      this.log.info({ organizationId: org.id, source }, created ? 'customer opted out' : 'customer repeated an opt-out');
    } else if (action === 'opt_in') {
      const removed = await repo.optInFrom(this.db, org.id, message.from, SELF_SERVICE_SOURCES);
      this.log.info(
        { organizationId: org.id },
        removed ? 'customer opted back in' : 'opt-in keyword from a customer who had not opted out themselves',
      );
    }
  };

  async list(organizationId: string, q: OptOutsQuery): Promise<OptOutsResponse> {
    const digits = q.q?.replace(/\D/g, '') || undefined;
    const { rows, total, more } = await repo.listOptOuts(this.db, organizationId, {
      digits,
      limit: q.limit,
      offset: q.offset,
      after: q.cursor,
    });
    const last = rows[rows.length - 1];
    return {
      optOuts: rows.map(toOptOutDto),
      total,
      keywords: this.keywords(),
      nextCursor: more && last ? encodeCursor([last.micros, last.recipient]) : null,
    };
  }

  /** The whole list, newest first, a page at a time, as rows of the CSV that the import reads back. */
  async *csvRows(organizationId: string, pageSize = 5_000): AsyncGenerator<unknown[][]> {
    let after: readonly [string, string] | undefined;
    for (;;) {
      const page = await repo.listOptOuts(this.db, organizationId, { limit: pageSize, offset: 0, after, count: false });
      if (page.rows.length) yield page.rows.map((r) => [r.recipient, r.reason, r.source, r.createdAt, r.createdBy]);
      const last = page.rows[page.rows.length - 1];
      if (!page.more || !last) return;
      after = [last.micros, last.recipient];
    }
  }

  async add(organizationId: string, identity: Identity, req: AddOptOutRequest): Promise<AddOptOutResponse> {
    const created = await repo.optOut(this.db, {
      organizationId,
      recipient: req.recipient,
      source: 'manual',
      reason: req.reason,
      createdBy: identity.accountId,
    });
    const row = await repo.findOptOut(this.db, organizationId, req.recipient);
    if (!row) throw new Error('opt-out vanished');
    return { optOut: toOptOutDto(row), created };
  }

  async remove(organizationId: string, recipient: string): Promise<boolean> {
    return repo.optIn(this.db, organizationId, recipient);
  }

  async import(
    organizationId: string,
    identity: Identity,
    req: { csv: string; onInvalidRows: 'reject' | 'skip'; defaultReason?: string | undefined },
  ): Promise<ImportOptOutsResponse> {
    const parsed = parseOptOutCsv(req.csv, req.defaultReason?.trim() || null);
    if (parsed.rows === 0) throw errors.validation([{ path: 'csv', message: 'The file has no rows' }], 'The file has no phone numbers.');
    if (parsed.invalid.length && req.onInvalidRows === 'reject') {
      return { rows: parsed.rows, added: 0, alreadyListed: 0, invalid: parsed.invalid, imported: false };
    }
    const added = await this.db.transaction((tx) => repo.optOutMany(tx, organizationId, parsed.valid, 'import', identity.accountId));
    this.log.info({ organizationId, added: added.length, invalid: parsed.invalid.length }, 'opt-outs imported');
    return {
      rows: parsed.rows,
      added: added.length,
      alreadyListed: parsed.valid.length - added.length,
      invalid: parsed.invalid,
      imported: true,
    };
  }

  async export(organizationId: string, now = new Date()): Promise<ExportOptOutsResponse> {
    const rows = await repo.allOptOuts(this.db, organizationId);
    return { filename: `whatsapp-opt-outs-${now.toISOString().slice(0, 10)}.csv`, csv: toOptOutCsv(rows), count: rows.length };
  }

  // ---- the instruction of marketing templates ------------------------------------------------

  private async settingsOf(numberId: string): Promise<InstructionSettings> {
    const row = await repo.findInstructionSettings(this.db, numberId);
    return { enabled: row?.appendInstruction ?? false, instruction: row?.instruction ?? DEFAULT_OPT_OUT_INSTRUCTION };
  }

  private describe(n: NumberRow, settings: InstructionSettings, templates: TemplateRow[]): OptOutInstruction {
    const copies = instructionCopies(templates);
    const copyKeys = new Set(copies.map(key));
    // Rejected, paused and disabled templates cannot be sent anyway, so they need no copy.
    const marketing = templates.filter(
      (t) => t.category === 'marketing' && !copyKeys.has(key(t)) && (t.status === 'approved' || t.status === 'pending'),
    );
    return {
      numberId: n.id,
      enabled: settings.enabled,
      instruction: settings.instruction,
      templates: marketing.map((t) => {
        const { copy: _copy, ...state } = instructionStateOf(t, templates, settings, this.matcher);
        return state;
      }),
      copies: copies.map((c) => ({ name: c.name, language: c.language })),
    };
  }

  async instruction(organizationId: string, numberId: string): Promise<OptOutInstruction> {
    const n = await this.numbers.get(organizationId, numberId);
    return this.describe(n, await this.settingsOf(n.id), await listTemplates(this.db, n.id));
  }

  async updateInstruction(
    organizationId: string,
    identity: Identity,
    numberId: string,
    req: UpdateOptOutInstructionRequest,
  ): Promise<OptOutInstruction> {
    const n = await this.numbers.get(organizationId, numberId);
    await repo.saveInstructionSettings(this.db, {
      numberId: n.id,
      organizationId,
      appendInstruction: req.enabled,
      instruction: req.instruction,
      updatedBy: identity.accountId,
    });
    if (req.enabled) await this.submitCopies(n, true);
    return this.instruction(organizationId, numberId);
  }

  /** After every template sync: marketing templates that appeared since need their copy too. */
  readonly afterSync = async (n: NumberRow): Promise<void> => {
    await this.submitCopies(n, false);
  };

  /**
   * Submits the missing copies for review, then syncs so their status shows. Returns how many were
   * submitted. A second pass (the sync calls back here) finds nothing missing and stops.
   */
  private async submitCopies(n: NumberRow, syncAfter: boolean): Promise<number> {
    const settings = await this.settingsOf(n.id);
    if (!settings.enabled) return 0;
    const templates = await listTemplates(this.db, n.id);
    const copyKeys = new Set(instructionCopies(templates).map(key));
    const existing = new Set(templates.map(key));
    let submitted = 0;
    for (const t of templates) {
      if (t.category !== 'marketing' || copyKeys.has(key(t)) || (t.status !== 'approved' && t.status !== 'pending')) continue;
      if (carriesOwnInstruction(t, this.matcher)) continue;
      const name = copyName(t, settings.instruction);
      if (existing.has(key({ name, language: t.language }))) continue;
      const footer = copyFooter(t.footer, settings.instruction);
      try {
        // From the synced components when there are some: plain fields would lose a media header and URL buttons.
        if (t.components.length) {
          await this.kaleyra.submitTemplate(n.wabaId, {
            name,
            language: t.language,
            category: 'MARKETING',
            components: copyComponents(t, footer),
          });
        } else {
          await this.kaleyra.createTemplate(n.wabaId, {
            name,
            language: t.language,
            category: 'marketing',
            header: t.header,
            body: t.body,
            footer,
            buttons: t.buttons,
          });
        }
        submitted++;
      } catch (err) {
        this.log.warn({ numberId: n.id, template: t.name, err: (err as Error).message }, 'opt-out copy of a template not submitted');
      }
    }
    if (submitted > 0 || syncAfter) {
      await this.numbers.syncNumber(n).catch((err: unknown) => {
        if (!(err instanceof DomainError)) throw err;
      });
    }
    return submitted;
  }

  /**
   * The template to send in place of `template` from this number: itself, or its copy with the opt-out
   * instruction. Refuses when the number adds the instruction and the copy is not approved (yet).
   */
  async templateToSend(n: NumberRow, template: TemplateRow): Promise<TemplateRow> {
    if (template.category !== 'marketing') return template;
    const settings = await this.settingsOf(n.id);
    if (!settings.enabled) return template;
    const state = instructionStateOf(template, await listTemplates(this.db, n.id), settings, this.matcher);
    if (state.state === 'own') return template;
    if (state.state === 'added' && state.copy) return state.copy;
    throw new DomainError(
      ErrorCode.templateNotApproved,
      'Opt-out instruction not ready',
      state.blockedReason ?? 'The opt-out copy of this template is not approved.',
    );
  }
}
