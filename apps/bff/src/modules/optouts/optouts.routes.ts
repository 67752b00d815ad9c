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
import { handle, parse } from '../../lib/http.ts';
import { streamCsv } from '../../lib/keyset.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import type { OptOutsService } from './optouts.service.ts';

/** The suppression list (owners and admins) and the per-number opt-out instruction. */
export function optOutsRoutes(optOuts: OptOutsService) {
  const r = Router();
  r.get(
    '/opt-outs',
    requireManager,
    handle(async (req, res) => {
      const q = parse(OptOutsQuerySchema, req.query, 'query');
      res.json(OptOutsResponseSchema.parse(await optOuts.list(ctx(res).org.id, q)));
    }),
  );
  r.post(
    '/opt-outs',
    requireManager,
    handle(async (req, res) => {
      const body = parse(AddOptOutRequestSchema, req.body);
      const { org, identity } = ctx(res);
      const result = await optOuts.add(org.id, identity, body);
      res.status(result.created ? 201 : 200).json(AddOptOutResponseSchema.parse(result));
    }),
  );
  r.get(
    '/opt-outs/export',
    requireManager,
    handle(async (_req, res) => {
      res.json(ExportOptOutsResponseSchema.parse(await optOuts.export(ctx(res).org.id)));
    }),
  );
  r.get(
    '/opt-outs.csv',
    requireManager,
    handle(async (_req, res) => {
      const name = `whatsapp-opt-outs-${new Date().toISOString().slice(0, 10)}.csv`;
      await streamCsv(res, name, ['phone', 'reason', 'source', 'opted_out_at', 'added_by'], optOuts.csvRows(ctx(res).org.id));
    }),
  );
  r.post(
    '/opt-outs/import',
    requireManager,
    handle(async (req, res) => {
      const body = parse(ImportOptOutsRequestSchema, req.body);
      const { org, identity } = ctx(res);
      res.json(ImportOptOutsResponseSchema.parse(await optOuts.import(org.id, identity, body)));
    }),
  );
  r.delete(
    '/opt-outs/:recipient',
    requireManager,
    handle(async (req, res) => {
      const { recipient } = parse(OptOutParamsSchema, req.params, 'params');
      res.json(RemoveOptOutResponseSchema.parse({ removed: await optOuts.remove(ctx(res).org.id, recipient) }));
    }),
  );
  r.get(
    '/numbers/:numberId/opt-out-instruction',
    handle(async (req, res) => {
      const { numberId } = parse(OptOutInstructionParamsSchema, req.params, 'params');
      res.json(OptOutInstructionSchema.parse(await optOuts.instruction(ctx(res).org.id, numberId)));
    }),
  );
  r.put(
    '/numbers/:numberId/opt-out-instruction',
    requireManager,
    handle(async (req, res) => {
      const { numberId } = parse(OptOutInstructionParamsSchema, req.params, 'params');
      const body = parse(UpdateOptOutInstructionRequestSchema, req.body);
      const { org, identity } = ctx(res);
      res.json(OptOutInstructionSchema.parse(await optOuts.updateInstruction(org.id, identity, numberId, body)));
    }),
  );
  return r;
}
