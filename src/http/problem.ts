import type { FastifyReply } from 'fastify';
import { z } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error that becomes an RFC 9457 problem answer; `extra` adds members such as `currentStatus`. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new ProblemError(400, detail, {}, errors);
export const notFound = (what: string) => new ProblemError(404, `${what} not found`);
export const conflict = (detail: string, extra?: Record<string, unknown>) => new ProblemError(409, detail, extra);
export const forbidden = (detail: string) => new ProblemError(403, detail);

export function problemBody(status: number, detail: string, extra: Record<string, unknown> = {}, errors?: FieldError[]) {
  const title = TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
  return {
    type: `https://ordipratique.grandchambery.fr/problems/${title.toLowerCase().replace(/ /g, '-')}`,
    title,
    status,
    detail,
    ...extra,
    ...(errors ? { errors } : {}),
  };
}

/** Sent as a string so no route's response schema can reshape or reject it. */
export function sendProblem(reply: FastifyReply, status: number, detail: string, extra?: Record<string, unknown>, errors?: FieldError[]) {
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(problemBody(status, detail, extra, errors)));
}

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
