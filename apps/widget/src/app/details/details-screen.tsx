import { useMemo, useState } from 'react';
import { Text } from '@livechat/design-system-react-components';
import type { WhatsAppNumber } from '@wa/contracts';
import { errorMessage } from '../../lib/api-client.ts';
import { useCustomerProfile, useLiveChatWidget } from '../../lib/livechat/hooks.tsx';
import type { CustomerProfile } from '../../lib/livechat/types.ts';
import { useNumbers } from '../../features/numbers/api/get-numbers.ts';
import { useRelayChat } from '../../features/relay/api/relay.ts';
import { RelayChatCard } from '../../features/relay/components/relay-chat-card.tsx';
import { SendForm } from './send-form.tsx';

function defaultNumber(numbers: WhatsAppNumber[]): WhatsAppNumber | null {
  return numbers.find((n) => n.canSend) ?? numbers[0] ?? null;
}

function customerKey(profile: CustomerProfile | null): string {
  return profile ? `${profile.id}|${profile.chat?.id ?? ''}` : 'none';
}

/** A chat that came from WhatsApp names its customer's number: offer it as the recipient, as a pre-chat answer would. */
function withWhatsAppNumber(profile: CustomerProfile | null, whatsApp: string | null): CustomerProfile | null {
  if (!profile || !whatsApp) return profile;
  const survey = [{ question: 'WhatsApp number', answer: whatsApp }, ...(profile.chat?.preChatSurvey ?? [])];
  return { ...profile, chat: { ...profile.chat, preChatSurvey: survey } };
}

/** The sidebar's main screen: everything needed to send one template to the customer of the open chat. */
export default function DetailsScreen() {
  const livechatProfile = useCustomerProfile();
  const chatId = livechatProfile?.chat?.id ?? null;
  const relayChat = useRelayChat(chatId).data ?? null;
  const whatsApp = relayChat?.customer ?? null;
  const profile = useMemo(() => withWhatsAppNumber(livechatProfile, whatsApp), [livechatProfile, whatsApp]);
  const { status } = useLiveChatWidget();
  const numbers = useNumbers();
  // The sending number and template survive a switch to another chat; the customer's details do not.
  const [numberId, setNumberId] = useState<string | null>(null);
  const [templateChoice, setTemplateChoice] = useState<string | null>(null);

  const numberList = numbers.data ?? [];
  const number =
    numberList.find((n) => n.id === numberId) ?? numberList.find((n) => n.id === relayChat?.numberId) ?? defaultNumber(numberList);

  return (
    <div className="wa-stack">
      {!profile && status !== 'ready' && (
        <Text size="sm" className="wa-muted" data-testid="livechat-status">
          {status === 'failed' ? "Couldn't connect to LiveChat. Reload the app to see this chat's customer." : 'Connecting to LiveChat…'}
        </Text>
      )}
      <RelayChatCard chatId={chatId} />
      <SendForm
        key={`${customerKey(profile)}|${relayChat ? 'whatsapp' : ''}`}
        profile={profile}
        numbersState={numbers.isPending ? 'loading' : numbers.isError ? 'error' : 'ready'}
        numbersError={numbers.isError ? errorMessage(numbers.error) : null}
        onRetryNumbers={() => void numbers.refetch()}
        numbers={numberList}
        number={number}
        onNumberChange={setNumberId}
        templateChoice={templateChoice}
        onTemplateChange={setTemplateChoice}
      />
    </div>
  );
}
