import { integer, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** A time the row gets when it is written, unless the insert says otherwise. */
export const stampedAt = (name: string) => ts(name).notNull().defaultNow();
export const createdAt = () => stampedAt('created_at');
export const updatedAt = () => stampedAt('updated_at');
/** A random uuid primary key, for rows that have no natural key. */
export const uuidId = () => uuid('id').primaryKey().defaultRandom();
/** A number that starts at zero and is counted up (attempts, rounds, what is held). */
export const tally = (name: string) => integer(name).notNull().default(0);
