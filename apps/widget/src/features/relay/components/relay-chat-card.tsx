import { Text } from '@livechat/design-system-react-components';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useRelayChat } from '../api/relay.ts';

/**
 * For a chat that came from WhatsApp: whose it is and which business number they write to, so nobody types the
 * customer's number. Shows nothing for other chats.
 */
export function RelayChatCard({ chatId }: { chatId: string | null }) {
  const chat = useRelayChat(chatId);
  if (!chatId || chat.isPending || chat.data === null) return null;
  if (chat.isError) {
    return (
      <Text size="sm" className="wa-error-text" role="alert">
        Couldn't check whether this chat came from WhatsApp. {errorMessage(chat.error)}
      </Text>
    );
  }
  return (
    <section className="wa-relay-chat" aria-label="WhatsApp chat" data-testid="relay-chat">
      <Text size="sm" bold>
        WhatsApp chat {chat.data.active ? '' : '(archived)'}
      </Text>
      <dl className="wa-relay-chat__facts">
        <dt>Customer</dt>
        <dd data-testid="relay-chat-customer">{formatPhone(chat.data.customer)}</dd>
        <dt>Business number</dt>
        <dd data-testid="relay-chat-number">{formatPhone(chat.data.number)}</dd>
      </dl>
    </section>
  );
}
