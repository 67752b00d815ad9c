import { renderTemplate, type Template } from '@wa/contracts';

const MEDIA_LABEL = { image: 'Image', video: 'Video', document: 'Document', location: 'Location' } as const;

interface TemplatePreviewProps {
  template: Template;
  variables: readonly string[];
  /** The header's {{1}} value, when the header has one. */
  headerValue?: string | undefined;
  /** A media header: a data: URL of the chosen sample to show (images), or the link that will be sent. */
  mediaSrc?: string | undefined;
}

/** The template as the customer will see it, filled with the variables typed so far. */
export function TemplatePreview({ template, variables, headerValue, mediaSrc }: TemplatePreviewProps) {
  const format = template.headerFormat ?? (template.header ? 'text' : 'none');
  const buttons = template.richButtons ?? template.buttons.map((b) => ({ type: b.type, text: b.text, url: null, dynamic: false }));
  const media = format === 'image' || format === 'video' || format === 'document' || format === 'location' ? format : null;
  return (
    <div className="wa-preview" data-testid="template-preview" aria-label="Message preview">
      <div className="wa-bubble">
        {media && (
          <div className={`wa-bubble__media wa-bubble__media--${media}`} data-testid="template-preview-media">
            {media === 'image' && mediaSrc?.startsWith('data:image/') ? (
              <img src={mediaSrc} alt="Header image sample" />
            ) : (
              <span>
                {MEDIA_LABEL[media]}
                {mediaSrc && !mediaSrc.startsWith('data:') ? <small>{mediaSrc}</small> : null}
              </span>
            )}
          </div>
        )}
        {format === 'text' && template.header && (
          <div className="wa-bubble__header">{renderTemplate(template.header, headerValue ? [headerValue] : [])}</div>
        )}
        <div className="wa-bubble__body">{renderTemplate(template.body, variables)}</div>
        {template.footer && <div className="wa-bubble__footer">{template.footer}</div>}
      </div>
      {buttons.length > 0 && (
        <div className="wa-bubble__buttons">
          {buttons.map((b, i) => (
            <div key={i} className="wa-bubble__button" data-testid={`template-preview-button-${i}`}>
              {b.type.toLowerCase() === 'url' ? '↗ ' : b.type.toLowerCase() === 'phone' || b.type === 'PHONE_NUMBER' ? '✆ ' : ''}
              {b.text}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
