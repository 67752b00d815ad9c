import { z } from 'zod';
import { pageLimit } from './pagination.ts';

/** A moment on the wire: ISO 8601 with its offset. */
export const isoDate = z.iso.datetime({ offset: true });

/** An id a client sends in a path, query or body: non-empty and bounded. */
export const id = z.string().min(1).max(100);

/**
 * An object schema with a name of its own: the OpenAPI document lists it once under that name, and every route that
 * carries it refers to it there.
 */
export const namedObject = <Shape extends z.core.$ZodLooseShape>(name: string, shape: Shape) => z.object(shape).meta({ id: name });

/** The query of a list an owner searches by part of a phone number, a page at a time. */
export const phoneSearchPage = {
  /** Part of a phone number; digits only are compared, so "+48 601" finds +48601…. */
  q: z.string().trim().max(32).optional(),
  limit: pageLimit(),
  /** Rows to skip; prefer `cursor`, which stays exact while the list changes. */
  offset: z.coerce.number().int().min(0).default(0),
};
