# The python execution environment's bootstrap, run as `python3 bootstrap.py` (environment.ts).
# Same NDJSON protocol over fd 3 as bootstrap.mjs.
import importlib, json, logging, os, resource, socket, sys, time, traceback

control = socket.socket(fileno=3)
commands = control.makefile('rb')

def send(msg):
    control.sendall((json.dumps(msg) + '\n').encode())

for stream in (sys.stdout, sys.stderr):
    try:
        stream.reconfigure(line_buffering=True)
    except Exception:
        pass

current = {'id': None}

class LambdaLoggingHandler(logging.Handler):
    """The runtime's logging format: [LEVEL]\t<ISO>\t<requestId>\t<message>, one event per record."""
    def emit(self, record):
        try:
            msg = self.format(record)
            ts = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(record.created)) + '.%03dZ' % int(record.msecs)
            line = '[%s]\t%s\t%s\t%s' % (record.levelname, ts, current['id'] or '', msg)
            sys.stdout.write(line.replace('\r\n', '\r').replace('\n', '\r') + '\n')
        except Exception:
            self.handleError(record)

logging.getLogger().addHandler(LambdaLoggingHandler())

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
    frames = traceback.format_list(traceback.extract_tb(e.__traceback__)[skip:])
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
