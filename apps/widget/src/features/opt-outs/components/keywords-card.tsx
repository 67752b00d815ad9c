import { useState } from 'react';
import { Button, Tag, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import type { OptOutKeywords } from '@wa/contracts';

/** The words that opt customers out (and back in), so owners know what customers can reply. */
const SHOWN = 12;

export function KeywordsCard({ keywords }: { keywords: OptOutKeywords | undefined }) {
  const [all, setAll] = useState(false);
  const optOut = keywords ? (all ? keywords.optOut : keywords.optOut.slice(0, SHOWN)) : [];
  return (
    <Card title="Opt-out keywords">
      <div className="wa-stack">
        <Text size="sm" className="wa-muted">
          A customer who replies with one of these words (any case, with or without accents), or taps a Stop button, is added to the list
          automatically and cannot be messaged until they reply with an opt-in word.
        </Text>
        {keywords ? (
          <>
            <div className="wa-row" style={{ flexWrap: 'wrap' }} data-testid="opt-out-keywords">
              {optOut.map((k) => (
                <Tag key={k} size="small">
                  {k}
                </Tag>
              ))}
              {keywords.optOut.length > SHOWN && (
                <Button kind="link" size="xcompact" onClick={() => setAll(!all)} data-testid="opt-out-keywords-toggle">
                  {all ? 'Show fewer' : `Show all ${keywords.optOut.length}`}
                </Button>
              )}
            </div>
            <Text size="sm" bold>
              Opt back in
            </Text>
            <div className="wa-row" style={{ flexWrap: 'wrap' }} data-testid="opt-in-keywords">
              {keywords.optIn.map((k) => (
                <Tag key={k} size="small" kind="success">
                  {k}
                </Tag>
              ))}
            </div>
            <Text size="sm" className="wa-muted">
              Opting back in only undoes the customer's own opt-out, never an entry an owner added.
            </Text>
          </>
        ) : null}
      </div>
    </Card>
  );
}
