import type { Template } from '@wa/contracts';

/** A template is identified by name and language: the same name may exist in several languages. */
export function templateKey(t: Pick<Template, 'name' | 'language'>): string {
  return `${t.name}::${t.language}`;
}
