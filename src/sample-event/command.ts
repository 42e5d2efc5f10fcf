/** `s3trigger event TYPE …`: flags checked, the sample event built (build.ts) and printed as JSON on stdout. */
import { isRegionName } from '../aws/region.js';
import { usageError } from '../errors.js';
import { buildSampleEvent, resolveEventName, TYPE_FORMS, VIAS, type Via } from './build.js';

/** The flags as yargs gives them (strings, so that a bad number is our usage error, not a NaN). */
export interface EventArgs {
  type: string;
  bucket: string;
  key: string;
  size?: string;
  etag?: string;
  'version-id'?: string;
  via?: string;
  region?: string;
  seed?: string;
}

const wholeNumber = (flag: string, value: string, max: number): number => {
  if (!/^\d+$/.test(value) || Number(value) > max) throw usageError(`--${flag} must be a whole number from 0 to ${max}, got '${value}'`);
  return Number(value);
};

/** The JSON text (two-space indent, newline-terminated) of the event; usage errors (exit 2) for bad input. */
export function sampleEventText(args: EventArgs): string {
  const eventName = resolveEventName(String(args.type));
  if (!eventName) throw usageError(`unknown event type '${args.type}': use ${TYPE_FORMS}`);
  if (args.via !== undefined && !VIAS.includes(args.via as Via)) {
    throw usageError(`--via must be one of ${VIAS.join(', ')}, got '${args.via}'`);
  }
  if (args.region !== undefined && !isRegionName(args.region)) {
    throw usageError(`--region '${args.region}' is not a region name: use e.g. eu-west-1`);
  }
  if (String(args.bucket) === '' || String(args.key) === '') throw usageError('--bucket and --key must not be empty');
  let event: unknown;
  try {
    event = buildSampleEvent({
      eventName,
      bucket: String(args.bucket),
      key: String(args.key),
      ...(args.size !== undefined ? { size: wholeNumber('size', args.size, Number.MAX_SAFE_INTEGER) } : {}),
      ...(args.etag !== undefined ? { etag: String(args.etag) } : {}),
      ...(args['version-id'] !== undefined ? { versionId: String(args['version-id']) } : {}),
      ...(args.via !== undefined ? { via: args.via as Via } : {}),
      ...(args.region !== undefined ? { region: args.region } : {}),
      ...(args.seed !== undefined ? { seed: wholeNumber('seed', args.seed, 0xffffffff) } : {}),
    });
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err));
  }
  return `${JSON.stringify(event, null, 2)}\n`;
}
