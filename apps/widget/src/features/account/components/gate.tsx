import type { ReactNode } from 'react';
import { Heading, Text } from '@livechat/design-system-react-components';

/** A page that stands in for the app until something about the account is settled: what, why, and what to do. */
export function Gate({ testId, title, intro, children }: { testId: string; title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <div className="wa-gate" data-testid={testId}>
      <Heading size="sm" as="h2">
        {title}
      </Heading>
      <Text size="md">{intro}</Text>
      {children}
    </div>
  );
}
