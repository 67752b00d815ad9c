import { downloadAndSave } from '../../../lib/save-file.ts';

/** L.11e: everything held about the organization, as the BFF's ZIP of JSON and CSV, saved from the iframe. */
export async function downloadDataExport(): Promise<string> {
  return downloadAndSave('/api/privacy/export.zip', 'whatsapp-data-export.zip');
}
