import { useState } from 'react';
import { Button, Checkbox, Link, Text } from '@livechat/design-system-react-components';
import type { Account } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { useAcceptTerms } from '../api/accept-terms.ts';
import { formatTermsDate } from './terms-date.ts';
import { Gate } from './gate.tsx';

/** Before first use: the owner reads the terms in force (the link comes from the BFF's configuration) and accepts them. */
export function TermsAcceptance({ account }: { account: Account }) {
  const [agreed, setAgreed] = useState(false);
  const accept = useAcceptTerms();
  const { terms } = account;
  return (
    <Gate
      testId="terms-acceptance"
      title="Accept the WhatsApp Business terms"
      intro={
        <>
          Before anyone in your organization can send WhatsApp messages or buy plans and conversation packages, you, as the owner, accept
          the terms in force, effective {formatTermsDate(terms.effectiveDate)}.
        </>
      }
    >
      <ul className="wa-gate__points">
        <li>Plans are billed per WhatsApp number, every month or year, on your LiveChat invoice.</li>
        <li>Conversations you buy carry over from month to month, and are lost if you uninstall the app or close your LiveChat account.</li>
        <li>The first number's plan has a 14-day money-back guarantee for new customers; packages are never refunded.</li>
        <li>We keep only metadata of your messages, never their content.</li>
      </ul>
      <Text>
        <Link href={terms.currentUrl} target="_blank" rel="noopener noreferrer" data-testid="terms-link">
          Read the full terms (version of {formatTermsDate(terms.effectiveDate)})
        </Link>
      </Text>
      <Checkbox
        checked={agreed}
        onChange={(e) => setAgreed((e.target as HTMLInputElement).checked)}
        data-testid="terms-agree"
        disabled={accept.isPending}
      >
        I have read the terms and accept them on behalf of my organization.
      </Checkbox>
      {accept.isError && (
        <InlineAlert kind="error" role="alert">
          {errorMessage(accept.error)}
        </InlineAlert>
      )}
      <Button
        kind="primary"
        disabled={!agreed}
        loading={accept.isPending}
        onClick={() => accept.mutate(terms.currentVersion)}
        data-testid="terms-accept"
      >
        Accept and continue
      </Button>
    </Gate>
  );
}

/** What agents and admins see until the owner has accepted. */
export function WaitingForOwner({ account }: { account: Account }) {
  return (
    <Gate
      testId="terms-waiting"
      title="Waiting for the owner"
      intro={
        <>
          The owner of your LiveChat organization has to accept the WhatsApp Business terms before messages can be sent from here. Ask them
          to open the WhatsApp Business app.
        </>
      }
    >
      <Text size="sm" className="wa-muted">
        <Link href={account.terms.currentUrl} target="_blank" rel="noopener noreferrer">
          Read the terms
        </Link>
      </Text>
    </Gate>
  );
}
