import { Router, type Request } from 'express';
import { NumberParamsSchema, NumbersResponseSchema, TemplatesResponseSchema } from '@wa/contracts';
import { parse, respond } from '../../lib/http.ts';
import { ctx } from '../auth/auth.middleware.ts';
import type { NumbersService } from './numbers.service.ts';

const numberIdOf = (req: Request) => parse(NumberParamsSchema, req.params, 'params').numberId;

export function numbersRoutes(numbers: NumbersService) {
  const r = Router();
  r.get(
    '/numbers',
    respond(NumbersResponseSchema, async (_req, res) => ({ numbers: await numbers.list(ctx(res).org) })),
  );
  r.get(
    '/numbers/:numberId/templates',
    respond(TemplatesResponseSchema, (req, res) => numbers.templates(ctx(res).org.id, numberIdOf(req))),
  );
  r.post(
    '/numbers/:numberId/templates/sync',
    respond(TemplatesResponseSchema, (req, res) => numbers.sync(ctx(res).org.id, numberIdOf(req))),
  );
  return r;
}
