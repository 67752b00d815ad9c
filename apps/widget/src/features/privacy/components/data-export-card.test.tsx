import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { mockFetch, problem } from '../../../test/fetch-mock.ts';
import { signedInForEachTest } from '../../../test/render.tsx';
import { DataExportCard } from './data-export-card.tsx';

describe('DataExportCard', () => {
  signedInForEachTest({ savesFiles: true });

  it('L.11e: "Export all data" downloads the ZIP behind the bearer token and saves it under the server\'s name', async () => {
    const { calls } = mockFetch({
      'GET /api/privacy/export.zip': () =>
        new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
          status: 200,
          headers: {
            'Content-Type': 'application/zip',
            'Content-Disposition': 'attachment; filename="whatsapp-data-export-2026-11-25.zip"',
          },
        }),
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    render(<DataExportCard />);
    fireEvent.click(screen.getByTestId('privacy-export'));
    expect((await screen.findByText(/Saved whatsapp-data-export-2026-11-25\.zip/)).textContent).toBeTruthy();
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer token-1');
    expect(click).toHaveBeenCalledOnce();
  });

  it('L.11e: a refusal is shown, not swallowed', async () => {
    mockFetch({ 'GET /api/privacy/export.zip': () => problem(403, { code: 'forbidden', detail: 'Only owners and admins can do this.' }) });
    render(<DataExportCard />);
    fireEvent.click(screen.getByTestId('privacy-export'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/owners and admins/);
  });
});
