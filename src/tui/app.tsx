/** The root component: owns the reducer, the one key dispatcher and the effects it asks for. */
import { bucketNameProblem } from '../aws/bucket-name.js';
import { Box, useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, type ReactNode } from 'react';
import type { SessionApi, SessionEvent } from '../events.js';
import { BucketPicker } from './components/BucketPicker.js';
import { BurstPanel } from './components/BurstPanel.js';
import { startBurst } from './burst-run.js';
import { ConfirmPrompt } from './components/ConfirmPrompt.js';
import { DetailsView } from './components/DetailsView.js';
import { EventsTable } from './components/EventsTable.js';
import { FilterPrompt } from './components/FilterPrompt.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { LogPane } from './components/LogPane.js';
import { OpForm } from './components/OpForm.js';
import { OpsPane } from './components/OpsPane.js';
import { TooSmall } from './components/TooSmall.js';
import { fileProblem } from '../ops/problems.js';
import { errorLine } from './format.js';
import { handleKey, releaseQueued, splitKeys, type KeyOutcome } from './state/input.js';
import { computeLayout } from './state/layout.js';
import type { LogStore } from './state/log-store.js';
import { visibleLog } from './state/log-view.js';
import { reducer } from './state/reducer.js';
import { replayOfRow } from './state/replay.js';
import { detailsOf, emptyLogText, footerScope, overlayLineCount, queuedText } from './state/selectors.js';
import type { Action, AppState, Effect } from './state/types.js';
import { ThemeContext, makeTheme } from './theme.js';

export interface AppProps {
  session: SessionApi;
  store: LogStore;
  initialState: AppState;
  noColor: boolean;
  onQuit(interrupt: boolean): void;
  /** Switch the session to this bucket on mount (discovery + tail). */
  startBucket?: string;
  /** Engine events other than log lines are folded into the state at most this often. */
  eventBatchMs?: number;
}

/** The first problem among a form's file paths, named by the field's label ("File /x/y: … is not a directory"). */
async function pathProblem(paths: readonly { label: string; path: string }[]): Promise<string | undefined> {
  for (const { label, path } of paths) {
    const problem = await fileProblem(path, label.replace(/\s*\(.*\)$/, ''));
    if (problem) return problem.message;
  }
  return undefined;
}

export function App({ session, store, initialState, noColor, onQuit, startBucket, eventBatchMs = 16 }: AppProps) {
  const [state, dispatch] = useReducer(reducer, initialState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const { stdout } = useStdout();

  const apply = useCallback((actions: Action[]) => {
    for (const action of actions) {
      stateRef.current = reducer(stateRef.current, action);
      dispatch(action);
    }
  }, []);

  const preview = useCallback((input: Parameters<SessionApi['previewWarning']>[0]) => session.previewWarning(input), [session]);

  const run: (effect: Effect) => void = useCallback(
    (effect: Effect) => {
      const outcome = (o: KeyOutcome) => {
        apply(o.actions);
        for (const e of o.effects) run(e);
      };
      // The tail of the chosen bucket runs (or could not start): what was queued goes now, unless another bucket was chosen since.
      const tailStarted = (bucket: string) => {
        if (stateRef.current.bucket === bucket) outcome(releaseQueued(stateRef.current, preview));
      };
      switch (effect.type) {
        case 'fire':
          try {
            session.fire(effect.input);
          } catch (err) {
            apply([{ type: 'notice', message: `could not fire: ${errorLine(err)}` }]);
          }
          return;
        case 'checkForm':
          pathProblem(effect.paths).then(
            (problem) => (problem ? apply([{ type: 'formError', message: problem }]) : outcome(effect.then)),
            (err: unknown) => apply([{ type: 'formError', message: errorLine(err) }]),
          );
          return;
        case 'burst':
          void startBurst(session, effect.plan, effect.bucket, (event) => apply([{ type: 'burst', event }]));
          return;
        case 'quit':
          onQuit(effect.interrupt);
          return;
        case 'loadBuckets':
          session.listBuckets().then(
            (buckets) => apply([{ type: 'pickerLoaded', buckets: [...buckets].sort() }]),
            (err: unknown) => apply([{ type: 'pickerFailed', message: `could not list buckets: ${errorLine(err)}` }]),
          );
          return;
        case 'selectBucket': {
          const { bucket, create } = effect;
          const problem = create ? bucketNameProblem(bucket) : undefined;
          const ensure = problem ? Promise.reject(new Error(problem)) : create ? session.ensureBucket(bucket) : Promise.resolve(false);
          ensure
            .then(
              () => {
                apply([{ type: 'bucketChosen', bucket }]);
                return session.selectBucket(bucket).then(
                  (discovery) => {
                    apply([{ type: 'session', events: [{ type: 'Discovered', discovery }] }]);
                    tailStarted(bucket);
                  },
                  (err: unknown) => {
                    apply([{ type: 'notice', message: `could not watch ${bucket}: ${errorLine(err)}` }]);
                    tailStarted(bucket);
                  },
                );
              },
              (err: unknown) =>
                apply([create ? { type: 'namingError', message: errorLine(err) } : { type: 'pickerFailed', message: errorLine(err) }]),
            )
            .catch(() => undefined);
          return;
        }
      }
    },
    [session, onQuit, apply, preview],
  );

  // Engine events: log lines to the store, the rest folded into state in small batches.
  useEffect(() => {
    let queue: SessionEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const events = queue;
      queue = [];
      if (events.length) apply([{ type: 'session', events }]);
    };
    const off = session.on((event) => {
      if (event.type === 'LogLine') return store.push(event.line);
      queue.push(event);
      timer ??= setTimeout(flush, eventBatchMs);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [session, store, apply, eventBatchMs]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the start-up bucket is opened once, at mount
  useEffect(() => {
    if (startBucket && initialState.isRealAws) {
      // On AWS a missing --bucket is created only after the user says so.
      session.listBuckets().then(
        (buckets) =>
          buckets.includes(startBucket)
            ? run({ type: 'selectBucket', bucket: startBucket, create: false })
            : apply([
                {
                  type: 'openConfirm',
                  onYes: [{ type: 'selectBucket', bucket: startBucket, create: true }],
                  // Nothing will be tailed: keys fire (and S3 says NoSuchBucket) rather than wait for a tail forever.
                  onNo: [{ type: 'tailReady' }, { type: 'notice', message: `${startBucket} not created: b chooses another bucket` }],
                  message: `Bucket ${startBucket} does not exist in this account. Create it?`,
                },
              ]),
        () => run({ type: 'selectBucket', bucket: startBucket, create: false }),
      );
    } else if (startBucket) run({ type: 'selectBucket', bucket: startBucket, create: false });
    else if (initialState.overlay.kind === 'picker') run({ type: 'loadBuckets' });
    // Mount only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const onResize = () => apply([{ type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 24 }]);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, apply]);

  const layout = computeLayout(state.size.columns, state.size.rows);

  useInput((input: string, key: Key) => {
    for (const [oneInput, oneKey] of splitKeys(input, key)) {
      const current = stateRef.current;
      const snapshot = store.getSnapshot();
      const outcome = handleKey(current, oneInput, oneKey, {
        latestSeq: snapshot.latestSeq,
        maxBack: visibleLog(snapshot.lines, current.log, layout.logLines).maxBack,
        pageSize: layout.logLines,
        overlayMaxScroll: overlayLineCount(current) - (layout.height - layout.headerLines - 2),
        preview,
      });
      apply(outcome.actions);
      for (const effect of outcome.effects) run(effect);
    }
  });

  const theme = useMemo(() => makeTheme(noColor), [noColor]);
  const scope = footerScope(state);
  // `r` is off on a row it cannot replay: the footer says why (only the events table's footer has `r`).
  const { rows, selected, invocations, bucket } = state;
  const replayOff = useMemo(() => {
    if (scope !== 'events') return undefined;
    const replay = replayOfRow({ rows, selected, invocations, ...(bucket !== undefined ? { bucket } : {}) });
    return 'error' in replay ? replay.error.replace(/^replay: /, '') : undefined;
  }, [scope, rows, selected, invocations, bucket]);
  if (layout.tooSmall) {
    return (
      <ThemeContext.Provider value={theme}>
        <TooSmall columns={state.size.columns} rows={state.size.rows} />
      </ThemeContext.Provider>
    );
  }

  const bodyHeight = layout.height - layout.headerLines - 1;
  const o = state.overlay;
  const selectedRow = state.rows[state.selected];
  // A fan-out's row stands for several invocations: its child rows mark each one's lines.
  const highlight = selectedRow?.kind === 'op' && selectedRow.fanout ? undefined : selectedRow?.requestId;
  const notice = state.quitting ? 'quitting: stopping the tail and the sandbox… (Ctrl-C again exits at once)' : state.notice;

  let body: ReactNode;
  if (o.kind === 'help') body = <HelpOverlay height={bodyHeight} scroll={o.scroll} />;
  else if (o.kind === 'details') body = <DetailsView lines={detailsOf(state, o.rowKey)} height={bodyHeight} scroll={o.scroll} />;
  else if (o.kind === 'picker') body = <BucketPicker picker={o} height={bodyHeight} />;
  else
    body = (
      <>
        {o.kind === 'form' ? (
          <OpForm form={o} />
        ) : o.kind === 'confirm' ? (
          <ConfirmPrompt message={o.message} />
        ) : state.burst ? (
          <BurstPanel view={state.burst} width={layout.width} />
        ) : (
          <OpsPane
            bucket={state.bucket}
            params={state.params}
            createdKeys={state.createdKeys}
            selected={state.opsSelected}
            focused={state.focus === 'ops'}
          />
        )}
        <EventsTable
          rows={state.rows}
          invocations={state.invocations}
          selected={state.selected}
          offset={state.eventsOffset}
          height={layout.eventRows}
          width={layout.width}
          focused={state.focus === 'events'}
        />
        <LogPane
          store={store}
          view={state.log}
          height={layout.logLines}
          focused={state.focus === 'log'}
          highlightRequestId={highlight}
          emptyText={emptyLogText(state)}
        />
      </>
    );

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={layout.width} height={layout.height} overflow="hidden">
        <Header
          target={state.target}
          bucket={state.bucket}
          discovery={state.discovery}
          tails={state.tails}
          warnings={state.warnings}
          notice={notice}
          queued={queuedText(state)}
          reloaded={state.reloaded}
        />
        <Box flexDirection="column" height={bodyHeight} overflow="hidden">
          {body}
        </Box>
        {o.kind === 'filter' ? <FilterPrompt draft={o.draft} /> : <Footer scope={scope} width={layout.width} replayOff={replayOff} />}
      </Box>
    </ThemeContext.Provider>
  );
}
