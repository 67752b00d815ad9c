import { Loader, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../components/inline-alert.tsx';
import { useMe } from '../../features/auth/api/get-me.ts';
import { RecipientLookup } from '../../features/privacy/components/recipient-lookup.tsx';
import { RightsGuideCard } from '../../features/privacy/components/rights-guide-card.tsx';
// The Account tab's fact list (`wa-facts`) lays out what is held.
import './account.css';
import './privacy.css';

/** L.11a–d: a customer's rights over what the app holds about their number. Owners and admins only. */
export default function PrivacyPage() {
  const me = useMe();
  if (me.isPending) return <Loader size="small" />;
  if (me.data && !me.data.canManage) {
    return (
      <InlineAlert kind="info" data-testid="privacy-managers-only">
        Only the owner or an administrator of your LiveChat organization can look up what is held about a customer, erase it or restrict it.
        If a customer asks you about their data, pass the request on to one of them.
      </InlineAlert>
    );
  }
  return (
    <div className="wa-stack wa-privacy" data-testid="privacy-page">
      <Text className="wa-muted">
        When a customer asks what your business holds about them, or asks you to erase it, to stop using it or to stop messaging them, look
        up their number here (terms L.11). Only metadata is held: when and how messages went, never what they said.
      </Text>
      <div className="wa-grid wa-grid--wide">
        <RecipientLookup selfAccountId={me.data?.accountId} />
        <RightsGuideCard />
      </div>
    </div>
  );
}
