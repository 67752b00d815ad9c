import { Router } from 'express';
import { NumberParamsSchema, NumbersResponseSchema, TemplatesResponseSchema } from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import { ctx } from '../auth/auth.middleware.ts';
import type { NumbersService } from './numbers.service.ts';

export function numbersRoutes(numbers: NumbersService) {
  const r = Router();
  r.get(
    '/numbers',
    handle(async (_req, res) => {
      res.json(NumbersResponseSchema.parse({ numbers: await numbers.list(ctx(res).org) }));
    }),
  );
  r.get(
    '/numbers/:numberId/templates',
    handle(async (req, res) => {
      const { numberId } = parse(NumberParamsSchema, req.params, 'params');
      res.json(TemplatesResponseSchema.parse(await numbers.templates(ctx(res).org.id, numberId)));
    }),
  );
  r.post(
    '/numbers/:numberId/templates/sync',
    handle(async (req, res) => {
      const { numberId } = parse(NumberParamsSchema, req.params, 'params');
      res.json(TemplatesResponseSchema.parse(await numbers.sync(ctx(res).org.id, numberId)));
    }),
  );
  return r;
}
