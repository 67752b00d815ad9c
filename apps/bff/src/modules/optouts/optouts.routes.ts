import { Router } from 'express';
import {
  AddOptOutRequestSchema,
  AddOptOutResponseSchema,
  ExportOptOutsResponseSchema,
  ImportOptOutsRequestSchema,
  ImportOptOutsResponseSchema,
  OptOutInstructionParamsSchema,
  OptOutInstructionSchema,
  OptOutParamsSchema,
  OptOutsQuerySchema,
  OptOutsResponseSchema,
  RemoveOptOutResponseSchema,
  UpdateOptOutInstructionRequestSchema,
} from '@wa/contracts';
import { createdOrExisting } from '../../lib/created-or-existing.ts';
import { parse, respond } from '../../lib/http.ts';
import { csvDownload } from '../../lib/keyset.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import type { OptOutsService } from './optouts.service.ts';

/** The suppression list (owners and admins) and the per-number opt-out instruction. */
export function optOutsRoutes(optOuts: OptOutsService) {
  const r = Router();
  r.get(
    '/opt-outs',
    requireManager,
    respond(OptOutsResponseSchema, (req, res) => optOuts.list(ctx(res).org.id, parse(OptOutsQuerySchema, req.query, 'query'))),
  );
  r.post(
    '/opt-outs',
    requireManager,
    createdOrExisting(AddOptOutResponseSchema, (req, res) => {
      const body = parse(AddOptOutRequestSchema, req.body);
      const { org, identity } = ctx(res);
      return optOuts.add(org.id, identity, body);
    }),
  );
  r.get(
    '/opt-outs/export',
    requireManager,
    respond(ExportOptOutsResponseSchema, (_req, res) => optOuts.export(ctx(res).org.id)),
  );
  r.get(
    '/opt-outs.csv',
    requireManager,
    csvDownload('opt-outs', ['phone', 'reason', 'source', 'opted_out_at', 'added_by'], (_req, res) => optOuts.csvRows(ctx(res).org.id)),
  );
  r.post(
    '/opt-outs/import',
    requireManager,
    respond(ImportOptOutsResponseSchema, (req, res) =>
      optOuts.import(ctx(res).org.id, ctx(res).identity, parse(ImportOptOutsRequestSchema, req.body)),
    ),
  );
  r.delete(
    '/opt-outs/:recipient',
    requireManager,
    respond(RemoveOptOutResponseSchema, async (req, res) => {
      const { recipient } = parse(OptOutParamsSchema, req.params, 'params');
      return { removed: await optOuts.remove(ctx(res).org.id, recipient) };
    }),
  );
  r.get(
    '/numbers/:numberId/opt-out-instruction',
    respond(OptOutInstructionSchema, (req, res) =>
      optOuts.instruction(ctx(res).org.id, parse(OptOutInstructionParamsSchema, req.params, 'params').numberId),
    ),
  );
  r.put(
    '/numbers/:numberId/opt-out-instruction',
    requireManager,
    respond(OptOutInstructionSchema, (req, res) => {
      const { numberId } = parse(OptOutInstructionParamsSchema, req.params, 'params');
      const body = parse(UpdateOptOutInstructionRequestSchema, req.body);
      const { org, identity } = ctx(res);
      return optOuts.updateInstruction(org.id, identity, numberId, body);
    }),
  );
  return r;
}
