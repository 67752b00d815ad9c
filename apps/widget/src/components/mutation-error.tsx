import { Text } from '@livechat/design-system-react-components';
import { errorMessage } from '../lib/api-client.ts';

/** Why a change failed, in words, announced to screen readers; nothing while it has not failed. */
export function MutationError({ mutation, inline = false }: { mutation: { isError: boolean; error: unknown }; inline?: boolean }) {
  if (!mutation.isError) return null;
  return (
    <Text as={inline ? 'span' : undefined} size="sm" className="wa-error-text" role="alert">
      {errorMessage(mutation.error)}
    </Text>
  );
}
