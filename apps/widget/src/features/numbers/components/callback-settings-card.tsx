import { useState } from 'react';
import { Button, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import { QueryState } from '../../../lib/query-state.tsx';
import { useCallbackSettings } from '../api/manage-numbers.ts';

function Row({ label, value, secret, testId }: { label: string; value: string; secret?: boolean; testId: string }) {
  const [shown, setShown] = useState(!secret);
  const [copied, setCopied] = useState(false);
  return (
    <div className="wa-kv">
      <Text as="span" size="sm" className="wa-muted">
        {label}
      </Text>
      <code className="wa-code" data-testid={testId} data-value={value}>
        {shown ? value : '•'.repeat(16)}
      </code>
      <div className="wa-row">
        {secret && (
          <Button kind="text" size="xcompact" onClick={() => setShown(!shown)}>
            {shown ? 'Hide' : 'Show'}
          </Button>
        )}
        <Button
          kind="text"
          size="xcompact"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  );
}

/** What to enter in Kaleyra's console so delivery statuses and customer replies reach this app. */
export function CallbackSettingsCard() {
  const settings = useCallbackSettings(true);
  return (
    <Card title="Kaleyra callback settings">
      <div className="wa-stack" data-testid="callback-settings">
        <Text size="sm" className="wa-muted">
          In your Kaleyra console, give each number a callback profile with these URLs and Basic authentication (API v2), or set the
          incoming URL on the number (API v1). They are the same for every number of your organization.
        </Text>
        <QueryState query={settings} failed="Couldn't load the settings." size="sm">
          {(data) => (
            <div className="wa-stack wa-stack--tight">
              <Row label="Status URL" value={data.statusUrl} testId="callback-status-url" />
              <Row label="Incoming URL" value={data.incomingUrl} testId="callback-incoming-url" />
              <Row label="Username" value={data.username} testId="callback-username" />
              <Row label="Password" value={data.password} secret testId="callback-password" />
            </div>
          )}
        </QueryState>
      </div>
    </Card>
  );
}
