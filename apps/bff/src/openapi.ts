import { routes, ProblemSchema, type RouteSpec } from '@wa/contracts';
import { z } from 'zod';

const schemaOf = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any', io }) as Record<string, unknown>;

function parameters(spec: RouteSpec) {
  const out: unknown[] = [];
  for (const [where, obj] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!obj) continue;
    for (const [name, field] of Object.entries(obj.shape)) {
      out.push({
        name,
        in: where,
        required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
        schema: schemaOf(field as z.ZodType, 'input'),
      });
    }
  }
  return out;
}

/** OpenAPI 3.0 generated from the contracts' route list; nothing here is written by hand twice. */
export function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { description: 'Problem', content: { 'application/problem+json': { schema: schemaOf(ProblemSchema, 'output') } } };
  for (const spec of routes) {
    const op: Record<string, unknown> = {
      summary: spec.summary,
      operationId: `${spec.method}${spec.path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())}`,
      parameters: parameters(spec),
      responses: {
        [String(spec.status ?? 200)]: {
          description: 'OK',
          ...(spec.response ? { content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } } : {}),
          ...(spec.responseContentType ? { content: { [spec.responseContentType]: { schema: { type: 'string' } } } } : {}),
        },
        default: problem,
      },
      ...(spec.auth === 'member' || spec.auth === 'manager' ? { security: [{ livechat: [] }] } : {}),
      ...(spec.auth === 'manager' ? { 'x-roles': ['owner', 'admin'] } : {}),
      ...(spec.auth === 'operator' ? { security: [{ operator: [] }] } : {}),
    };
    if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } };
    if (spec.requestContentType)
      op.requestBody = { required: false, content: { [spec.requestContentType]: { schema: { type: 'string' } } } };
    (paths[spec.path] ??= {})[spec.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: { title: 'WhatsApp Business for LiveChat — BFF', version },
    components: {
      securitySchemes: {
        livechat: { type: 'http', scheme: 'bearer', description: 'LiveChat access token (Accounts)' },
        operator: { type: 'http', scheme: 'basic', description: 'Operator name and secret from OPS_CREDENTIALS (never a LiveChat token)' },
      },
    },
    paths,
  };
}
