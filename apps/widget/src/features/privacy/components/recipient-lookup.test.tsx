import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { RecipientData } from '@wa/contracts';
import { json, mockFetch, problem } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest } from '../../../test/render.tsx';
import { recipientData } from '../utils/recipient-data.fixture.ts';
import { RecipientLookup } from './recipient-lookup.tsx';

const PHONE = '+48512345678';

function held(over: Partial<RecipientData> = {}): RecipientData {
  return recipientData({
    phone: PHONE,
    messages: [
      {
        id: 'm1',
        numberId: 'n1',
        direction: 'outbound',
        kind: 'template',
        templateName: 'login_code',
        category: 'authentication',
        status: 'read',
        createdAt: '2026-11-25T10:00:00.000Z',
      },
    ],
    ...over,
  });
}

function renderLookup() {
  return renderWithQueries(<RecipientLookup selfAccountId="acc-1" />);
}

function lookUp(value: string) {
  fireEvent.change(screen.getByTestId('privacy-phone'), { target: { value } });
  fireEvent.click(screen.getByTestId('privacy-lookup'));
}

describe('RecipientLookup', () => {
  signedInForEachTest();

  it('L.11a: a number without its country code is refused inline, and nothing is asked of the server', async () => {
    const { calls } = mockFetch({});
    renderLookup();
    lookUp('512 345 678');
    expect((await screen.findByText('Add the country code, e.g. +44')).textContent).toBeTruthy();
    lookUp('+48 abc');
    expect(await screen.findByText('A phone number has only digits')).toBeTruthy();
    expect(calls).toHaveLength(0);
    expect(screen.queryByTestId('privacy-result')).toBeNull();
  });

  it('L.11a: a formatted number is looked up as E.164 and what is held is shown in words', async () => {
    const { calls } = mockFetch({ 'GET /api/privacy/recipients': () => json(200, held()) });
    renderLookup();
    lookUp('0048 512 345 678');
    expect((await screen.findByTestId('privacy-fact-messages')).textContent).toMatch(/1 message.*1 sent to them/);
    expect(calls[0]!.url.searchParams.get('phone')).toBe(PHONE);
    expect(screen.getByTestId('privacy-can-message').textContent).toMatch(/can message this number/);
  });

  it('L.11c: restricting needs a reason, then shows the refreshed data and says it is done', async () => {
    let current = held();
    const { calls } = mockFetch({
      'GET /api/privacy/recipients': () => json(200, current),
      'POST /api/privacy/recipients/restrict': (req) => {
        current = held({ restriction: { reason: (req.body as { reason: string }).reason, by: 'acc-1', at: '2026-11-25T11:00:00.000Z' } });
        return json(200, current);
      },
    });
    renderLookup();
    lookUp(PHONE);
    fireEvent.click(await screen.findByTestId('privacy-restrict'));
    fireEvent.click(screen.getByTestId('privacy-dialog-confirm'));
    expect(await screen.findByText(/Give a reason/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    fireEvent.change(screen.getByTestId('privacy-dialog-reason'), { target: { value: '  Disputes accuracy  ' } });
    fireEvent.click(screen.getByTestId('privacy-dialog-confirm'));
    expect((await screen.findByTestId('privacy-action-done')).textContent).toMatch(/restricted/);
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ phone: PHONE, reason: 'Disputes accuracy' });
    expect(screen.queryByTestId('privacy-dialog-restrict')).toBeNull();
    expect(screen.getByTestId('privacy-restriction').textContent).toBe('Restricted on Nov 25, 2026, by you. Reason: Disputes accuracy');
    expect(screen.getByTestId('privacy-unrestrict')).toBeTruthy();
  });

  it('L.11b: erasing explains it cannot be undone; a refusal stays in the dialog, in words', async () => {
    mockFetch({
      'GET /api/privacy/recipients': () => json(200, held()),
      'POST /api/privacy/recipients/erase': () => problem(403, { code: 'forbidden', detail: 'Only owners and admins can do this.' }),
    });
    renderLookup();
    lookUp(PHONE);
    fireEvent.click(await screen.findByTestId('privacy-erase'));
    const dialog = screen.getByTestId('privacy-dialog-erase');
    expect(dialog.textContent).toMatch(/cannot be undone.*keyed hash.*stays in force.*balance and bills do not change/s);
    fireEvent.click(screen.getByTestId('privacy-dialog-confirm'));
    expect((await screen.findByTestId('privacy-dialog-error')).textContent).toMatch(/Only the owner or an administrator/);
    expect(screen.queryByTestId('privacy-action-done')).toBeNull();
  });

  it('L.11d: withdrawing consent without a reason sends only the number; the opt-out shows afterwards', async () => {
    let current = held();
    const { calls } = mockFetch({
      'GET /api/privacy/recipients': () => json(200, current),
      'POST /api/privacy/recipients/withdraw-consent': () => {
        current = held({ optOut: { source: 'consent_withdrawn', reason: null, at: '2026-11-25T11:00:00.000Z' } });
        return json(200, current);
      },
    });
    renderLookup();
    lookUp(PHONE);
    fireEvent.click(await screen.findByTestId('privacy-withdraw-consent'));
    fireEvent.click(screen.getByTestId('privacy-dialog-confirm'));
    await waitFor(() => expect(screen.getByTestId('privacy-opt-out').textContent).toMatch(/withdrew their consent/));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ phone: PHONE });
    expect((screen.getByTestId('privacy-withdraw-consent') as HTMLButtonElement).disabled).toBe(true);
  });
});
