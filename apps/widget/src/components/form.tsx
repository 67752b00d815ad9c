import type { FormHTMLAttributes } from 'react';

/** A form that stays on the page: submitting it (a button or Enter) runs `onSubmit` instead of navigating. */
export function Form({ onSubmit, ...props }: Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> & { onSubmit: () => void }) {
  return (
    <form
      {...props}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    />
  );
}
