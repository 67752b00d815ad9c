import { Button, Text } from '@livechat/design-system-react-components';
import type { Role } from '@wa/contracts';
import { sessionStore } from '../../../lib/auth/session.ts';
import { useMe } from '../api/get-me.ts';

const ROLE_LABEL: Record<Role, string> = { owner: 'Owner', admin: 'Admin', agent: 'Agent' };

/** "Jane Doe · Agent" and a sign-out link, kept small: it is context, not content. */
export function AccountSummary() {
  const me = useMe();
  return (
    <div className="wa-account" data-testid="account-summary">
      <Text as="span" size="sm" className="wa-muted wa-ellipsis">
        {me.data ? (
          <>
            <span data-testid="account-name">{me.data.name ?? me.data.email ?? 'Signed in'}</span>
            {' · '}
            <span data-testid="account-role">{ROLE_LABEL[me.data.role]}</span>
          </>
        ) : me.isError ? (
          "Couldn't load your account"
        ) : (
          'Signed in'
        )}
      </Text>
      <Button kind="text" size="xcompact" onClick={() => sessionStore.signOut(null)}>
        Sign out
      </Button>
    </div>
  );
}
