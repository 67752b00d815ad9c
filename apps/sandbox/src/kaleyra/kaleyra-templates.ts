import type { StoredTemplate } from '../state.ts';

export function bodyText(template: StoredTemplate): string {
  const body = template.components.find((c) => c.type === 'BODY');
  return body && 'text' in body ? body.text : '';
}

/** Number of distinct positional placeholders ({{1}}, {{2}}...) in the body. */
export function placeholderCount(text: string): number {
  const found = new Set<string>();
  for (const match of text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)) if (match[1]) found.add(match[1]);
  return found.size;
}

function normaliseLanguage(code: string): string {
  return code.trim().replace('-', '_').toLowerCase();
}

/** Exact match first; a bare language ("en") also matches a regional template ("en_US"), as Kaleyra v1 samples use. */
export function findTemplate(templates: StoredTemplate[], name: string, language: string | null): StoredTemplate[] {
  const byName = templates.filter((t) => t.name === name);
  if (!language) return byName;
  const wanted = normaliseLanguage(language);
  const exact = byName.filter((t) => normaliseLanguage(t.language) === wanted);
  if (exact.length > 0 || wanted.includes('_')) return exact;
  return byName.filter((t) => normaliseLanguage(t.language).startsWith(`${wanted}_`));
}

/**
 * Meta's synchronous template errors. Returns null when the template may be sent with `paramCount` body
 * parameters, else the reason (with Meta's error code first).
 */
export function templateProblem(
  templates: StoredTemplate[],
  name: string,
  language: string | null,
  paramCount: number,
): { problem: string; template?: undefined } | { problem: null; template: StoredTemplate } {
  const candidates = findTemplate(templates, name, language);
  const template = candidates[0];
  if (!template) {
    const known = templates.some((t) => t.name === name);
    return {
      problem: known
        ? `132001 template name (${name}) does not exist in the translation (${language ?? ''})`
        : `132001 template name (${name}) does not exist`,
    };
  }
  if (template.status === 'PAUSED') return { problem: `132015 template ${name} is paused` };
  if (template.status === 'DISABLED') return { problem: `132016 template ${name} is disabled` };
  if (template.status !== 'APPROVED') {
    return { problem: `132001 template ${name} is not approved (status ${template.status})` };
  }
  const expected = placeholderCount(bodyText(template));
  if (expected !== paramCount) {
    return {
      problem: `132000 number of parameters (${paramCount}) does not match the expected number of params (${expected})`,
    };
  }
  return { problem: null, template };
}

/**
 * Kaleyra v1 `params`: a comma list, optionally with double-quoted values (`"Ann","A-1, B-2"`) so that a value may
 * contain a comma.
 */
export function parseV1Params(raw: string | undefined): string[] {
  if (!raw || !raw.trim()) return [];
  if (!raw.includes('"')) return raw.split(',').map((p) => p.trim());
  const values: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '"') {
      if (quoted && raw[i + 1] === '"') {
        current += '"';
        i++;
      } else {
        quoted = !quoted;
      }
    } else if (ch === ',' && !quoted) {
      values.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  values.push(current.trim());
  return values;
}
