import type { OptOutInstruction, Template } from '@wa/contracts';
import { templateKey } from '../../features/templates/utils/template-key.ts';

export interface TemplateRules {
  /** Copies made for the opt-out instruction: never offered themselves. */
  hidden: ReadonlySet<string>;
  /** Marketing templates this number cannot send until their copy with the instruction is approved. */
  blocked: ReadonlyMap<string, string>;
  /** What the customer will actually receive for a chosen template (its copy, when one carries the instruction). */
  sentAs(template: Template): Template;
}

/** Combines the number's templates with its opt-out instruction (F.4), which lives in another feature. */
export function templateRules(templates: readonly Template[], instruction: OptOutInstruction | undefined): TemplateRules {
  const hidden = new Set((instruction?.copies ?? []).map(templateKey));
  const blocked = new Map<string, string>();
  const copyOf = new Map<string, string>();
  for (const t of instruction?.templates ?? []) {
    if (t.blockedReason) blocked.set(templateKey(t), t.blockedReason);
    if (t.sendsAs) copyOf.set(templateKey(t), t.sendsAs);
  }
  return {
    hidden,
    blocked,
    sentAs(template) {
      const copy = copyOf.get(templateKey(template));
      return (copy && templates.find((t) => t.name === copy && t.language === template.language)) || template;
    },
  };
}
