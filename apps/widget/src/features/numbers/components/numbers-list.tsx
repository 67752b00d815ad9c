import { Tag, Text } from '@livechat/design-system-react-components';
import { QueryCard } from '../../../components/query-card.tsx';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useNumbers } from '../api/get-numbers.ts';
import { PLAN_STATUS } from '../utils/plan-status.ts';

/** The organization's WhatsApp numbers with their plan status, for the fullscreen overview. */
export function NumbersList() {
  const numbers = useNumbers();
  return (
    <QueryCard title="WhatsApp numbers" query={numbers} failed="Couldn't load the numbers.">
      {(data) =>
        data.length === 0 ? (
          <Text className="wa-muted" data-testid="numbers-empty">
            No WhatsApp number is connected yet.
          </Text>
        ) : (
          <ul className="wa-list" data-testid="numbers-list">
            {data.map((n) => {
              const plan = PLAN_STATUS[n.planStatus];
              return (
                <li key={n.id} className="wa-list__item" data-testid={`number-${n.id}`}>
                  <div className="wa-stack wa-stack--tight">
                    <Text as="span" bold>
                      {n.displayName}
                    </Text>
                    <Text as="span" size="sm" className="wa-muted">
                      {formatPhone(n.number)} · API {n.apiVersion}
                    </Text>
                    {!n.canSend && n.cannotSendReason && (
                      <Text as="span" size="sm" className="wa-warning-text">
                        {n.cannotSendReason}
                      </Text>
                    )}
                  </div>
                  <Tag kind={plan.kind} size="small" className="wa-no-shrink" data-testid={`number-plan-${n.id}`}>
                    {plan.label}
                  </Tag>
                </li>
              );
            })}
          </ul>
        )
      }
    </QueryCard>
  );
}
