// The node execution environment's bootstrap, run as `node bootstrap.mjs` (environment.ts): loads the handler inside
// the task root and runs invocations. Protocol: NDJSON over fd 3 (see environment.ts).
import net from 'node:net';
import { format } from 'node:util';
import { pathToFileURL } from 'node:url';
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const control = new net.Socket({ fd: 3, readable: true, writable: true });
const send = (msg) => control.write(`${JSON.stringify(msg)}\n`);
let current;
control.setEncoding('utf8');

// A standby (standby.ts) starts before its function is known: it waits for the environment's variables and task root.
if (process.env.S3TRIGGER_STANDBY === '1') {
  const init = await new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl === -1) return;
      control.off('data', onData);
      control.off('end', onEnd);
      resolve(JSON.parse(buffered.slice(0, nl)));
    };
    const onEnd = () => process.exit(0);
    control.on('data', onData);
    control.on('end', onEnd);
    send({ type: 'standby' });
  });
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, init.env);
  process.chdir(init.cwd);
}

// Displayed paths read as on Lambda, where the code is at /var/task (LAMBDA_TASK_ROOT stays the real directory).
const TASK_ROOTS = [...new Set([process.env.LAMBDA_TASK_ROOT, safeRealpath(process.env.LAMBDA_TASK_ROOT)])]
  .filter((r) => r && r !== '/')
  .sort((a, b) => b.length - a.length);
function safeRealpath(p) {
  try {
    return p ? realpathSync(p) : undefined;
  } catch {
    return undefined;
  }
}
const asOnLambda = (text) => TASK_ROOTS.reduce((t, root) => t.split(root).join('/var/task'), text);
const stackLines = (e) => (typeof e.stack === 'string' ? asOnLambda(e.stack).split('\n') : []);

// AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL as Lambda sets them from the LoggingConfig (JSON only).
const JSON_FORMAT = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
const ORDER = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const minLevel = Math.max(0, ORDER.indexOf(process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? 'TRACE'));

// The runtime's JSON record: one argument is kept as the message itself (objects stay JSON, an Error becomes
// {errorType, errorMessage, stackTrace}); several are formatted, with the first Error's fields beside the message.
function errorReplacer(_key, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    { errorType: value.constructor?.name ?? 'UnknownError', errorMessage: value.message, stackTrace: stackLines(value) },
    value,
  );
}
function jsonRecord(level, args) {
  const record = { timestamp: new Date().toISOString(), level, requestId: current?.requestId };
  if (args.length === 1) {
    try {
      return JSON.stringify({ ...record, message: args[0] }, errorReplacer);
    } catch {
      return JSON.stringify({ ...record, message: format(args[0]) });
    }
  }
  const first = args.find((a) => a instanceof Error);
  const fields = first
    ? { errorType: first.constructor?.name ?? 'UnknownError', errorMessage: first.message, stackTrace: stackLines(first) }
    : {};
  return JSON.stringify({ ...record, message: asOnLambda(format(...args)), ...fields });
}

const LEVELS = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'FATAL' };
for (const [name, level] of Object.entries(LEVELS)) {
  console[name] =
    ORDER.indexOf(level) < minLevel
      ? () => {}
      : JSON_FORMAT
        ? (...args) => send({ type: 'log', json: true, message: jsonRecord(level, args) })
        : (...args) => {
            const text = format(...args);
            const message = args.some((a) => a instanceof Error) ? asOnLambda(text) : text;
            send({ type: 'log', ts: Date.now(), requestId: current?.requestId, level, message });
          };
}
console.log = console.info;

function toError(e, fallbackType) {
  if (e instanceof Error) {
    return { errorType: fallbackType ?? (e.name || 'Error'), errorMessage: e.message, trace: stackLines(e) };
  }
  return { errorType: fallbackType ?? typeof e, errorMessage: String(e), trace: [] };
}

async function loadHandler() {
  const spec = process.env._HANDLER ?? '';
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const dot = spec.lastIndexOf('.');
  const modulePath = dot > 0 ? spec.slice(0, dot) : spec;
  const fnName = dot > 0 ? spec.slice(dot + 1) : 'handler';
  // The module must be a file inside the task root: no '..', no absolute path, no symlink out of it.
  const realRoot = realpathSync(root);
  const inside = (p) => {
    const rel = relative(realRoot, p);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };
  const file = ['.js', '.mjs', '.cjs']
    .map((ext) => resolve(realRoot, modulePath + ext))
    .find((p) => inside(p) && existsSync(p) && inside(realpathSync(p)));
  if (!file) {
    const where = inside(resolve(realRoot, modulePath)) ? '' : ' (handlers load from the task root only)';
    throw Object.assign(new Error(`Error: Cannot find module '${modulePath}'${where}`), { lambdaType: 'Runtime.ImportModuleError' });
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    if (e instanceof SyntaxError) throw Object.assign(e, { lambdaType: 'Runtime.UserCodeSyntaxError' });
    throw e;
  }
  const fn = mod[fnName] ?? mod.default?.[fnName];
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), { lambdaType: 'Runtime.HandlerNotFound' });
  }
  return fn;
}

// Whether stdout or stderr was written through its stream since the last end markers: only then are markers written
// (two pipe writes here and two reads in the sandbox per invocation). Without them the 'done' says `quiet` and the
// sandbox waits one event-loop turn instead, which reads what reached the pipes another way (fs.writeSync(1), a
// finished child process's output) before 'done' did (environment.ts).
let wroteOutput = false;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write;
  stream.write = function (...args) {
    wroteOutput = true;
    return write.apply(this, args);
  };
}

function finish(requestId, outcome, durationMs) {
  const quiet = !wroteOutput;
  if (!quiet) {
    process.stdout.write(`\x1e${requestId}\x1e\n`);
    process.stderr.write(`\x1e${requestId}\x1e\n`);
    wroteOutput = false;
  }
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  send({ type: 'done', requestId, durationMs, maxRssMB, ...(quiet ? { quiet } : {}), ...outcome });
  current = undefined;
}

function parseClientContext(text) {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function makeContext(msg) {
  const env = process.env;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: msg.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: msg.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: parseClientContext(msg.clientContext),
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
  };
}

async function invoke(handler, msg) {
  current = { requestId: msg.requestId, startedAt: performance.now() };
  // Per invocation, as AWS's runtimes set it: the AWS SDK copies it into X-Amzn-Trace-Id (recursion detection).
  if (msg.traceId) process.env._X_AMZN_TRACE_ID = msg.traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  const context = makeContext(msg);
  let outcome;
  try {
    const event = JSON.parse(msg.payload);
    const result = await new Promise((resolve, reject) => {
      const callback = (err, res) => (err != null ? reject(err) : resolve(res));
      Object.assign(context, { done: callback, succeed: (r) => callback(null, r), fail: (e) => callback(e ?? 'failed') });
      const r = handler(event, context, callback);
      if (r && typeof r.then === 'function') r.then(resolve, reject);
      else if (handler.length < 3) resolve(r);
    });
    outcome = { ok: true, result: JSON.stringify(result) ?? 'null' };
  } catch (e) {
    outcome = { ok: false, error: toError(e) };
  }
  if (current?.requestId === msg.requestId) finish(msg.requestId, outcome, performance.now() - current.startedAt);
}

function fatal(e, type) {
  const error = toError(e, type);
  if (current) finish(current.requestId, { ok: false, error, fatal: true }, performance.now() - current.startedAt);
  else send({ type: 'fatal', error });
}
process.on('uncaughtException', (e) => fatal(e));
process.on('unhandledRejection', (e) => fatal(e, 'Runtime.UnhandledPromiseRejection'));

let handler;
try {
  handler = await loadHandler();
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'init-error', error: toError(e, e?.lambdaType) });
}

let buffered = '';
control.on('data', (chunk) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
    const msg = JSON.parse(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
    if (msg.type === 'invoke' && handler) void invoke(handler, msg);
  }
});
control.on('end', () => process.exit(0));
