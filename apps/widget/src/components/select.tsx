import type { ReactNode, SelectHTMLAttributes } from 'react';

export interface SelectOption<V extends string | number = string | number> {
  value: V;
  label: ReactNode;
}

type SelectProps<V extends string> = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'children' | 'onChange'> & {
  options: readonly SelectOption<V | number>[];
  /** Called with the chosen option's value, as the string the DOM holds. */
  onValueChange: (value: V) => void;
};

/** A native select in the design system's look (its own has no native keyboard and form behaviour). */
export function Select<V extends string = string>({ options, onValueChange, className, ...props }: SelectProps<V>) {
  return (
    <select className={className ? `wa-select ${className}` : 'wa-select'} onChange={(e) => onValueChange(e.target.value as V)} {...props}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
