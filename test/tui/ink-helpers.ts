/** Helpers for rendering TUI components with ink-testing-library. */
export const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `frame()` until `predicate` holds; fails with the last frame after `timeoutMs`. */
export async function waitForFrame(
  frame: () => string | undefined,
  predicate: (text: string) => boolean,
  timeoutMs = 15_000,
): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = frame() ?? '';
    if (predicate(text)) return text;
    if (Date.now() > end) throw new Error(`frame never matched; last frame:\n${text}`);
    await tick(10);
  }
}

export const KEYS = {
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  up: '\u001b[A',
  down: '\u001b[B',
  ctrlC: '\u0003',
  backspace: '\u007f',
};

/** How a test drives a rendered App: its last frame, waiting for a frame, typing keys (then a tick), and unmounting. */
export function appDriver(
  ui: { lastFrame(): string | undefined; stdin: { write(data: string): unknown }; unmount(): void },
  store: { dispose(): void },
  untilTimeoutMs = 15_000,
) {
  return {
    frame: () => ui.lastFrame() ?? '',
    until: (predicate: (text: string) => boolean) => waitForFrame(() => ui.lastFrame(), predicate, untilTimeoutMs),
    press: async (keys: string) => {
      ui.stdin.write(keys);
      await tick(15);
    },
    done: () => {
      ui.unmount();
      store.dispose();
    },
  };
}
