import { renderTemplate, type Template } from '@wa/contracts';

/** The template as the customer will see it, filled with the variables typed so far. */
export function TemplatePreview({ template, variables }: { template: Template; variables: readonly string[] }) {
  return (
    <div className="wa-preview" data-testid="template-preview" aria-label="Message preview">
      <div className="wa-bubble">
        {template.header && <div className="wa-bubble__header">{renderTemplate(template.header, variables)}</div>}
        <div className="wa-bubble__body">{renderTemplate(template.body, variables)}</div>
        {template.footer && <div className="wa-bubble__footer">{template.footer}</div>}
      </div>
      {template.buttons.length > 0 && (
        <div className="wa-bubble__buttons">
          {template.buttons.map((b, i) => (
            <div key={i} className="wa-bubble__button">
              {b.text}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
