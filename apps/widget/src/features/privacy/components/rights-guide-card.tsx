import { Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';

const RIGHTS: { title: string; says: string }[] = [
  {
    title: 'See what is held',
    says: 'Dates and kinds of messages, conversations, campaigns, opt-out and restriction. Message text is never stored.',
  },
  {
    title: 'Erase',
    says: 'The number is replaced by a keyed hash and its history anonymised. An opt-out stays in force; your balance does not move.',
  },
  {
    title: 'Restrict processing',
    says: 'Nothing more is sent to the number, by agents or campaigns, and the reason is kept. You can lift it later.',
  },
  { title: 'Withdraw consent', says: 'Counts as an opt-out: the number joins your suppression list, as if the customer replied STOP.' },
];

/** L.11: what each of a customer's rights does, beside the lookup. */
export function RightsGuideCard() {
  return (
    <Card title="Your customers' rights">
      <ul className="wa-list" data-testid="privacy-rights-guide">
        {RIGHTS.map((r) => (
          <li key={r.title} className="wa-list__item">
            <div className="wa-stack wa-stack--tight">
              <Text as="span" bold>
                {r.title}
              </Text>
              <Text as="span" size="sm" className="wa-muted">
                {r.says}
              </Text>
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}
