const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value has the shape of our ids (PostgreSQL uuids): anything else names no row and is not queried as one. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
