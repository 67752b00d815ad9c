import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { Template } from '@wa/contracts';
import { json, mockFetch } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest } from '../../../test/render.tsx';
import { NewCampaign } from './new-campaign.tsx';
import type { TemplateChoice } from './campaigns-screen.tsx';

const template: Template = {
  name: 'autumn_drop',
  language: 'en_US',
  category: 'utility',
  status: 'approved',
  header: null,
  body: 'Hi {{1}}, the new collection is here.',
  footer: null,
  buttons: [
    { type: 'QUICK_REPLY', text: 'Interested' },
    { type: 'URL', text: 'Shop now' },
    { type: 'QUICK_REPLY', text: 'Stop' },
  ],
  variableCount: 1,
  rejectedReason: null,
  headerFormat: 'image',
  richButtons: [
    { type: 'quick_reply', text: 'Interested', url: null, dynamic: false },
    { type: 'url', text: 'Shop now', url: 'https://shop.test/{{1}}', dynamic: true },
    { type: 'quick_reply', text: 'Stop', url: null, dynamic: false },
  ],
};
const choice: TemplateChoice = { numberId: 'n-1', number: '+48221234567', canSend: true, template };

function renderForm() {
  renderWithQueries(
    <NewCampaign
      renderSource={({ onChange }) => (
        <button type="button" onClick={() => onChange(choice)}>
          pick
        </button>
      )}
      renderPreview={() => null}
      onCancel={() => {}}
      onCreated={() => {}}
    />,
  );
  fireEvent.click(screen.getByText('pick'));
  fireEvent.click(screen.getByText('Paste numbers'));
  fireEvent.change(screen.getByTestId('campaign-paste'), { target: { value: '+48601234567' } });
}

const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('NewCampaign: quick-reply payloads', () => {
  signedInForEachTest();

  it('off by default: the campaign fills the body, the header link and the link ending, and asks for no payloads', async () => {
    const { calls } = mockFetch({ 'POST /api/campaigns': () => json(500, {}) });
    renderForm();
    expect(screen.queryByLabelText('Fallback for “Interested” reply payload')).toBeNull();
    fill('Fallback for {{1}}', 'Ann');
    fill('Fallback for Header image link (https)', 'https://cdn.test/a.png');
    fill('Fallback for “Shop now” link ending', 'autumn');
    fireEvent.click(screen.getByTestId('campaign-check'));
    await waitFor(() => expect(calls.length).toBe(1));
    const settings = JSON.parse(calls[0]!.url.searchParams.get('settings')!);
    expect(settings.fallbacks).toEqual(['Ann', 'https://cdn.test/a.png', 'autumn']);
    expect(settings).not.toHaveProperty('quickReplyPayloads');
  });

  it('turned on, each quick reply gets a value in button order (its label by default), and the values typed so far stay with their slot', async () => {
    const { calls } = mockFetch({ 'POST /api/campaigns': () => json(500, {}) });
    renderForm();
    fill('Fallback for {{1}}', 'Ann');
    fill('Fallback for Header image link (https)', 'https://cdn.test/a.png');
    fill('Fallback for “Shop now” link ending', 'autumn');
    fireEvent.click(screen.getByRole('checkbox', { name: /quick reply sends back/ }));
    expect(screen.getByLabelText('Fallback for “Interested” reply payload').getAttribute('placeholder')).toBe('Default: Interested');
    expect((screen.getByLabelText('Fallback for “Shop now” link ending') as HTMLInputElement).value).toBe('autumn');
    fill('Fallback for “Interested” reply payload', 'lead-autumn');
    fireEvent.click(screen.getByTestId('campaign-check'));
    await waitFor(() => expect(calls.length).toBe(1));
    const settings = JSON.parse(calls[0]!.url.searchParams.get('settings')!);
    expect(settings.quickReplyPayloads).toBe(true);
    // {{1}}, the image link, then the buttons in order: “Interested”, the link ending, “Stop” (empty: its label).
    expect(settings.fallbacks).toEqual(['Ann', 'https://cdn.test/a.png', 'lead-autumn', 'autumn', '']);
    expect(settings.variableColumns).toEqual([null, null, null, null, null]);
  });
});
