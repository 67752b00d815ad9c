import type { TemplateDraft } from '@wa/contracts';

/** What every section of the template form gets: the draft, its field problems, and the way to change it. */
export interface TemplateSectionProps {
  draft: TemplateDraft;
  /** The problem to show under a field (once touched or submitted), or undefined. */
  errorOf: (path: string) => string | undefined;
  /** Changes the draft; `path` marks that field as touched. */
  update: (patch: Partial<TemplateDraft>, path?: string) => void;
}
