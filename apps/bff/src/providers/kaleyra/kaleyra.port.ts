import type { ApiVersion, TemplateCategory, TemplateStatus } from '@wa/contracts';

export type OutboundMessage =
  | { kind: 'template'; name: string; language: string; params: string[] }
  | { kind: 'text'; body: string };

export interface SendRequest {
  apiVersion: ApiVersion;
  /** Our business number, E.164. */
  from: string;
  /** Recipient, E.164. */
  to: string;
  message: OutboundMessage;
  /** Our idempotency reference; v2 echoes it in callbacks and de-duplicates on it. */
  ref: string;
  /** v1 only: per-message status callback URL (may carry Basic credentials as userinfo). */
  callbackUrl?: string;
  /** Overrides the client's attempts (1 = no retry inside the client; campaigns pace their own retries). */
  maxAttempts?: number;
}

export interface SendResult {
  providerMessageId: string;
}

export interface ProviderTemplate {
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  header: string | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string }[];
  rejectedReason: string | null;
}

/**
 * A send the provider refused or that never reached it. `code` is Kaleyra's app code (E110,
 * WA401, ...), `http429`/`http5xx`, or `timeout`. `retryable` says whether the same request may
 * be tried again later without risk of a duplicate.
 */
export class ProviderError extends Error {
  constructor(
    public readonly code: string,
    public readonly retryable: boolean,
    message: string,
    public readonly httpStatus?: number,
    public readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A template to submit for WhatsApp's review (v2 templates endpoint, Meta's components). */
export interface NewProviderTemplate {
  name: string;
  language: string;
  category: TemplateCategory;
  header: string | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string }[];
}

export interface KaleyraPort {
  send(request: SendRequest): Promise<SendResult>;
  listTemplates(apiVersion: ApiVersion, wabaId: string): Promise<ProviderTemplate[]>;
  /** Submits a template for review; returns the status Kaleyra reports (usually pending). */
  createTemplate(wabaId: string, template: NewProviderTemplate): Promise<{ status: TemplateStatus }>;
}
