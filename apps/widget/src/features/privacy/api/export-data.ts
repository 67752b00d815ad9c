import { apiDownload } from '../../../lib/api-client.ts';
import { saveFile } from '../../../lib/save-file.ts';

/** L.11e: everything held about the organization, as the BFF's ZIP of JSON and CSV, saved from the iframe. */
export async function downloadDataExport(): Promise<string> {
  const { blob, filename } = await apiDownload('/api/privacy/export.zip');
  const name = filename ?? 'whatsapp-data-export.zip';
  saveFile(blob, name);
  return name;
}
