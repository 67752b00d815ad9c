import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import express from 'express';
import { ErrorCode } from '@wa/contracts';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config.ts';
import { DomainError, HTTP_STATUS, statusOf } from './errors.ts';
import { problemHandler } from './http.ts';
import { createLogger } from './logger.ts';
import { exitOnFatalErrors } from './process-errors.ts';

const lines = () => {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out.push(String(chunk));
      cb();
    },
  });
  return { out, log: createLogger('info', stream) };
};

describe('errors: one table', () => {
  it('every error code has exactly one HTTP status, and a domain error carries a code, never a status', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual(Object.values(ErrorCode).sort());
    for (const status of Object.values(HTTP_STATUS)) expect(status >= 400 && status < 600).toBe(true);
    const err = new DomainError(ErrorCode.recipientRestricted, 'Processing restricted', 'Nothing can be sent.');
    expect(Object.keys(err)).not.toContain('status');
    expect(statusOf(err.code)).toBe(409);
  });

  it('the problem handler answers with the status the table gives the code', async () => {
    const app = express();
    app.get('/x/:code', (req, _res, next) => next(new DomainError(req.params.code as ErrorCode, 'Title', 'Detail')));
    app.use(problemHandler(lines().log));
    const server = app.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      for (const code of [
        ErrorCode.insufficientBalance,
        ErrorCode.termsNotAccepted,
        ErrorCode.fileTooLarge,
        ErrorCode.providerError,
        ErrorCode.windowClosed,
      ]) {
        const r = await fetch(`http://127.0.0.1:${port}/x/${code}`);
        expect({ code, status: r.status, body: await r.json() }).toMatchObject({
          code,
          status: HTTP_STATUS[code],
          body: { code, status: HTTP_STATUS[code] },
        });
      }
    } finally {
      server.close();
    }
  });

  it('a TERMS_VERSION that is not a date without TERMS_EFFECTIVE_DATE stops the configuration, naming the variable', () => {
    const env = {
      LIVECHAT_CLIENT_ID: 'client',
      KALEYRA_SID: 'sid',
      KALEYRA_API_KEY: 'key',
      APP_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length',
    };
    let error: unknown;
    try {
      parseConfig({ ...env, TERMS_VERSION: 'summer-edition' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      expect.stringMatching(/^TERMS_EFFECTIVE_DATE: required when TERMS_VERSION is not a date/),
    ]);
    expect(parseConfig({ ...env, TERMS_VERSION: 'summer-edition', TERMS_EFFECTIVE_DATE: '2026-06-01' }).TERMS_EFFECTIVE_DATE).toBe(
      '2026-06-01',
    );
  });

  it('an unhandled rejection is logged through pino, at fatal, before the process exits', () => {
    const { out, log } = lines();
    const proc = new EventEmitter();
    const exits: number[] = [];
    exitOnFatalErrors(log, (code) => exits.push(code), proc);
    proc.emit('unhandledRejection', new Error('the lost promise'), Promise.resolve());
    expect(exits).toEqual([1]);
    const line = JSON.parse(out.at(-1)!);
    expect(line).toMatchObject({ level: 60, msg: 'unhandled promise rejection', err: { message: 'the lost promise' }, service: 'bff' });
  });
});
