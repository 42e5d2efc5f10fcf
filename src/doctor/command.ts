/**
 * `s3trigger doctor --bucket B [--key K] [--event EVENT] [--json]` with the main command's target flags: resolves the
 * target (target.ts), reads the chain (gather.ts), judges it (verdict.ts) and prints the report (render.ts). Returns
 * the exit code: 0 the event reaches a function, 1 it reaches none; bad input (no --bucket, a bucket name or key S3
 * refuses, an unknown event) is a usage error (exit 2), checked before any request.
 */
import { isRegionName } from '../aws/region.js';
import { bucketNameError, keyLengthError } from '../aws/s3-input.js';
import { usageError } from '../errors.js';
import { resolveEventName, TYPE_FORMS } from '../sample-event/build.js';
import type { DemoVia } from '../cli-flags.js';
import type { TargetFlags } from '../target-decision.js';

/** The flags as yargs gives them. */
export interface DoctorArgs {
  bucket?: string;
  key?: string;
  event?: string;
  json?: boolean;
  local?: boolean;
  strict?: boolean;
  /** Already checked by cli.ts (parseVia). */
  via?: DemoVia;
  'endpoint-url'?: string;
  profile?: string;
  region?: string;
}

/** The checked inputs, or a usage error naming what to fix. */
export function doctorInputs(args: DoctorArgs): { bucket: string; key?: string; eventName: string; flags: TargetFlags } {
  if (args.bucket === undefined || String(args.bucket) === '') throw usageError('doctor needs --bucket BUCKET');
  // The main command's own checks: a name S3 refuses has no chain to walk, and no key over 1024 bytes can exist.
  const badName = bucketNameError(String(args.bucket));
  if (badName) throw usageError(badName);
  const eventName = resolveEventName(String(args.event ?? 'ObjectCreated:Put'));
  if (!eventName) throw usageError(`unknown event '${args.event}': use ${TYPE_FORMS}`);
  if (args.key !== undefined && String(args.key) === '')
    throw usageError('--key must not be empty (leave it out to list the keys each configuration accepts)');
  const tooLong = args.key !== undefined ? keyLengthError(String(args.key), '--key') : undefined;
  if (tooLong) throw usageError(tooLong);
  if (args['endpoint-url']?.trim() === '') throw usageError('--endpoint-url is empty: give http(s)://host[:port], or drop the flag');
  if (args.region !== undefined && !isRegionName(args.region))
    throw usageError(`--region '${args.region}' is not a region name: use e.g. eu-west-1`);
  if (args.strict && !args.local) throw usageError('--strict shapes the embedded sandbox: add --local');
  const flags: TargetFlags = {
    ...(args.local ? { local: true } : {}),
    ...(args.strict ? { strict: true } : {}),
    ...(args.via ? { via: args.via } : {}),
    ...(args['endpoint-url'] !== undefined ? { endpointUrl: args['endpoint-url'] } : {}),
    ...(args.profile ? { profile: args.profile } : {}),
    ...(args.region ? { region: args.region } : {}),
  };
  return { bucket: String(args.bucket), ...(args.key !== undefined ? { key: String(args.key) } : {}), eventName, flags };
}

/** Runs the doctor and writes its report to `out`; the exit code. */
export async function runDoctor(args: DoctorArgs, out: { write(text: string): unknown }): Promise<number> {
  const input = doctorInputs(args);
  const { resolveTarget } = await import('../target.js');
  const target = await resolveTarget({ ...input.flags, bucket: input.bucket });
  try {
    const { gatherFacts } = await import('./gather.js');
    const { judge } = await import('./verdict.js');
    const { renderJson, renderText } = await import('./render.js');
    const facts = await gatherFacts(target, {
      bucket: input.bucket,
      ...(input.key !== undefined ? { key: input.key } : {}),
      eventName: input.eventName,
      laxSandbox: target.sandbox !== undefined && !input.flags.strict,
    });
    const verdict = judge(facts);
    const subject = {
      bucket: input.bucket,
      ...(input.key !== undefined ? { key: input.key } : {}),
      eventName: input.eventName,
      target: target.info.label,
    };
    out.write(args.json ? renderJson(subject, verdict) : renderText(subject, verdict));
    return verdict.exitCode;
  } finally {
    await target.close();
  }
}
