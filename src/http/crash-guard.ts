import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import { sendProblem } from './problem.js';

interface RequestScope {
  reply: FastifyReply;
  /** Work in flight that an escaped error must fail (a PDF being rendered inside a transaction). */
  aborts: Set<(error: Error) => void>;
}

const scope = new AsyncLocalStorage<RequestScope>();

/**
 * Runs each handler inside an async context that remembers its reply, so an error thrown later
 * by a callback the handler started (pdfkit decodes images in zlib callbacks) can still be
 * traced to its request: see `installCrashGuard`.
 */
export function registerRequestScope(app: FastifyInstance): void {
  app.addHook('preHandler', (_request, reply, done) => {
    scope.run({ reply, aborts: new Set() }, done);
  });
}

/**
 * Lets in-flight work be failed by an escaped error of its request: `fail` is called with it
 * (e.g. a promise's reject, so the transaction rolls back). Returns the function that forgets it.
 */
export function onRequestCrash(fail: (error: Error) => void): () => void {
  const current = scope.getStore();
  if (!current) return () => {};
  current.aborts.add(fail);
  return () => current.aborts.delete(fail);
}

/**
 * Process-level guard (the server calls it once): an error that escapes a request's async work
 * is logged, fails that request's pending work and answers it 500, and the process keeps
 * serving everybody else. An error outside any request is still fatal: the state of the process
 * is then unknown, and the supervisor restarts it. Either way the buffered log lines are written
 * at once (`flushLogs`), the error's own line with them.
 */
export function installCrashGuard(log: FastifyBaseLogger, onFatal: () => void, flushLogs: () => void = () => {}): void {
  process.on('uncaughtException', (error) => {
    const current = scope.getStore();
    if (!current) {
      log.fatal({ err: error }, 'uncaught exception outside a request');
      flushLogs();
      onFatal();
      return;
    }
    current.reply.log.error({ err: error }, 'uncaught exception in a request: answered 500, process kept');
    flushLogs();
    const failed = error instanceof Error ? error : new Error(String(error));
    for (const fail of current.aborts) fail(failed);
    current.aborts.clear();
    // Answer only if nothing else did meanwhile (a failed promise goes through the error handler).
    setImmediate(() => {
      if (!current.reply.sent) void sendProblem(current.reply, 500, 'An unexpected error occurred; it has been logged.');
    });
  });
  process.on('unhandledRejection', (reason) => {
    // A rejected promise nobody awaited: the request that made it has answered or will time out.
    (scope.getStore()?.reply.log ?? log).error({ err: reason }, 'unhandled promise rejection');
    flushLogs();
  });
}
