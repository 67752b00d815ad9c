import { text, uuid } from 'drizzle-orm/pg-core';
import { numbers, organizations } from './core.ts';

const organizationColumn = () => text('organization_id').references(() => organizations.id);
const numberColumn = () => uuid('number_id').references(() => numbers.id);

/** The organization a row belongs to. */
export const organizationId = () => organizationColumn().notNull();
/** For tables that hold at most one row per organization. */
export const organizationKey = () => organizationColumn().primaryKey();
/** The WhatsApp number a row belongs to. */
export const numberId = () => numberColumn().notNull();
/** For tables that hold at most one row per WhatsApp number. */
export const numberKey = () => numberColumn().primaryKey();
