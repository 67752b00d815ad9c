import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { nowMs } from './provider-time.ts';

/**
 * The request id of the work in progress: an HTTP request, or a background job that a request queued. Every log
 * line written inside carries it (see the logger's mixin), and jobs queued inside carry it in their data.
 */
export interface RequestContext {
  requestId: string;
  /** When the request arrived (`nowMs()`): background work it starts measures from here. */
  receivedAt?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function requestReceivedAt(): number | undefined {
  return storage.getStore()?.receivedAt;
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
    const receivedAt = nowMs();
    const id = typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    (req as Request & { id: string }).id = id;
    res.setHeader('X-Request-Id', id);
    (req as Request & { receivedAt?: number }).receivedAt = receivedAt;
    storage.run({ requestId: id, receivedAt }, next);
  };
}

const startedAt = (req: Request) => (req as Request & { receivedAt?: number }).receivedAt;

/**
 * Re-enters the request's context. Body parsers resume the chain from socket events, which run outside the
 * context the request started in; this goes right after them.
 */
export function keepRequestContext() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const id = (req as Request & { id?: unknown }).id;
    if (typeof id === 'string' && currentRequestId() !== id) storage.run({ requestId: id, receivedAt: startedAt(req) }, next);
    else next();
  };
}
