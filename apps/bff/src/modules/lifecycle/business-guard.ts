import type { NextFunction, Request, Response } from 'express';
import { ctx } from '../auth/auth.middleware.ts';
import { blockError, type Block } from './access.ts';
import type { LifecycleService } from './lifecycle.service.ts';

type BusinessBlock = () => Promise<Block | null>;

/**
 * Mounted once on the authenticated API router (by the lifecycle module): gives every route a way to ask whether
 * the business may buy now, without the route's module knowing the lifecycle module.
 */
export function provideBusinessBlock(lifecycle: Pick<LifecycleService, 'blockFor'>) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals.businessBlock = (() => lifecycle.blockFor(ctx(res).org.id)) satisfies BusinessBlock;
    next();
  };
}

/**
 * On a route that buys (a number, a plan, a package), beside `requireManager`: until the owner accepted the terms,
 * while suspended (F.2, J), and once access is lost (C.5, E), it answers terms_not_accepted,
 * organization_suspended or account_closed with the reason in words. Sends do not use it: they ask the send
 * policy inside their transaction.
 */
export function requireActiveBusiness(_req: Request, res: Response, next: NextFunction) {
  const check = res.locals.businessBlock as BusinessBlock | undefined;
  // Closed when the lifecycle module was not mounted in front: a purchase is never let through unchecked.
  if (!check) {
    next(new Error('the business guard was not mounted before a route that buys'));
    return;
  }
  check().then((block) => next(block ? blockError(block) : undefined), next);
}
