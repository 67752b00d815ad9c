import { createHash, randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { originOf, sendInlineFile, sendNotFound } from '../lib/http.ts';
import { perSandbox } from '../lib/per-sandbox.ts';
import { readMultipart } from '../livechat/customer-chat.routes.ts';
import type { SandboxContext, SandboxState } from '../state.ts';

/**
 * Media that passes through Kaleyra: files customers send (Kaleyra keeps them and hands integrations a link, v1's
 * `media_url`) and files a v1 send uploads as multipart. Served under one path, like Kaleyra's storage links.
 */
export interface StoredMedia {
  id: string;
  name: string;
  mime_type: string;
  bytes: Buffer;
  sha256: string;
}

export class MediaStore {
  files = new Map<string, StoredMedia>();

  reset(): void {
    this.files.clear();
  }

  add(name: string, mimeType: string, bytes: Buffer): StoredMedia {
    const media: StoredMedia = {
      id: randomBytes(12).toString('hex'),
      name: name || 'file',
      mime_type: mimeType || 'application/octet-stream',
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    this.files.set(media.id, media);
    return media;
  }
}

export const mediaStoreOf = perSandbox(() => new MediaStore());

export function mediaUrl(origin: string, media: StoredMedia): string {
  return `${origin}/sandbox/kaleyra/media/${media.id}/${encodeURIComponent(media.name)}`;
}

/** Meta's media kind for a MIME type, as WhatsApp classifies an attachment. */
export function mediaKindOf(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
  if (/^image\/(jpeg|png)$/.test(mimeType)) return 'image';
  if (/^video\//.test(mimeType)) return 'video';
  if (/^audio\//.test(mimeType)) return 'audio';
  return 'document';
}

export function mediaRouter(state: SandboxState): Router {
  const router = Router();
  router.get('/sandbox/kaleyra/media/:id/:name', (req, res) => {
    const media = mediaStoreOf(state).files.get(req.params.id);
    if (!media) {
      sendNotFound(res);
      return;
    }
    sendInlineFile(res, media.name, media.mime_type, media.bytes);
  });
  return router;
}

/**
 * A v1 `type=media` send arrives as multipart: its text parts become the usual fields, its `media` part is kept
 * and replaced by what the message records. An unreadable body yields no fields, so the send fails validation.
 */
export async function v1Multipart(ctx: SandboxContext, req: Request): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await readMultipart(req);
  } catch {
    return {};
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') fields[key] = value;
  }
  const file = form.get('media');
  if (file instanceof Blob) {
    const name = (file as File).name || 'file';
    const media = mediaStoreOf(ctx.state).add(name, file.type, Buffer.from(await file.arrayBuffer()));
    fields.media = {
      kind: mediaKindOf(media.mime_type),
      link: mediaUrl(originOf(req), media),
      filename: media.name,
      mime_type: media.mime_type,
    };
  }
  return fields;
}
