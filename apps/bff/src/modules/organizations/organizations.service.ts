/** Reads (and the writes other modules take part in) that this module offers the others. */
export { ensureOrganization, findOrganization } from './organizations.repo.ts';
