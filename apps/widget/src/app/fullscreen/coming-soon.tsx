import { Text } from '@livechat/design-system-react-components';

export function ComingSoon({ what }: { what: string }) {
  return (
    <Text className="wa-muted" data-testid="coming-soon">
      {what} will be here soon.
    </Text>
  );
}
