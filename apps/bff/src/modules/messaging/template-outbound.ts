import { ErrorCode, missingVariables, type ConversationCategory, type SendMessageRequest } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import type { NumberRow, TemplateRow } from '../../db/rows.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { OutboundMessage } from '../../providers/kaleyra/kaleyra.port.ts';
import { findTemplate } from '../numbers/numbers.service.ts';
import { assertRichSend, richParts } from '../templates/rich-send.ts';

/**
 * What a one-on-one template send carries: the chosen template checked (approved, every variable and rich part
 * filled) and the template that actually goes out, chosen by `resolve`.
 */
export async function templateOutbound(
  db: Db,
  number: NumberRow,
  req: Extract<SendMessageRequest, { kind: 'template' }>,
  resolve: (number: NumberRow, template: TemplateRow) => Promise<TemplateRow>,
): Promise<{ category: ConversationCategory; outbound: OutboundMessage }> {
  const chosen = await findTemplate(db, number.id, req.templateName, req.language);
  if (!chosen) {
    throw errors.validation([{ path: 'templateName', message: 'No such template on this number. Sync templates and try again.' }]);
  }
  if (chosen.status !== 'approved') {
    throw new DomainError(
      ErrorCode.templateNotApproved,
      'Template not approved',
      `"${chosen.name}" is ${chosen.status}${chosen.rejectedReason ? ` (${chosen.rejectedReason})` : ''}; only approved templates can be sent.`,
    );
  }
  const missing = missingVariables(chosen.body, req.variables);
  if (missing.length) {
    throw new DomainError(ErrorCode.templateVariables, 'Fill every variable', 'Every template variable needs a value.', {
      errors: missing.map((i) => ({ path: `variables.${i}`, message: `Variable ${i + 1} is empty` })),
    });
  }
  // Media header, dynamic URL suffixes, quick-reply payloads: checked field by field, carried as Meta's components.
  const extras = { headerText: req.headerText, headerMediaUrl: req.headerMediaUrl, buttonValues: req.buttonValues };
  assertRichSend(chosen, number.apiVersion, extras);
  // A marketing template may go out as its copy that carries the opt-out instruction (F.4).
  const template = await resolve(number, chosen);
  const category = template.category;
  const params = req.variables.map((v) => v.trim());
  const outbound: OutboundMessage = {
    kind: 'template',
    name: template.name,
    language: template.language,
    params,
    ...richParts(chosen, number.apiVersion, params, extras),
  };
  return { category, outbound };
}
