import { z } from 'zod';
import { E164_PATTERN } from './phone-pattern.ts';
import { namedObject } from './schema-builders.ts';

/** Who is signed in: roles, the E.164 number format every module uses, /api/me. */

export const RoleSchema = z.enum(['owner', 'admin', 'agent']);
export type Role = z.infer<typeof RoleSchema>;

export const E164Schema = z.string().regex(E164_PATTERN, 'Must be an E.164 number, e.g. +48221234567');

export const MeResponseSchema = namedObject('Me', {
  accountId: z.string(),
  organizationId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  role: RoleSchema,
  /** Owners and admins manage numbers, billing and campaigns. */
  canManage: z.boolean(),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;
