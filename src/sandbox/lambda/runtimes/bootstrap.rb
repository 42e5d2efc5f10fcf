# The ruby execution environment's bootstrap, run as `ruby bootstrap.rb` (environment.ts).
# Same NDJSON protocol over fd 3 as bootstrap.py; handlers, context, log lines and errors as the AWS Ruby runtime
# has them (FILE.METHOD / FILE.CLASS.METHOD called with event: and context:, Function<…> / Init<…> errors).
require 'json'
require 'logger'
require 'stringio'

Encoding.default_external = Encoding::UTF_8
$stdout.sync = true
$stderr.sync = true

module S3triggerLambda
  BOOTSTRAP = File.expand_path(__FILE__)
  CONTROL = IO.new(3, 'r+')
  CONTROL.sync = true

  class << self
    attr_accessor :request_id
  end

  def self.send_message(msg)
    CONTROL.write("#{JSON.generate(msg)}\n")
  end

  # A standby (standby.ts) starts before its function is known: it waits for the environment's variables and task root.
  if ENV['S3TRIGGER_STANDBY'] == '1'
    send_message(type: 'standby')
    init = CONTROL.gets
    exit(0) unless init
    init = JSON.parse(init)
    ENV.replace(init['env'])
    Dir.chdir(init['cwd'])
  end

  # One log event: the runtime's telemetry sink keeps a multi-line message together; here "\n" becomes "\r".
  def self.write_event(text)
    text = text.to_s.encode('UTF-8', invalid: :replace, undef: :replace, replace: "\uFFFD")
    $stdout.write("#{text.chomp.gsub(/\r?\n/, "\r")}\n")
  end

  # The frames up to the runtime's own (AWS cuts its trace where the runtime's code begins), at most 100.
  def self.trace_of(error)
    frames = error.backtrace_locations&.map(&:to_s) || error.backtrace || []
    frames.take_while { |f| !f.start_with?("#{BOOTSTRAP}:") }.first(100)
  end

  # Displayed paths read as on Lambda, where the code is at /var/task (LAMBDA_TASK_ROOT stays the real directory).
  TASK_ROOTS = [ENV.fetch('LAMBDA_TASK_ROOT', nil), (File.realpath(ENV['LAMBDA_TASK_ROOT']) rescue nil)] # rubocop:disable Style/RescueModifier
               .compact.uniq.reject { |r| r == '/' }.sort_by { |r| -r.length }

  def self.as_on_lambda(text)
    TASK_ROOTS.reduce(text) { |t, root| t.gsub(root, '/var/task') }
  end

  # errorType as the runtime classifies: Function<Class> from the handler, Init<Class> while loading.
  def self.error_of(error, category)
    { 'errorType' => "#{category}<#{error.class}>", 'errorMessage' => error.message,
      'trace' => trace_of(error).map { |f| as_on_lambda(f) } }
  end

  # The Logger format of the AWS Ruby runtime: the request id where Logger puts nothing.
  class Formatter < ::Logger::Formatter
    def call(severity, time, progname, msg)
      format("%s, [%s #%d] %5s %s -- %s: %s\n", severity[0], format_datetime(time), Process.pid,
             severity, S3triggerLambda.request_id, progname, msg2str(msg))
    end
  end

  # Where a Logger on $stdout / $stderr writes: one event per record.
  class Sink
    def write(text)
      S3triggerLambda.write_event(text)
      text.bytesize
    end

    def close; end
  end

  # As on Lambda, a Logger created for $stdout, $stderr or nothing logs to the function's log in the runtime's format.
  module LoggerPatch
    def initialize(logdev = nil, *args, **kwargs)
      console = logdev.nil? || logdev == $stdout || logdev == $stderr || logdev == STDOUT || logdev == STDERR
      super(console ? Sink.new : logdev, *args, **kwargs)
      @default_formatter = Formatter.new if console
    end
  end

  class Context
    attr_reader :aws_request_id, :invoked_function_arn, :log_group_name, :log_stream_name, :function_name,
                :memory_limit_in_mb, :function_version, :identity, :client_context, :deadline_ms

    def initialize(msg)
      @aws_request_id = msg['requestId']
      @invoked_function_arn = msg['invokedFunctionArn']
      @log_group_name = ENV['AWS_LAMBDA_LOG_GROUP_NAME']
      @log_stream_name = ENV['AWS_LAMBDA_LOG_STREAM_NAME']
      @function_name = ENV['AWS_LAMBDA_FUNCTION_NAME']
      @memory_limit_in_mb = ENV['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']
      @function_version = ENV['AWS_LAMBDA_FUNCTION_VERSION']
      @deadline_ms = msg['deadline'].to_i
      @identity = nil
      @client_context = parse_client_context(msg['clientContext'])
    end

    def get_remaining_time_in_millis
      remaining = @deadline_ms - Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond)
      remaining.positive? ? remaining : 0
    end

    private

    def parse_client_context(text)
      text ? JSON.parse(text) : nil
    rescue JSON::ParserError
      nil
    end
  end

  # `FILE.METHOD` or `FILE.CLASS.METHOD`; FILE.rb must lie inside the task root (nothing else is ever loaded).
  def self.load_handler
    parts = ENV.fetch('_HANDLER', '').split('.')
    unless [2, 3].include?(parts.size)
      raise ArgumentError, "Invalid handler #{parts}, must be of form FILENAME.METHOD or FILENAME.CLASS.METHOD " \
                           'where FILENAME corresponds with an existing Ruby source file FILENAME.rb, CLASS is an optional ' \
                           'module/class namespace and METHOD is a callable method. If using CLASS, METHOD must be a class-level method.'
    end
    file = parts.first
    root = File.realpath(ENV.fetch('LAMBDA_TASK_ROOT', Dir.pwd))
    $LOAD_PATH.unshift(root) unless $LOAD_PATH.include?(root)
    use_vendored_gems(root)
    path = File.expand_path("#{file}.rb", root)
    real = File.file?(path) ? File.realpath(path) : nil
    raise LoadError, "cannot load such file -- #{file}" unless real&.start_with?("#{root}/")

    require real
    parts.size == 3 ? [parts[1], parts[2]] : [nil, parts[1]]
  end

  # As Lambda's GEM_PATH starts with /var/task/vendor/bundle/ruby/3.3.0: gems vendored with `bundle config set path
  # vendor/bundle`, for the requested runtime's version or for the ruby running here.
  def self.use_vendored_gems(root)
    return unless defined?(Gem)

    requested = ENV.fetch('AWS_EXECUTION_ENV', '')[/ruby(\d+\.\d+)\z/, 1]
    versions = [requested && "#{requested}.0", RbConfig::CONFIG['ruby_version']].compact.uniq
    vendored = versions.map { |v| File.join(root, 'vendor', 'bundle', 'ruby', v) }.select { |d| File.directory?(d) }
    Gem.paths = { 'GEM_HOME' => Gem.dir, 'GEM_PATH' => (vendored + Gem.path).join(File::PATH_SEPARATOR) } if vendored.any?
  end

  def self.call_handler(handler, event, context)
    klass, method = handler
    target = klass ? Kernel.const_get(klass) : TOPLEVEL_BINDING.receiver
    response = target.__send__(method, event: event, context: context)
    response.is_a?(StringIO) || response.is_a?(IO) ? response.read : response.to_json
  end

  def self.max_rss_mb
    kb = File.read('/proc/self/status')[/VmHWM:\s+(\d+) kB/, 1]
    kb ? (kb.to_i / 1024.0).round : nil
  rescue StandardError
    nil
  end

  def self.invoke(handler, msg)
    self.request_id = msg['requestId']
    # Per invocation, as AWS's runtimes set it: the AWS SDK copies it into X-Amzn-Trace-Id (recursion detection).
    msg['traceId'] ? ENV['_X_AMZN_TRACE_ID'] = msg['traceId'] : ENV.delete('_X_AMZN_TRACE_ID')
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    outcome =
      begin
        { 'ok' => true, 'result' => call_handler(handler, JSON.parse(msg['payload']), Context.new(msg)) }
      rescue NoMethodError, NameError => e # critical on Lambda: the runtime exits after answering (environment.ts kills it)
        { 'ok' => false, 'error' => error_of(e, 'Function'), 'fatal' => true }
      rescue StandardError => e
        { 'ok' => false, 'error' => error_of(e, 'Function') }
      rescue Exception => e # rubocop:disable Lint/RescueException -- SystemExit, ScriptError…: critical, as on Lambda
        { 'ok' => false, 'error' => error_of(e, 'Function'), 'fatal' => true }
      end
    duration = (Process.clock_gettime(Process::CLOCK_MONOTONIC) - started) * 1000
    $stdout.write("\x1e#{msg['requestId']}\x1e\n")
    $stderr.write("\x1e#{msg['requestId']}\x1e\n")
    self.request_id = nil
    send_message(outcome.merge('type' => 'done', 'requestId' => msg['requestId'], 'durationMs' => duration,
                               'maxRssMB' => max_rss_mb))
  end

  def self.main
    ::Logger.prepend(LoggerPatch)
    Kernel.module_eval do
      def puts(*args)
        out = StringIO.new
        out.puts(*args)
        S3triggerLambda.write_event(out.string)
        nil
      end
      private :puts
    end
    begin
      handler = load_handler
    rescue Exception => e # rubocop:disable Lint/RescueException -- any failure while loading is Init<…>
      send_message('type' => 'init-error', 'error' => error_of(e, 'Init'))
      handler = nil
    else
      send_message('type' => 'ready')
    end
    while (line = CONTROL.gets)
      msg = JSON.parse(line)
      invoke(handler, msg) if msg['type'] == 'invoke' && handler
    end
  end
end

S3triggerLambda.main
