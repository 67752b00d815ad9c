import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import { formatPhone } from '../../../lib/format-phone.ts';
import { json, mockFetch, problem } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest } from '../../../test/render.tsx';
import { RelayChatCard } from './relay-chat-card.tsx';

function renderCard(chatId: string | null) {
  return renderWithQueries(<RelayChatCard chatId={chatId} />);
}

describe('RelayChatCard', () => {
  signedInForEachTest();

  it('shows the WhatsApp customer and business number of a chat that came from WhatsApp', async () => {
    const { calls } = mockFetch({
      'GET /api/relay/chats/PJ0MRSHTDG': () =>
        json(200, { chatId: 'PJ0MRSHTDG', customer: '+48555010203', numberId: 'num-1', number: '+48221234567', active: true }),
    });
    renderCard('PJ0MRSHTDG');
    expect((await screen.findByTestId('relay-chat-customer')).textContent).toBe(formatPhone('+48555010203'));
    expect(screen.getByTestId('relay-chat-number').textContent).toBe(formatPhone('+48221234567'));
    expect(calls[0]?.url.pathname).toBe('/api/relay/chats/PJ0MRSHTDG');
  });

  it('shows nothing for a chat that did not come from WhatsApp', async () => {
    const { calls } = mockFetch({
      'GET /api/relay/chats/chat-maria': () => problem(404, { code: 'not_found', detail: 'Not a WhatsApp chat' }),
    });
    const { container } = renderCard('chat-maria');
    await waitFor(() => expect(calls).toHaveLength(1));
    await waitFor(() => expect(container.textContent).toBe(''));
  });

  it('asks nothing without a chat', () => {
    const { calls } = mockFetch({});
    const { container } = renderCard(null);
    expect(container.textContent).toBe('');
    expect(calls).toHaveLength(0);
  });
});
