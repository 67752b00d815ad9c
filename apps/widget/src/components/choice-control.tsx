import type { HTMLAttributes } from 'react';
import { SegmentedControl } from '@livechat/design-system-react-components';

export interface Choice<T extends string> {
  id: T;
  label: string;
}

/** One of a few ways to go on, as the design system's segmented control, typed by its choices' ids. */
export function ChoiceControl<T extends string>({
  value,
  choices,
  onChange,
  ...props
}: Omit<HTMLAttributes<HTMLDivElement>, 'onChange'> & { value: T; choices: readonly Choice<T>[]; onChange: (id: T) => void }) {
  return <SegmentedControl size="compact" currentId={value} buttons={[...choices]} onButtonClick={(id) => onChange(id as T)} {...props} />;
}
