import { useState } from 'react';
import { SegmentedControl, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import { QueryState } from '../../../lib/query-state.tsx';
import type { Usage } from '@wa/contracts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useUsage } from '../api/get-usage.ts';

const COLORS = ['#25d366', '#0a7cff', '#ff8a00', '#8e44ad', '#e0245e', '#00a884'];
const CHART_HEIGHT = 140;

function niceMax(n: number): number {
  if (n <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

const shortDate = (d: string) =>
  new Date(`${d}T12:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Stacked bars: conversations opened per day, one colour per number. Plain SVG, no chart library. */
function UsageChart({ usage }: { usage: Usage }) {
  const color = new Map(usage.numbers.map((n, i) => [n.id, COLORS[i % COLORS.length]!]));
  const name = new Map(usage.numbers.map((n) => [n.id, n.displayName]));
  const max = niceMax(Math.max(0, ...usage.days.map((d) => d.total)));
  const slot = 24;
  const width = usage.days.length * slot;
  const labelEvery = Math.ceil(usage.days.length / 8);
  return (
    <svg
      className="wa-chart"
      viewBox={`-28 -8 ${width + 36} ${CHART_HEIGHT + 30}`}
      role="img"
      aria-label={`${usage.total} conversations from ${shortDate(usage.from)} to ${shortDate(usage.to)}`}
      data-testid="usage-chart"
    >
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={0} x2={width} y1={CHART_HEIGHT * (1 - f)} y2={CHART_HEIGHT * (1 - f)} className="wa-chart__grid" />
          <text x={-6} y={CHART_HEIGHT * (1 - f) + 4} className="wa-chart__axis" textAnchor="end">
            {Math.round(max * f)}
          </text>
        </g>
      ))}
      {usage.days.map((d, i) => {
        let y = CHART_HEIGHT;
        return (
          <g key={d.date} data-testid={`usage-day-${d.date}`} data-total={d.total}>
            {d.byNumber.map((b) => {
              const h = (b.count / max) * CHART_HEIGHT;
              y -= h;
              return (
                <rect key={b.numberId} x={i * slot + 4} y={y} width={slot - 8} height={h} rx={2} fill={color.get(b.numberId) ?? COLORS[0]}>
                  <title>{`${shortDate(d.date)} · ${name.get(b.numberId) ?? 'Number'}: ${b.count}`}</title>
                </rect>
              );
            })}
            {i % labelEvery === 0 && (
              <text x={i * slot + slot / 2} y={CHART_HEIGHT + 18} className="wa-chart__axis" textAnchor="middle">
                {shortDate(d.date)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** C.4: how many conversations the organization opened, per day and per number. */
export function UsageCard() {
  const [days, setDays] = useState(30);
  const usage = useUsage(days);
  return (
    <Card title="Usage">
      <div className="wa-stack">
        <div className="wa-row wa-row--between">
          <Text size="sm" className="wa-muted">
            Conversations opened per day (released ones are not counted).
          </Text>
          <SegmentedControl
            size="compact"
            currentId={String(days)}
            buttons={[
              { id: '7', label: '7 days' },
              { id: '30', label: '30 days' },
              { id: '90', label: '90 days' },
            ]}
            onButtonClick={(id) => setDays(Number(id))}
          />
        </div>
        <QueryState query={usage} failed="Couldn't load usage." size="sm">
          {(data) => (
            <>
              <UsageChart usage={data} />
              {data.total === 0 && (
                <Text size="sm" className="wa-muted" textAlign="center" data-testid="usage-empty">
                  No conversations were opened in these {days} days.
                </Text>
              )}
              <div className="wa-legend" data-testid="usage-legend">
                <Text as="span" size="sm" bold data-testid="usage-total">
                  {data.total} conversation{data.total === 1 ? '' : 's'} in total
                </Text>
                {data.numbers.map((n, i) => (
                  <Text as="span" size="sm" key={n.id} className="wa-legend__item" data-testid={`usage-number-${n.id}`}>
                    <span className="wa-legend__swatch" style={{ background: COLORS[i % COLORS.length] }} />
                    {n.displayName} ({formatPhone(n.number)}): {n.total}
                  </Text>
                ))}
              </div>
            </>
          )}
        </QueryState>
      </div>
    </Card>
  );
}
