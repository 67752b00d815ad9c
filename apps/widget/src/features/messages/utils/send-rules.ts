import type { SendMessageRequest, Template } from '@wa/contracts';

/** What the sidebar composes: an approved template, or free text inside the customer's window. */
export type ComposeMode = 'template' | 'text';

/**
 * WhatsApp's rules: free text only inside the customer's 24-hour window, nothing at all after an opt-out or a
 * restriction. Without the agent's choice, free text is offered until a template is chosen.
 */
export function composeMode(state: {
  windowOpen: boolean;
  stopped: boolean;
  choice: ComposeMode | null;
  hasTemplate: boolean;
}): ComposeMode {
  if (!state.windowOpen || state.stopped) return 'template';
  return state.choice ?? (state.hasTemplate ? 'template' : 'text');
}

export interface SendBlockerInput {
  recipient: string | null;
  number: { canSend: boolean; cannotSendReason?: string | null | undefined } | null;
  optedOut: boolean;
  restricted: boolean;
  mode: ComposeMode;
  text: string;
  template: Template | null;
  /** 0-based indexes of the template's variables still empty. */
  missingVariables: number[];
  /** Labels of the rich template's header and button values still empty. */
  missingExtras: string[];
}

/** Why the message cannot be sent yet, in the order the agent should fix it; null when it can. */
export function sendBlocker(s: SendBlockerInput): string | null {
  if (!s.recipient) return "Add the customer's WhatsApp number.";
  if (s.number && !s.number.canSend) return s.number.cannotSendReason ?? 'This number cannot send messages right now.';
  if (s.optedOut) return 'This customer opted out, so nothing can be sent.';
  if (s.restricted) return 'This customer asked to restrict processing of their data, so nothing can be sent.';
  if (s.mode === 'text') return s.text.trim() ? null : 'Write a message.';
  if (!s.template) return 'Choose a template.';
  if (s.missingVariables.length > 0) return `Fill in ${s.missingVariables.map((i) => `Variable ${i + 1}`).join(', ')}.`;
  if (s.missingExtras.length > 0) return `Fill in ${s.missingExtras.join(', ')}.`;
  return null;
}

/** The indexes of the template's variables the agent left empty. */
export function missingVariables(template: Template | null, values: string[]): number[] {
  return template ? Array.from({ length: template.variableCount }, (_, i) => i).filter((i) => !values[i]?.trim()) : [];
}

type TemplateSend = Extract<SendMessageRequest, { kind: 'template' }>;

/** The template part of a send request: trimmed values, and only the optional parts the agent filled in. */
export function templateSendFields(
  template: Template,
  values: string[],
  extras: { headerMediaUrl: string; headerText: string; buttonValues: string[] },
): Pick<TemplateSend, 'templateName' | 'language' | 'variables' | 'headerMediaUrl' | 'headerText' | 'buttonValues'> {
  return {
    templateName: template.name,
    language: template.language,
    variables: Array.from({ length: template.variableCount }, (_, i) => (values[i] ?? '').trim()),
    ...(extras.headerMediaUrl.trim() ? { headerMediaUrl: extras.headerMediaUrl.trim() } : {}),
    ...(extras.headerText.trim() ? { headerText: extras.headerText.trim() } : {}),
    ...(extras.buttonValues.some((v) => v.trim()) ? { buttonValues: extras.buttonValues.map((v) => v.trim()) } : {}),
  };
}
