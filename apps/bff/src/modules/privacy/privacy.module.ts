import type { Config } from '../../config.ts';
import type { Database } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
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
export function createPrivacyServices(d: { database: Database; config: Config; log: Logger; now: () => Date }): PrivacyServices {
  const recipients = new RecipientRightsService(d.database.db, new RecipientHasher(d.config));
  return {
    business: new BusinessRightsService(d.database.db, d.config, d.log, d.now),
    recipients,
    exports: new ExportService(d.database, d.log),
    retention: new RetentionService(d.database.db, d.config, d.log, d.now),
  };
}
