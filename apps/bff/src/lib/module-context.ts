import type { Config } from '../config.ts';
import type { Database, Db } from '../db/client.ts';
import type { Logger } from './logger.ts';

/**
 * What every module's factory (`create<Module>Module(ctx, deps)`) is given besides the other modules' services
 * it uses: the database, the configuration, the module's own child logger and the clock.
 */
export interface ModuleContext {
  database: Database;
  db: Db;
  config: Config;
  /** A child logger naming the module, so every line says which module wrote it. */
  log: Logger;
  now: () => Date;
}
