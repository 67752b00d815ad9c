import type { ModuleContext } from '../../lib/module-context.ts';
import type { KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import { KeywordMatcher } from './opt-out-keywords.ts';
import { OptOutsService } from './optouts.service.ts';

/** F.4: opt-out keywords on incoming messages, the suppression list, the opt-out instruction of marketing templates. */
export function createOptOutsModule(ctx: ModuleContext, deps: { kaleyra: KaleyraPort; numbers: NumbersService }) {
  const keywords = new KeywordMatcher(ctx.config.OPT_OUT_KEYWORDS, ctx.config.OPT_IN_KEYWORDS);
  return { optOuts: new OptOutsService(ctx.db, deps.kaleyra, deps.numbers, keywords, ctx.log), keywords };
}
