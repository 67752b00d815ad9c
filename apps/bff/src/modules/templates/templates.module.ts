import type { ModuleContext } from '../../lib/module-context.ts';
import type { KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import { TemplatesService } from './templates.service.ts';

/** The template studio: create, list, delete templates. */
export function createTemplatesModule(ctx: ModuleContext, deps: { kaleyra: KaleyraPort; numbers: NumbersService }) {
  return { templates: new TemplatesService(ctx.db, deps.kaleyra, deps.numbers, ctx.log, ctx.now) };
}
