/**
 * Stands in for `qs` inside @livechat/accounts-sdk (aliased in vite.config.ts). The popup flow only stringifies
 * and parses flat objects of strings; real `qs` brings ~18 KB gzip of polyfill-style dependencies for that.
 */

// Like qs's default (RFC 3986) encoder: everything but unreserved characters is percent-encoded.
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function stringify(obj: Record<string, unknown> | null | undefined): string {
  return Object.entries(obj ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encode(k)}=${encode(v === null ? '' : String(v))}`)
    .join('&');
}

export function parse(str: string, options?: { ignoreQueryPrefix?: boolean }): Record<string, string> {
  const input = options?.ignoreQueryPrefix || str.startsWith('?') ? str.replace(/^\?/, '') : str;
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(input)) if (!(k in out)) out[k] = v;
  return out;
}

export default { stringify, parse };
