import { Text } from '@livechat/design-system-react-components';
import type { ConversationCategory } from '@wa/contracts';
import { errorMessage } from '../../../lib/api-client.ts';
import { useQuote } from '../api/get-quote.ts';
import { formatTime } from '../utils/format-time.ts';

interface CostPreviewProps {
  numberId: string | null;
  to: string | null;
  category: ConversationCategory | null;
}

/** What this send costs: a new conversation from the balance, or nothing while one is open, and until when. */
export function CostPreview({ numberId, to, category }: CostPreviewProps) {
  const quote = useQuote({ numberId: numberId ?? undefined, to: to ?? undefined, category: category ?? undefined });
  if (!numberId || !to || !category) return null;

  let content;
  let detail: string | null = null;
  let tone = '';
  if (quote.isPending) {
    tone = 'wa-muted';
    content = 'Checking the cost…';
  } else if (quote.isError) {
    tone = 'wa-error-text';
    content = `Couldn't check the cost. ${errorMessage(quote.error)}`;
  } else if (quote.data.opensConversation) {
    const { cost, remaining, conversationOpenUntil: until } = quote.data;
    if (remaining < cost) {
      tone = 'wa-error-text';
      content = `Opens a conversation, but none are left (${remaining} remaining).`;
    } else if (cost === 0) {
      content = 'Opens a conversation: free for this category';
      detail = until ? `Messages of this kind are free until ${formatTime(until)}.` : null;
    } else {
      content = `Opens a conversation: uses ${cost} of ${remaining}`;
      detail = until ? `Further messages of this kind are free until ${formatTime(until)}.` : null;
    }
  } else {
    const until = quote.data.conversationOpenUntil;
    const on = quote.data.ridesOn ? `open ${quote.data.ridesOn} conversation` : 'open conversation';
    content = until ? `Free: rides on the ${on} until ${formatTime(until)}` : `Free: rides on the ${on}`;
  }

  return (
    <div className={`wa-cost ${tone}`} data-testid="cost-preview-box">
      <Text as="div" size="sm" data-testid="cost-preview" aria-live="polite">
        {content}
      </Text>
      {detail && (
        <Text as="div" size="sm" className="wa-muted" data-testid="cost-preview-detail">
          {detail}
        </Text>
      )}
    </div>
  );
}
