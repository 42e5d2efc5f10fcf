/** The mode is decided once: any op flag -> CI; a terminal on both ends and no CI env -> TUI; else explain. */
export type Mode = 'ci' | 'tui' | 'needs-terminal';

export function decideMode(o: { hasOps: boolean; stdinTTY: boolean; stdoutTTY: boolean; ciEnv: string | undefined }): Mode {
  if (o.hasOps) return 'ci';
  const ci = o.ciEnv !== undefined && o.ciEnv !== '' && o.ciEnv !== '0' && o.ciEnv.toLowerCase() !== 'false';
  return o.stdinTTY && o.stdoutTTY && !ci ? 'tui' : 'needs-terminal';
}

export const NEEDS_TERMINAL_MESSAGE =
  'the interactive view needs a terminal (stdin and stdout must be a TTY, and CI unset); ' +
  'in scripts and CI fire operations with flags, e.g. s3trigger --bucket test-bucket --put test.txt --wait (see --help)';
