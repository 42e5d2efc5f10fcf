/**
 * The `--timing`, `--timing-scale` and `--timing-seed` flags, checked without loading the sandbox (the CLI
 * uses this for `s3trigger sandbox` and for `--local` runs). Pure.
 */
import type { TimingOptions, TimingProfileName } from './profile.js';

export const TIMING_PROFILES: readonly TimingProfileName[] = ['instant', 'aws'];

/** The raw flag values as yargs hands them over (strings, so that "--timing-scale abc" can be named). */
export interface TimingFlags {
  timing?: string;
  'timing-scale'?: string;
  'timing-seed'?: string;
}

/** The options the flags ask for, or the one-line problem with them. Absent flags stay absent. */
export function parseTimingFlags(flags: TimingFlags): { options: TimingOptions } | { problem: string } {
  const options: TimingOptions = {};
  if (flags.timing !== undefined) {
    if (!TIMING_PROFILES.includes(flags.timing as TimingProfileName)) {
      return { problem: `--timing '${flags.timing}' is not a timing profile: use aws or instant` };
    }
    options.profile = flags.timing as TimingProfileName;
  }
  const scaleText = flags['timing-scale'];
  if (scaleText !== undefined) {
    const scale = Number(scaleText);
    if (scaleText.trim() === '' || !Number.isFinite(scale) || scale <= 0 || scale > 1000) {
      return {
        problem: `--timing-scale '${scaleText}' must be a number greater than 0 and at most 1000 (0.01 runs every delay 100 times faster)`,
      };
    }
    options.scale = scale;
  }
  const seedText = flags['timing-seed'];
  if (seedText !== undefined) {
    const seed = Number(seedText);
    if (!/^\d+$/.test(seedText.trim()) || !Number.isSafeInteger(seed)) {
      return { problem: `--timing-seed '${seedText}' must be a whole number of at least 0` };
    }
    options.seed = seed;
  }
  return { options };
}
