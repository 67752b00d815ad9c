import { createHash } from 'node:crypto';
import type { OptOutInstructionTemplate, Template } from '@wa/contracts';
import type { KeywordMatcher } from './opt-out-keywords.ts';

/**
 * The opt-out instruction of marketing templates (F.4), per number.
 *
 * WhatsApp delivers an approved template exactly as it was reviewed: a send cannot add a line to it, and
 * Meta refuses a message that does not match its template. So "append an instruction" is done the only way
 * WhatsApp allows: for each marketing template that does not already tell the customer how to opt out, we
 * submit a copy whose footer carries the instruction (`<name>_optout_<hash>`), and once WhatsApp approves it,
 * sends of the original from that number go out as the copy. Until then the original cannot be sent from
 * that number (the owner asked for every marketing message to carry the instruction). The hash names the
 * footer, so changing the instruction submits fresh copies instead of reusing a stale one.
 */

type TemplateLike = Pick<Template, 'name' | 'language' | 'category' | 'status' | 'footer' | 'buttons' | 'rejectedReason'>;

export interface InstructionSettings {
  enabled: boolean;
  instruction: string;
}

const FOOTER_MAX = 60;
const COPY = /^(.+)_optout_([0-9a-f]{6})$/;

/** The footer of the copy: the template's own footer and the instruction, or the instruction alone if both do not fit. */
export function copyFooter(footer: string | null, instruction: string): string {
  const joined = footer?.trim() ? `${footer.trim()} · ${instruction}` : instruction;
  return joined.length <= FOOTER_MAX ? joined : instruction;
}

export function copyName(template: Pick<Template, 'name' | 'footer'>, instruction: string): string {
  const hash = createHash('sha256').update(copyFooter(template.footer, instruction)).digest('hex').slice(0, 6);
  return `${template.name}_optout_${hash}`;
}

/**
 * Meta's components of the copy: the template's own synced components (media header with its sample handle, URL
 * buttons with their samples, everything WhatsApp reviewed) with the footer replaced by the copy's. A body with
 * variables and no example gets the sample values the template was created with, as review asks for them.
 */
export function copyComponents(
  template: { components: readonly Record<string, unknown>[]; bodySamples: readonly string[] },
  footer: string,
): Record<string, unknown>[] {
  const type = (c: Record<string, unknown>) => String(c.type).toUpperCase();
  const out: Record<string, unknown>[] = [];
  for (const c of template.components) {
    const t = type(c);
    if (t === 'FOOTER') continue;
    if (t === 'BUTTONS') out.push({ type: 'FOOTER', text: footer });
    if (t === 'BODY' && !c.example && template.bodySamples.length && typeof c.text === 'string' && /\{\{\s*1\s*\}\}/.test(c.text)) {
      out.push({ ...c, example: { body_text: [template.bodySamples.slice()] } });
      continue;
    }
    out.push(c);
  }
  if (!out.some((c) => type(c) === 'FOOTER')) out.push({ type: 'FOOTER', text: footer });
  return out;
}

/** Whether the template already tells the customer how to opt out: a Stop-like quick reply, or a keyword in its footer. */
export function carriesOwnInstruction(t: Pick<Template, 'footer' | 'buttons'>, matcher: KeywordMatcher): boolean {
  if (t.buttons.some((b) => matcher.match(b.text) === 'opt_out')) return true;
  const words = (t.footer ?? '').split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    if (matcher.match(words[i]) === 'opt_out') return true;
    if (words[i + 1] && matcher.match(`${words[i]} ${words[i + 1]}`) === 'opt_out') return true;
  }
  return false;
}

/** Copies made for the instruction (of any instruction text): hidden from the template picker. */
export function instructionCopies<T extends Pick<Template, 'name' | 'language' | 'category'>>(templates: readonly T[]): T[] {
  const marketing = new Set(templates.filter((t) => t.category === 'marketing').map((t) => `${t.name}::${t.language}`));
  return templates.filter((t) => {
    const m = COPY.exec(t.name);
    return !!m && marketing.has(`${m[1]}::${t.language}`);
  });
}

const REVIEW_WORD: Record<string, string> = {
  pending: 'waiting for WhatsApp to review it',
  rejected: 'rejected by WhatsApp',
  paused: 'paused by WhatsApp',
  disabled: 'disabled by WhatsApp',
};

/** How one marketing template carries the instruction, and whether it can be sent. */
export function instructionStateOf<T extends TemplateLike>(
  template: T,
  all: readonly T[],
  settings: InstructionSettings,
  matcher: KeywordMatcher,
): OptOutInstructionTemplate & { copy: T | null } {
  const base = { name: template.name, language: template.language };
  if (carriesOwnInstruction(template, matcher)) return { ...base, state: 'own', sendsAs: null, blockedReason: null, copy: null };
  if (!settings.enabled) return { ...base, state: 'missing', sendsAs: null, blockedReason: null, copy: null };
  const name = copyName(template, settings.instruction);
  const copy = all.find((t) => t.name === name && t.language === template.language) ?? null;
  const intro = `This number adds "${settings.instruction}" to marketing templates, and the copy of "${template.name}" that carries it`;
  if (!copy) {
    return {
      ...base,
      state: 'missing',
      sendsAs: null,
      blockedReason: `${intro} has not been submitted to WhatsApp yet. An owner can retry in the WhatsApp app, under Opt-outs.`,
      copy: null,
    };
  }
  if (copy.status === 'approved') return { ...base, state: 'added', sendsAs: copy.name, blockedReason: null, copy };
  const word = REVIEW_WORD[copy.status] ?? copy.status;
  return {
    ...base,
    state: copy.status === 'pending' ? 'waiting' : 'refused',
    sendsAs: null,
    blockedReason: `${intro} is ${word}${copy.rejectedReason ? ` (${copy.rejectedReason})` : ''}, so it cannot be sent yet.`,
    copy,
  };
}
