import type { z } from 'zod';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
  summary: string;
  /** Who may call it: any signed-in member, owners and admins only, operators, or a webhook secret. */
  auth: 'member' | 'manager' | 'operator' | 'webhook' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  /** Media type of the request body when it is not JSON (e.g. a CSV upload). */
  requestContentType?: string;
  /** Media type of the response when it is not JSON (e.g. a CSV download). */
  responseContentType?: string;
}
