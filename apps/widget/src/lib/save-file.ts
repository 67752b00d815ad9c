import { apiDownload } from './api-client.ts';

/** Saves a file from inside the widget's iframe: a click on a temporary object-URL link. */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Downloads a file the BFF serves behind the bearer token (so a plain link cannot fetch it) and saves it under the
 * server's name, or `fallbackName`. Resolves with the name it was saved as.
 */
export async function downloadAndSave(path: string, fallbackName: string): Promise<string> {
  const { blob, filename } = await apiDownload(path);
  const name = filename ?? fallbackName;
  saveFile(blob, name);
  return name;
}
