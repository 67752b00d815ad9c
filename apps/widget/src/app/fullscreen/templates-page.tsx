import type { Template } from '@wa/contracts';
import { TemplateStudio } from '../../features/template-studio/components/template-studio.tsx';
import { TemplatePreview } from '../../features/templates/components/template-preview.tsx';
import './templates.css';

/** Templates tab: the studio, with the sidebar's WhatsApp-style preview. */
export default function TemplatesPage() {
  return (
    <TemplateStudio
      renderPreview={({ content, bodySamples, headerSample, mediaSrc }) => {
        const template: Template = {
          name: '',
          language: '',
          category: 'marketing',
          status: 'pending',
          header: content.headerText,
          body: content.body,
          footer: content.footer,
          buttons: content.buttons.map((b) => ({ type: b.type, text: b.text })),
          variableCount: bodySamples.length,
          rejectedReason: null,
          headerFormat: content.headerFormat,
          richButtons: content.buttons.map((b) => ({ type: b.type, text: b.text, url: b.url, dynamic: b.dynamic })),
        };
        return <TemplatePreview template={template} variables={bodySamples} headerValue={headerSample} mediaSrc={mediaSrc} />;
      }}
    />
  );
}
