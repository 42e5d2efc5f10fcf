/** Runs a burst for the TUI on its session and reports to the view as BurstViewEvents (never throws). */
import type { SessionApi } from '../events.js';
import { bodyFile, runBurst } from '../burst/engine.js';
import type { BurstPlan } from '../burst/plan.js';
import { attributeSameKey } from '../burst/same-key.js';
import { burstStats } from '../burst/stats.js';
import { setupLine } from '../burst/report-text.js';
import { errorLine } from './format.js';
import type { BurstViewEvent } from './state/burst.js';

export async function startBurst(
  session: SessionApi,
  plan: BurstPlan,
  bucket: string,
  report: (e: BurstViewEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  report({ kind: 'start', plan });
  let body: Awaited<ReturnType<typeof bodyFile>> | undefined;
  try {
    body = await bodyFile(plan.body);
    const run = await runBurst(session, plan, body.path, {
      bucket,
      progressEveryMs: 250,
      onProgress: (progress) => report({ kind: 'progress', progress }),
      ...(signal ? { signal } : {}),
    });
    if (run.setupError) return report({ kind: 'failed', message: run.setupError });
    const states = plan.sameKey ? attributeSameKey(run.states).states : run.states;
    report({ kind: 'done', stats: burstStats(states, plan.sameKey), setup: setupLine(session.target) });
  } catch (err) {
    report({ kind: 'failed', message: errorLine(err) });
  } finally {
    await body?.remove().catch(() => undefined);
  }
}
