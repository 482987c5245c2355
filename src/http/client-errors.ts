import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { problemBody } from './problem.js';

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (a malformed header line,
 * headers over the size limit, a request that never finishes): pass as Fastify's
 * `clientErrorHandler`, so those answers are problems like every other. Nothing about the
 * request is echoed back: it could not be parsed.
 */
export function clientErrorProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, detail] =
    error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'The request headers are too large'] :
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'The request took too long to arrive'] :
    [400, 'The request is not valid HTTP (a malformed request line or header)'];
  const body = JSON.stringify(problemBody(status, detail, {}, status === 400 ? [{ path: 'headers', message: 'malformed' }] : undefined));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/problem+json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\nConnection: close\r\n\r\n' +
      body,
  );
}
