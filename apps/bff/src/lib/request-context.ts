import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * The request id of the work in progress: an HTTP request, or a background job that a request queued. Every log
 * line written inside carries it (see the logger's mixin), and jobs queued inside carry it in their data.
 */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function runWithRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return requestId ? storage.run({ requestId }, fn) : fn();
}

/** An id from a trusted proxy (X-Request-Id) is kept when it is short and plain; otherwise a fresh one. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** First middleware: gives the request its id, echoes it in X-Request-Id, and runs the rest inside its context. */
export function requestIdMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    (req as Request & { id: string }).id = id;
    res.setHeader('X-Request-Id', id);
    storage.run({ requestId: id }, next);
  };
}

/**
 * Re-enters the request's context. Body parsers resume the chain from socket events, which run outside the
 * context the request started in; this goes right after them.
 */
export function keepRequestContext() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const id = (req as Request & { id?: unknown }).id;
    if (typeof id === 'string' && currentRequestId() !== id) storage.run({ requestId: id }, next);
    else next();
  };
}
