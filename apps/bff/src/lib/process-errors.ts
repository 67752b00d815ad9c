import type { Logger } from './logger.ts';

/**
 * A rejected promise nobody awaited, or an exception nothing caught, leaves the process in a state nobody
 * planned for: it is logged through pino (the same redacted pipeline as every other line, at `fatal`) and the
 * process exits, so the orchestrator restarts a clean one.
 */
export function exitOnFatalErrors(
  log: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
  proc: NodeJS.EventEmitter = process,
): void {
  const fatal = (what: string) => (err: unknown) => {
    log.fatal({ err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) }, what);
    log.flush();
    exit(1);
  };
  proc.on('unhandledRejection', fatal('unhandled promise rejection'));
  proc.on('uncaughtException', fatal('uncaught exception'));
}
