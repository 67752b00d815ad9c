import type { charges, numbers, optOuts, organizations, templates } from './schema.ts';

/** Row types of the tables several modules read; each table's module owns the queries that return them. */
export type OrganizationRow = typeof organizations.$inferSelect;
export type NumberRow = typeof numbers.$inferSelect;
export type TemplateRow = typeof templates.$inferSelect;
export type OptOutRow = typeof optOuts.$inferSelect;
export type OptOutSource = OptOutRow['source'];
export type ChargeRow = typeof charges.$inferSelect;
