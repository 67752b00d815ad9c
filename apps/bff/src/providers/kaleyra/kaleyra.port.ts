import type { ApiVersion, TemplateCategory, TemplateStatus } from '@wa/contracts';

export type OutboundMessage =
  | {
      kind: 'template';
      name: string;
      language: string;
      params: string[];
      /** Rich templates: Meta's full send components (header media, URL suffixes, quick-reply payloads) for v2. */
      components?: Record<string, unknown>[];
      /** Rich templates on v1 (`type=mediatemplate`): the media link, the header's value, the dynamic URL suffix. */
      v1?: { mediaUrl?: string; headerParam?: string; urlParam?: string };
    }
  | { kind: 'text'; body: string }
  | {
      kind: 'media';
      /** Meta's media type the file is sent as. */
      mediaKind: 'image' | 'video' | 'audio' | 'document';
      /** v2: Meta fetches the file from this public https link. */
      link: string;
      /** A document's name as the customer sees it. */
      filename?: string;
      caption?: string;
      /** v1 cannot fetch a link: the file goes as a multipart part, from memory. */
      file: { bytes: Uint8Array; contentType: string; name: string };
    };

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
  /** Meta's components as listed (what the template studio shows and sends); absent from older adapters. */
  components?: Record<string, unknown>[];
  quality?: 'high' | 'medium' | 'low' | 'unknown';
}

/** Meta's template object for the create endpoint. */
export interface MetaTemplateObject {
  name: string;
  language: string;
  category: string;
  components: Record<string, unknown>[];
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
  /** Submits Meta's template object as it is (the template studio); returns Kaleyra's id and status. */
  submitTemplate(wabaId: string, template: MetaTemplateObject): Promise<{ id: string | null; status: TemplateStatus }>;
  /** Deletes a template name (WhatsApp deletes it in every language). */
  deleteTemplate(wabaId: string, name: string): Promise<void>;
  /** Uploads a media header's sample file for review; returns the handle the create call refers to. Never stored. */
  uploadTemplateSample(wabaId: string, file: { bytes: Uint8Array; mimeType: string; fileName: string }): Promise<{ handle: string }>;
}
