import { useState } from 'react';
import { Button, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { useQuietHoursPolicy } from '../api/campaigns.ts';

/** D.5: marketing templates wait for each recipient's allowed local hours; the rules, on request. */
export function QuietHoursNote() {
  const [open, setOpen] = useState(false);
  const policy = useQuietHoursPolicy();
  return (
    <InlineAlert kind="info" data-testid="quiet-hours-note">
      <div className="wa-stack wa-stack--tight">
        <Text as="span">
          Marketing template: each customer is messaged only within the allowed hours of their local time. Customers outside them wait for
          their next window.{' '}
          <Button kind="link" size="xcompact" onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide the hours' : 'See the hours'}
          </Button>
        </Text>
        {open && policy.data && (
          <ul className="wa-plain-list" data-testid="quiet-hours-rules">
            {policy.data.rules.map((r) => (
              <li key={r.id}>
                {r.label}: {r.hours}
              </li>
            ))}
            <li>Everywhere else: {policy.data.defaultHours}</li>
          </ul>
        )}
      </div>
    </InlineAlert>
  );
}
