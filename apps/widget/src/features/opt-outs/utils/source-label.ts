import type { OptOutSource } from '@wa/contracts';

export const SOURCE_LABEL: Record<OptOutSource, string> = {
  keyword: 'Replied STOP',
  button: 'Tapped Stop',
  manual: 'Added by an owner',
  import: 'Imported',
  consent_withdrawn: 'Withdrew consent',
};

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

export function formatDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}
