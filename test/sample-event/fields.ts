/** Field-by-field comparison of event records: every field path, and the value at one. */

/** Every field path (`s3.object.key`), at every depth, in the record's order. */
export function paths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...paths(v, `${prefix}${k}.`).filter((p) => p !== `${prefix}${k}.`)]);
}

/** The value at a field path, or undefined. */
export const get = (o: unknown, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], o);
