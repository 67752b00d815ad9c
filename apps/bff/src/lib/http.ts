import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode, PROBLEM_CONTENT_TYPE, type Problem } from '@wa/contracts';
import { z } from 'zod';
import { DomainError, errors, statusOf } from './errors.ts';
import type { Logger } from './logger.ts';

/** Parses `data` with `schema` or throws a 400 naming every failing field. */
export function parse<S extends z.ZodType>(schema: S, data: unknown, location?: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw errors.validation(
    result.error.issues.map((i) => ({
      path: [location, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
      message: i.message,
    })),
  );
}

/** Express 5 forwards rejected promises; this only keeps handlers terse and typed. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

/**
 * A handler that answers with what `fn` returns, parsed with the route's response schema from the contract: what
 * the schema does not describe never reaches the client.
 */
export const respond = (schema: z.ZodType, fn: (req: Request, res: Response) => unknown, status = 200): RequestHandler =>
  handle(async (req, res) => {
    res.status(status).json(schema.parse(await fn(req, res)));
  });

/** `respond` for a request that creates something (201). */
export const created = (schema: z.ZodType, fn: (req: Request, res: Response) => unknown): RequestHandler => respond(schema, fn, 201);

export function sendProblem(res: Response, problem: Problem) {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The one place errors become HTTP responses. Unknown errors reveal nothing. */
export function problemHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let problem: Problem;
    if (err instanceof DomainError) {
      problem = {
        type: `https://whatsapp-livechat.app/problems/${err.code}`,
        title: err.title,
        status: statusOf(err.code),
        code: err.code,
        ...(err.detail ? { detail: err.detail } : {}),
        ...(err.extra.errors ? { errors: err.extra.errors } : {}),
        ...(err.extra.providerCode ? { providerCode: err.extra.providerCode } : {}),
      };
    } else if (isBodyParserError(err)) {
      problem = {
        type: `https://whatsapp-livechat.app/problems/${ErrorCode.validation}`,
        title: 'Invalid request',
        status: err.status === 413 ? 413 : 400,
        code: ErrorCode.validation,
        detail: err.status === 413 ? 'The request body is too large.' : 'The request body is not valid JSON or form data.',
        errors: [{ path: '(body)', message: err.status === 413 ? 'too large' : 'unparseable' }],
      };
    } else {
      log.error(
        { err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), path: req.path },
        'unhandled error',
      );
      problem = {
        type: `https://whatsapp-livechat.app/problems/${ErrorCode.internal}`,
        title: 'Internal error',
        status: 500,
        code: ErrorCode.internal,
        detail: 'Something went wrong on our side. Nothing was charged; try again.',
      };
    }
    problem.instance = req.path;
    sendProblem(res, problem);
  };
}

function isBodyParserError(err: unknown): err is { status: number; type: string } {
  return (
    !!err &&
    typeof err === 'object' &&
    'type' in err &&
    'status' in err &&
    typeof (err as { type: unknown }).type === 'string' &&
    String((err as { type: string }).type).includes('entity')
  );
}
