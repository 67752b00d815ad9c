import type { ComponentProps, ReactNode } from 'react';
import { Card as DsCard, Heading, Text } from '@livechat/design-system-react-components';

type CardProps = Omit<ComponentProps<typeof DsCard>, 'title' | 'description'> & {
  title?: ReactNode;
  description?: ReactNode;
  /**
   * The title's heading level. The design system's Card always renders an h5, which breaks the page's heading
   * order for screen readers (h1 → h5); our cards sit under the page's h1 or a section's h2.
   */
  level?: 2 | 3 | 4;
};

const TAGS = { 2: 'h2', 3: 'h3', 4: 'h4' } as const;

/** The design system's Card, with a title at the heading level its place on the page calls for. */
export function Card({ title, description, level = 2, children, ...props }: CardProps) {
  return (
    <DsCard {...props}>
      {title !== undefined && (
        <div className="wa-card__header">
          <Heading size="xs" as={TAGS[level]} className="wa-card__title">
            {title}
          </Heading>
          {description && (
            <Text size="sm" className="wa-card__description">
              {description}
            </Text>
          )}
        </div>
      )}
      {children}
    </DsCard>
  );
}
