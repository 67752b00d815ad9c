import { providerCall } from '../../lib/provider-time.ts';

/** LiveChat's `upload_file` takes at most 10 MB. */
export const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export class MediaTooLarge extends Error {}

/**
 * Reads a file from a link into memory, refusing more than `limit` bytes as they arrive (a lying or missing
 * Content-Length changes nothing). Only http(s) links; a failure to fetch is thrown for the job to retry.
 */
export function fetchMedia(url: string, limit: number, timeoutMs = 15_000): Promise<{ bytes: Uint8Array; contentType: string }> {
  return providerCall(() => readMedia(url, limit, timeoutMs));
}

async function readMedia(url: string, limit: number, timeoutMs: number): Promise<{ bytes: Uint8Array; contentType: string }> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('media link is not http(s)');
  const res = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`media link answered ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > limit) {
    await res.body.cancel();
    throw new MediaTooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new MediaTooLarge();
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return { bytes, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
}

/** LiveChat's file CDN (`upload_file` answers with links there); the Text brand serves the same files. */
const LIVECHAT_CDN_HOSTS = new Set(['cdn.livechat-files.com', 'cdn.files-text.com']);

/**
 * Whether an agent's file link is LiveChat's CDN: nothing else is fetched for WhatsApp. `apiUrl` is the configured
 * LiveChat API, whose `/cdn/` path serves files where LiveChat runs elsewhere (the sandbox).
 */
export function isLiveChatFileUrl(url: string, apiUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol === 'https:' && LIVECHAT_CDN_HOSTS.has(parsed.hostname)) return true;
  return parsed.origin === new URL(apiUrl).origin && parsed.pathname.startsWith('/cdn/');
}

const MB = 1024 * 1024;

/**
 * How WhatsApp takes a file of this type, and how large it may be (Meta's Cloud API media limits): JPEG and PNG
 * images up to 5 MB, MP4 and 3GPP video and the usual audio up to 16 MB, anything else as a document up to 100 MB.
 */
export function whatsappMediaOf(contentType: string): { kind: 'image' | 'video' | 'audio' | 'document'; limit: number } {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'image/jpeg' || type === 'image/png') return { kind: 'image', limit: 5 * MB };
  if (type === 'video/mp4' || type === 'video/3gpp') return { kind: 'video', limit: 16 * MB };
  if (['audio/aac', 'audio/mp4', 'audio/mpeg', 'audio/amr', 'audio/ogg'].includes(type)) return { kind: 'audio', limit: 16 * MB };
  return { kind: 'document', limit: 100 * MB };
}
