import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { handle } from './http.ts';

/**
 * A handler for a create that is safe to repeat: 201 when `fn` created the thing, 200 when it was already there
 * (the answer then describes the existing one), so a retried request reads like the first.
 */
export const createdOrExisting = (schema: z.ZodType, fn: (req: Request, res: Response) => Promise<{ created: boolean }>): RequestHandler =>
  handle(async (req, res) => {
    const result = await fn(req, res);
    res.status(result.created ? 201 : 200).json(schema.parse(result));
  });
