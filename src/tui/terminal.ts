/** What the environment says about the terminal (kept free of React so run.tsx can read it first). */

/** https://no-color.org: set and not empty. */
export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.NO_COLOR);
}
