import { createRequire } from 'node:module';
import { LogController, type FastifyBaseLogger, type FastifyContextConfig, type FastifyReply, type FastifyRequest, type FastifyServerOptions, type RouteOptions } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions } from 'pino';
import type { Config } from './config.js';

/**
 * Request logs carry the method and path only: query strings may hold searched names and
 * bodies hold personal data, so neither is ever logged; secrets are redacted.
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["idempotency-key"]'],
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
    },
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The path carries a secret or typed text (an invitation token, a scanned code that could be
     * anything typed): request logs show the route's pattern instead.
     */
    logRouteNotPath?: boolean;
    /** Set by `decideLogPath` when the route is registered: the pattern its log lines show. */
    logPathAs?: string;
  }
}

/**
 * Fastify's own route context, where a route's config lives: `request.routeOptions` builds a
 * new object (a dozen fields, a constraint lookup) on every read, and the log line runs on every
 * request. Falls back to `routeOptions` should a Fastify version name its symbol otherwise.
 */
const kRouteContext = (createRequire(import.meta.url)('fastify/lib/symbols.js') as { kRouteContext?: symbol }).kRouteContext;

/** A request's route config (undefined for a request that matched no route), read without building `routeOptions`. */
export function routeConfigOf(request: FastifyRequest): FastifyContextConfig | undefined {
  if (kRouteContext) {
    const context = (request as unknown as Record<symbol, { config?: FastifyContextConfig } | undefined>)[kRouteContext];
    if (context) return context.config;
  }
  return request.routeOptions.config;
}

/**
 * An onRoute hook for the root (before any route): a route with `logRouteNotPath` gets the
 * pattern its log lines show decided once, here, not on every request.
 */
export function decideLogPath(route: RouteOptions): void {
  if (route.config?.logRouteNotPath) route.config = { ...route.config, logPathAs: route.url };
}

/**
 * One line per request, when it is answered (Fastify's default writes two), with what an
 * operator reads: method, path, status, time. The path is cut before the query string, where
 * searched names would be; no header is logged. A route whose path holds a secret or typed
 * text is logged by its pattern: `/invitation/:token`, `/api/v1/scan/:code`.
 * `{"level":30,"time":…,"pid":…,"hostname":…,"reqId":"req-1","method":"GET","path":"/api/v1/scan/OP-000042","statusCode":200,"responseTime":0.41,"msg":"request completed"}`
 * The line goes through the server's logger with the request id inline, so that a request that
 * logs nothing else never has its child logger made (see `RequestLogger`).
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error || this.isLogDisabled(request)) return super.requestCompleted(error, request, reply);
    const url = request.url;
    const query = url.indexOf('?');
    const pattern = routeConfigOf(request)?.logPathAs;
    const path = pattern ?? (query < 0 ? url : url.slice(0, query));
    // `reqId`: Fastify's default requestIdLogLabel, which this service keeps.
    const parent = request.log instanceof RequestLogger ? request.log.quietParent() : undefined;
    if (parent) parent.info({ reqId: request.id, method: request.method, path, statusCode: reply.statusCode, responseTime: reply.elapsedTime }, 'request completed');
    else request.log.info({ method: request.method, path, statusCode: reply.statusCode, responseTime: reply.elapsedTime }, 'request completed');
  }
}

type LogArguments = [unknown, ...unknown[]];

/**
 * A request's logger, made by pino only when something logs through it. Fastify gives every
 * request a pino child; making one (bindings serialised, a logger object with its own methods)
 * was most of the request line's cost, and most requests log nothing but that line.
 */
export class RequestLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** The server's logger, while this request's own is not made and writes at the same level. */
  quietParent(): FastifyBaseLogger | undefined {
    return this.#child || this.options.level || this.options.serializers ? undefined : this.parent;
  }

  private get made(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.#child?.level ?? this.options.level ?? this.parent.level;
  }
  set level(level: string) {
    this.made.level = level;
  }
  fatal(...args: LogArguments): void {
    (this.made.fatal as (...a: LogArguments) => void)(...args);
  }
  error(...args: LogArguments): void {
    (this.made.error as (...a: LogArguments) => void)(...args);
  }
  warn(...args: LogArguments): void {
    (this.made.warn as (...a: LogArguments) => void)(...args);
  }
  info(...args: LogArguments): void {
    (this.made.info as (...a: LogArguments) => void)(...args);
  }
  debug(...args: LogArguments): void {
    (this.made.debug as (...a: LogArguments) => void)(...args);
  }
  trace(...args: LogArguments): void {
    (this.made.trace as (...a: LogArguments) => void)(...args);
  }
  silent(...args: LogArguments): void {
    (this.made.silent as (...a: LogArguments) => void)(...args);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: a `RequestLogger` per request. */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new RequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}

/** Where the server's log lines go, and how to push out what is still buffered. */
export interface LogSink {
  stream: { write(line: string): void };
  /** Writes the buffered lines now (synchronously): before a fatal exit, on close. */
  flush(): void;
}

/**
 * Log lines gathered into blocks of 4 KB, each written with one synchronous write: a write per
 * line cost about 5 µs of a request's CPU. A line never waits more than `flushMs`: a timer writes
 * what is buffered, the crash guard and the close path flush, and so does the process's exit
 * event, so a crash or a SIGTERM loses nothing (only `kill -9` can lose the last `flushMs`).
 */
export function bufferedLogSink(fd = 1, flushMs = 250): LogSink {
  const destination = pino.destination({ dest: fd, sync: true, minLength: 4096 });
  const flush = () => {
    try {
      destination.flushSync();
    } catch {
      // Destroyed (the process is ending): nothing is left to write.
    }
  };
  setInterval(flush, flushMs).unref();
  process.on('exit', flush);
  return { stream: destination, flush };
}
