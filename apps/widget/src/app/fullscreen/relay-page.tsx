import { useQuery } from '@tanstack/react-query';
import { Heading, Text } from '@livechat/design-system-react-components';
import { useMe } from '../../features/auth/api/get-me.ts';
import { publicConfigQueryOptions } from '../../features/auth/api/get-public-config.ts';
import { RelaySettings } from '../../features/relay/components/relay-settings.tsx';
import './relay.css';

/** WhatsApp chats in LiveChat: customers' WhatsApp messages become chats that agents answer where they work. */
export default function RelayPage() {
  const canManage = useMe().data?.canManage ?? false;
  const config = useQuery(publicConfigQueryOptions());
  const accounts = config.data ? { accountsUrl: config.data.accountsUrl, clientId: config.data.clientId } : null;
  return (
    <div className="wa-stack wa-page">
      <div className="wa-stack wa-stack--tight">
        <Heading size="sm" as="h2">
          WhatsApp chats in LiveChat
        </Heading>
        <Text size="sm" className="wa-muted">
          When a customer writes to one of your WhatsApp numbers, a chat opens in LiveChat, and your agents answer it there. Files,
          reactions and replies come through; agents-only notes tell them when WhatsApp's rules stop a message.
        </Text>
      </div>
      <RelaySettings canManage={canManage} accounts={accounts} />
    </div>
  );
}
