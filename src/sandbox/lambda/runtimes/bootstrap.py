# The python execution environment's bootstrap, run as `python3 bootstrap.py` (environment.ts).
# Same NDJSON protocol over fd 3 as bootstrap.mjs.
import importlib, json, logging, os, resource, socket, sys, time, traceback

control = socket.socket(fileno=3)
commands = control.makefile('rb')

def send(msg):
    control.sendall((json.dumps(msg) + '\n').encode())

# A standby (standby.ts) starts before its function is known: it waits for the environment's variables and task root.
if os.environ.get('S3TRIGGER_STANDBY') == '1':
    send({'type': 'standby'})
    _init = commands.readline()
    if not _init:
        sys.exit(0)
    _init = json.loads(_init)
    os.environ.clear()
    os.environ.update(_init['env'])
    os.chdir(_init['cwd'])
    del _init

for stream in (sys.stdout, sys.stderr):
    try:
        stream.reconfigure(line_buffering=True)
    except Exception:
        pass

current = {'id': None}

# Displayed paths read as on Lambda, where the code is at /var/task (LAMBDA_TASK_ROOT stays the real directory).
_ROOTS = sorted({r for r in (os.environ.get('LAMBDA_TASK_ROOT'), os.path.realpath(os.environ.get('LAMBDA_TASK_ROOT') or '/')) if r and r != '/'},
                key=len, reverse=True)

def as_on_lambda(text):
    for root in _ROOTS:
        text = text.replace(root, '/var/task')
    return text

# AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL as Lambda sets them from the LoggingConfig (JSON only).
JSON_FORMAT = (os.environ.get('AWS_LAMBDA_LOG_FORMAT') or '').upper() == 'JSON'
_LOG_LEVEL = {'TRACE': 'DEBUG'}.get((os.environ.get('AWS_LAMBDA_LOG_LEVEL') or '').upper(), (os.environ.get('AWS_LAMBDA_LOG_LEVEL') or '').upper())
_RESERVED = set(vars(logging.LogRecord('', 0, '', 0, '', (), None))) | {'message', 'asctime', 'aws_request_id'}

def json_record(record):
    """The runtime's JSON record: timestamp, level, message, logger, requestId; exception fields and extras when present."""
    level = logging.getLevelName(min(50, max(0, record.levelno)) // 10 * 10)
    out = {
        'timestamp': time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(record.created)) + '.%03dZ' % int(record.msecs),
        'level': level,
        'message': record.getMessage(),
        'logger': record.name,
    }
    if record.exc_info:
        out['stackTrace'] = [as_on_lambda(f) for f in traceback.format_tb(record.exc_info[2])]
        out['errorType'] = record.exc_info[0].__name__
        out['errorMessage'] = str(record.exc_info[1])
    out['requestId'] = current['id'] or ''
    if record.exc_info:
        out['location'] = '%s:%s:%s' % (as_on_lambda(record.pathname), record.funcName, record.lineno)
    for key, value in vars(record).items():
        if key not in _RESERVED and key not in out:
            out[key] = value
    return json.dumps(out, ensure_ascii=False, default=str)

class LambdaLoggingHandler(logging.Handler):
    """The runtime's logging format: [LEVEL]\t<ISO>\t<requestId>\t<message> (or a JSON record), one event per record."""
    def emit(self, record):
        try:
            if JSON_FORMAT:
                sys.stdout.write(json_record(record) + '\n')
                return
            msg = self.format(record)
            ts = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(record.created)) + '.%03dZ' % int(record.msecs)
            line = '[%s]\t%s\t%s\t%s' % (record.levelname, ts, current['id'] or '', msg)
            sys.stdout.write(line.replace('\r\n', '\r').replace('\n', '\r') + '\n')
        except Exception:
            self.handleError(record)

logging.getLogger().addHandler(LambdaLoggingHandler())
if _LOG_LEVEL in logging._nameToLevel:
    logging.getLogger().setLevel(_LOG_LEVEL)

class LambdaContext:
    def __init__(self, msg):
        env = os.environ
        self.aws_request_id = msg['requestId']
        self.function_name = env.get('AWS_LAMBDA_FUNCTION_NAME')
        self.function_version = env.get('AWS_LAMBDA_FUNCTION_VERSION', '$LATEST')
        self.invoked_function_arn = msg.get('invokedFunctionArn')
        self.memory_limit_in_mb = env.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE')
        self.log_group_name = env.get('AWS_LAMBDA_LOG_GROUP_NAME')
        self.log_stream_name = env.get('AWS_LAMBDA_LOG_STREAM_NAME')
        self.identity = None
        try:
            self.client_context = json.loads(msg['clientContext']) if msg.get('clientContext') else None
        except ValueError:
            self.client_context = None
        self._deadline = msg['deadline']

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline - time.time() * 1000))

def error_of(e, error_type=None, skip=0):
    frames = [as_on_lambda(f) for f in traceback.format_list(traceback.extract_tb(e.__traceback__)[skip:])]
    return {'errorType': error_type or type(e).__name__, 'errorMessage': str(e), 'trace': frames}

def inside(root, path):
    path = os.path.realpath(path)
    return path != root and path.startswith(root + os.sep)

def module_in_task_root(root, module_name):
    """True when the module is a file (or package) inside the task root; nothing outside it is ever imported."""
    parts = module_name.split('.')
    if not all(p and p.strip() == p and '\\' not in p for p in parts):
        return False
    base = os.path.join(root, *parts)
    candidates = [base + '.py', os.path.join(base, '__init__.py'), base + '.pyc', base + '.so']
    candidates += [os.path.join(os.path.dirname(base), f) for f in os.listdir(os.path.dirname(base))
                   if f.startswith(parts[-1] + '.') and f.endswith('.so')] if os.path.isdir(os.path.dirname(base)) else []
    return any(os.path.isfile(c) and inside(root, c) for c in candidates)

def load_handler():
    spec = os.environ.get('_HANDLER', '')
    module_path, _, fn_name = spec.rpartition('.')
    module_name = module_path.replace('/', '.')
    root = os.path.realpath(os.environ.get('LAMBDA_TASK_ROOT', os.getcwd()))
    sys.path.insert(0, root)
    if not module_in_task_root(root, module_name):
        raise RuntimeError({'errorType': 'Runtime.ImportModuleError', 'trace': [],
                            'errorMessage': "Unable to import module '%s': No module named '%s' in the task root" % (module_name, module_name)})
    try:
        module = importlib.import_module(module_name)
        if not inside(root, getattr(module, '__file__', None) or root):
            raise ImportError("No module named '%s' in the task root" % module_name)
    except SyntaxError as e:
        raise RuntimeError(error_of(e, 'Runtime.UserCodeSyntaxError', 1))
    except ImportError as e:
        err = error_of(e, 'Runtime.ImportModuleError', 1)
        err['errorMessage'] = "Unable to import module '%s': %s" % (module_name, e)
        raise RuntimeError(err)
    except Exception as e:
        raise RuntimeError(error_of(e, None, 1))
    fn = getattr(module, fn_name, None)
    if not callable(fn):
        raise RuntimeError({'errorType': 'Runtime.HandlerNotFound', 'errorMessage': "Handler '%s' missing on module '%s'" % (fn_name, module_name), 'trace': []})
    return fn

def invoke(handler, msg):
    request_id = msg['requestId']
    # Per invocation, as AWS's runtimes set it: botocore copies it into X-Amzn-Trace-Id (recursion detection).
    if msg.get('traceId'):
        os.environ['_X_AMZN_TRACE_ID'] = msg['traceId']
    else:
        os.environ.pop('_X_AMZN_TRACE_ID', None)
    current['id'] = request_id
    started = time.perf_counter()
    try:
        result = handler(json.loads(msg['payload']), LambdaContext(msg))
        try:
            outcome = {'ok': True, 'result': json.dumps(result)}
        except Exception as e:
            outcome = {'ok': False, 'error': {'errorType': 'Runtime.MarshalError', 'errorMessage': 'Unable to marshal response: %s' % e, 'trace': []}}
    except Exception as e:
        outcome = {'ok': False, 'error': error_of(e, None, 1)}
    duration = (time.perf_counter() - started) * 1000
    sys.stdout.write('\x1e%s\x1e\n' % request_id)
    sys.stdout.flush()
    sys.stderr.write('\x1e%s\x1e\n' % request_id)
    sys.stderr.flush()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    outcome.update({'type': 'done', 'requestId': request_id, 'durationMs': duration, 'maxRssMB': max_rss})
    current['id'] = None
    send(outcome)

def main():
    try:
        handler = load_handler()
    except RuntimeError as e:
        sys.stdout.flush()
        send({'type': 'init-error', 'error': e.args[0]})
        handler = None
    else:
        sys.stdout.flush()
        send({'type': 'ready'})
    for raw in commands:
        msg = json.loads(raw)
        if msg.get('type') == 'invoke' and handler:
            invoke(handler, msg)

main()
