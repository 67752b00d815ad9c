import { FormField, Input } from '@livechat/design-system-react-components';
import { META_LANGUAGES, type TemplateCategory } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import type { TemplateSectionProps } from './template-section.ts';

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
            <select id="wa-tpl-number" className="wa-select" value={draft.numberId} onChange={(e) => update({ numberId: e.target.value })}>
              {numbers.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.displayName} ({n.number})
                </option>
              ))}
            </select>
          </FormField>
        )}
        <FormField
          labelText="Name"
          labelFor="wa-tpl-name"
          error={errorOf('name')}
          description="Lowercase letters, digits and underscores, e.g. autumn_sale_2"
        >
          <Input
            id="wa-tpl-name"
            className="wa-input-full"
            data-testid="tpl-name"
            value={draft.name}
            cropOnBlur={false}
            onChange={(e) => update({ name: e.target.value }, 'name')}
          />
        </FormField>
        <div className="wa-row wa-studio__pair">
          <FormField labelText="Category" labelFor="wa-tpl-category">
            <select
              id="wa-tpl-category"
              className="wa-select"
              data-testid="tpl-category"
              value={draft.category}
              onChange={(e) => setCategory(e.target.value as TemplateCategory)}
            >
              <option value="marketing">Marketing</option>
              <option value="utility">Utility</option>
              <option value="authentication">Authentication</option>
            </select>
          </FormField>
          <FormField labelText="Language" labelFor="wa-tpl-language" error={errorOf('language')}>
            <select
              id="wa-tpl-language"
              className="wa-select"
              data-testid="tpl-language"
              value={draft.language}
              onChange={(e) => update({ language: e.target.value }, 'language')}
            >
              {META_LANGUAGES.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name} ({l.code})
                </option>
              ))}
            </select>
          </FormField>
        </div>
      </div>
    </Card>
  );
}
