import { FormField } from '@livechat/design-system-react-components';
import { META_LANGUAGES, type TemplateCategory } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { Select } from '../../../components/select.tsx';
import { CATEGORY_OPTIONS, languageOptions } from '../utils/select-options.ts';
import { DraftTextField } from './draft-text-field.tsx';
import type { TemplateSectionProps } from './template-section.ts';

const LANGUAGE_OPTIONS = languageOptions(META_LANGUAGES);

interface Props extends TemplateSectionProps {
  numbers: { id: string; number: string; displayName: string }[];
  setCategory: (category: TemplateCategory) => void;
}

/** The template's number, name, category and language. */
export function BasicsCard({ draft, errorOf, update, numbers, setCategory }: Props) {
  return (
    <Card title="Basics">
      <div className="wa-stack wa-stack--tight">
        {numbers.length > 1 && (
          <FormField labelText="WhatsApp Business Account" labelFor="wa-tpl-number">
            <Select
              id="wa-tpl-number"
              options={numbers.map((n) => ({ value: n.id, label: `${n.displayName} (${n.number})` }))}
              value={draft.numberId}
              onValueChange={(numberId) => update({ numberId })}
            />
          </FormField>
        )}
        <DraftTextField
          name="name"
          label="Name"
          description="Lowercase letters, digits and underscores, e.g. autumn_sale_2"
          draft={draft}
          errorOf={errorOf}
          update={update}
        />
        <div className="wa-row wa-studio__pair">
          <FormField labelText="Category" labelFor="wa-tpl-category">
            <Select
              id="wa-tpl-category"
              data-testid="tpl-category"
              options={CATEGORY_OPTIONS}
              value={draft.category}
              onValueChange={setCategory}
            />
          </FormField>
          <FormField labelText="Language" labelFor="wa-tpl-language" error={errorOf('language')}>
            <Select
              id="wa-tpl-language"
              data-testid="tpl-language"
              options={LANGUAGE_OPTIONS}
              value={draft.language}
              onValueChange={(language) => update({ language }, 'language')}
            />
          </FormField>
        </div>
      </div>
    </Card>
  );
}
