import type { ModuleContext } from '../../lib/module-context.ts';
import { BusinessRightsService } from './business-rights.service.ts';
import { ExportService } from './export.service.ts';
import { RecipientHasher } from './recipient-hash.ts';
import { RecipientRightsService } from './recipient-rights.service.ts';
import { RetentionService } from './retention.service.ts';

export interface PrivacyServices {
  business: BusinessRightsService;
  exports: ExportService;
  recipients: RecipientRightsService;
  retention: RetentionService;
}

/** The organization's export (L.11e), a recipient's rights (L.11a–d) and retention. */
export function createPrivacyModule(ctx: ModuleContext): { privacy: PrivacyServices } {
  const { database, config, log, now } = ctx;
  return {
    privacy: {
      business: new BusinessRightsService(database.db, config, log, now),
      recipients: new RecipientRightsService(database.db, new RecipientHasher(config)),
      exports: new ExportService(database, log),
      retention: new RetentionService(database.db, config, log, now),
    },
  };
}
