import type { TemplateCategory } from '@wa/contracts';
import type { SelectOption } from '../../../components/select.tsx';

export const CATEGORY_OPTIONS: SelectOption<TemplateCategory>[] = [
  { value: 'marketing', label: 'Marketing' },
  { value: 'utility', label: 'Utility' },
  { value: 'authentication', label: 'Authentication' },
];

/** A WhatsApp language as "English (US) (en_US)": the code tells close variants apart. */
export const languageOptions = (languages: readonly { code: string; name: string }[]): SelectOption[] =>
  languages.map((l) => ({ value: l.code, label: `${l.name} (${l.code})` }));
