import type { ComponentProps } from 'react';
import { Alert, Button } from '@livechat/design-system-react-components';

type InlineAlertProps = Omit<ComponentProps<typeof Alert>, 'primaryButton' | 'secondaryButton'> & {
  /** `alert` for errors that need attention now; the design system's Alert cannot take a role itself. */
  role?: 'alert' | 'status';
  /** Adds a "Try again" link. (The Alert's own button props leak `handleClick` onto the DOM.) */
  onRetry?: () => void;
};

/** The design system's Alert, announced to screen readers, with an optional retry. */
export function InlineAlert({ role, onRetry, children, ...props }: InlineAlertProps) {
  return (
    <div role={role}>
      <Alert {...props}>
        {children}
        {onRetry && (
          <>
            {' '}
            <Button kind="link" size="xcompact" onClick={onRetry}>
              Try again
            </Button>
          </>
        )}
      </Alert>
    </div>
  );
}
