import type { FastifySchema, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANY_ROLE } from './auth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The 200 answer is also offered as `text/csv` (chosen with `Accept` or `format=csv`). */
    csv?: boolean;
    /** Headers an answer carries beyond the ones every route of its kind has, for the document: status → name → description. */
    responseHeaders?: Record<number, Record<string, string>>;
  }
}

/** The one schema of every PDF answer. */
export const pdfDocument = z.string().meta({ id: 'PdfDocument', format: 'binary', contentMediaType: 'application/pdf', description: 'A PDF document' });

/** The 200 answer of a PDF route: `response: { 200: pdfResponse() }`. */
export function pdfResponse(description = 'The PDF document') {
  return { description, content: { 'application/pdf': { schema: pdfDocument } } };
}

// The document is derived from the routes: schemas, config (roles, idempotency, CSV) and the
// answers every route shares. Route files stay thin; what follows says it once for all.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROBLEM = { $ref: '#/components/schemas/Problem' };
const STRING = { type: 'string' };
const HEADERS: Record<string, { description: string; schema?: Json }> = {
  ETag: { description: 'The version of what was answered; send it back as `If-None-Match` (or `If-Match` to change it)' },
  'Content-Disposition': { description: 'The file name to save the document under' },
  'Idempotent-Replayed': { description: '`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`', schema: { type: 'string', enum: ['true'] } },
  'WWW-Authenticate': { description: 'The authentication scheme: `Bearer`' },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'string', pattern: '^\\d+$' } },
  Allow: { description: 'The methods the path does answer' },
};

function header(name: string, description = HEADERS[name]?.description ?? name, required = false): Json {
  return { ...(HEADERS[name]?.schema ?? STRING), description, ...(required ? { 'x-required': true } : {}) };
}

const PROBLEMS: Record<string, string> = {
  400: 'The request is malformed or a field is invalid; `errors` names each field',
  401: 'No valid API key was sent',
  403: 'The API key’s role may not do this',
  404: 'Nothing exists at this address',
  409: 'The request conflicts with the current state (e.g. a device’s status), or its `Idempotency-Key` is still being processed',
  412: 'The resource changed since the `If-Match` version was read',
  429: 'Too many requests: wait `Retry-After` seconds',
  422: 'The `Idempotency-Key` was already used with a different request, or the request cannot be carried out as asked',
  '4XX': 'The request was refused; the problem says why',
  '5XX': 'The server failed; nothing was changed',
};

function problem(status: string, headers?: Json): Json {
  return { description: PROBLEMS[status] ?? 'A problem', ...(headers ? { headers } : {}), content: { 'application/problem+json': { schema: PROBLEM } } };
}

/** "ShipmentSummary" → "shipment summary". */
function humanise(ref: string): string {
  const words = ref.split('/').pop()!.replace(/Input$/, '').replace(/^Created/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.replace(/\bapi\b/g, 'API');
}

function successDescription(status: string, schema: Json, summary: string | undefined): string {
  if (schema.description) return schema.description;
  if (status === '204') return 'Done; nothing to answer';
  const items = schema.properties?.items?.items?.$ref;
  if (items && schema.properties.nextCursor) return `One page of ${humanise(items)} items, and the cursor of the next`;
  if (items) return `Every ${humanise(items)}, in one list`;
  if (schema.$ref) return `${status === '201' ? 'Created: the' : 'The'} ${humanise(schema.$ref)}${schema.$ref.endsWith('/CreatedApiKey') ? ', with its secret (shown once)' : ''}`;
  return summary ? `${status === '201' ? 'Created. ' : ''}${summary}` : 'Success';
}

function isOptionalBody(body: unknown): boolean {
  return body instanceof z.ZodType && body.safeParse(undefined).success;
}

/** Adds a header parameter to a route's JSON-schema `headers` object. */
function withHeaderParam(headers: Json | undefined, name: string, schema: Json): Json {
  const base = headers ?? { type: 'object', properties: {} };
  return { ...base, properties: { ...base.properties, [name]: schema } };
}

const HEADER_NAMES: Record<string, string> = { 'if-match': 'If-Match', 'if-none-match': 'If-None-Match', 'idempotency-key': 'Idempotency-Key' };

/** `transform` for @fastify/swagger: zod → JSON Schema, then what every route shares. */
export function describeRoute(input: Parameters<typeof jsonSchemaTransform>[0] & { route: RouteOptions }) {
  const { schema, url } = jsonSchemaTransform(input) as { schema: Json; url: string };
  if (schema.hide) return { schema, url };
  const route = input.route;
  const source = (route.schema ?? {}) as FastifySchema & Json;
  const config = (route.config ?? {}) as Json;
  // A route that names no roles admits ANY_ROLE, which leaves `trainer` out: say so too.
  const roles: readonly string[] | undefined = config.public ? undefined : (config.roles ?? ANY_ROLE);
  const responses: Json = schema.response ?? {};
  const conditional = '304' in responses;

  // Roles as bearer scopes: admin may always.
  if (config.public) schema.security = [];
  else if (roles) schema.security = [{ bearer: ['admin', ...roles.filter((r) => r !== 'admin')] }];

  let headers: Json | undefined = schema.headers;
  if (headers?.properties) {
    headers = {
      ...headers,
      properties: Object.fromEntries(Object.entries(headers.properties).map(([k, v]) => [HEADER_NAMES[k] ?? k, v])),
      ...(headers.required ? { required: headers.required.map((k: string) => HEADER_NAMES[k] ?? k) } : {}),
    };
  }
  if (config.idempotent) {
    headers = withHeaderParam(headers, 'Idempotency-Key', {
      type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$',
      description: 'Any unique string (a UUID): a repeated request with the same key replays the first answer instead of acting twice (24 h)',
    });
  }
  if (conditional) {
    headers = withHeaderParam(headers, 'If-None-Match', { type: 'string', maxLength: 1000, description: 'The `ETag` you hold: 304 while it is current' });
  }
  const ifMatch = Boolean(headers?.properties?.['If-Match']);
  if (headers) schema.headers = headers;

  const described: Json = {};
  for (const [status, raw] of Object.entries(responses) as [string, Json][]) {
    if (/^[45]/.test(status)) continue;
    const extra: Json = {};
    if (status.startsWith('2') && config.idempotent) extra['Idempotent-Replayed'] = header('Idempotent-Replayed');
    if ((status === '200' && (conditional || ifMatch)) || status === '304') extra.ETag = header('ETag', undefined, true);
    for (const [name, description] of Object.entries(config.responseHeaders?.[status] ?? {})) extra[name] = header(name, description as string);
    if (raw.type === 'null') {
      const description = status === '304' ? 'Not modified: the `ETag` you sent is still current (no body)' : successDescription(status, raw, source.summary);
      described[status] = { type: 'null', description, ...(Object.keys(extra).length ? { headers: extra } : {}) };
      continue;
    }
    let content: Json;
    let description: string;
    if (raw.content) {
      content = raw.content;
      description = raw.description ?? 'Success';
      if (content['application/pdf']) extra['Content-Disposition'] = header('Content-Disposition', undefined, true);
    } else {
      content = { 'application/json': { schema: raw } };
      description = successDescription(status, raw, source.summary);
      if (status === '200' && config.csv) {
        content['text/csv'] = { schema: { type: 'string', description: 'UTF-8 CSV (RFC 4180), one row per item' } };
        extra['Content-Disposition'] = header('Content-Disposition', 'The file name, on CSV answers');
        description += '; as CSV with `Accept: text/csv`';
      }
    }
    described[status] = { description, ...(Object.keys(extra).length ? { headers: extra } : {}), content };
  }

  const hasInput = Boolean(schema.body || schema.querystring || schema.params || schema.headers);
  if (hasInput) described[400] = problem('400');
  if (!config.public) described[401] = problem('401', { 'WWW-Authenticate': header('WWW-Authenticate', undefined, true) });
  if (roles) described[403] = problem('403');
  if (schema.params) described[404] = problem('404');
  if (config.idempotent) {
    described[409] = problem('409');
    described[422] = problem('422');
  }
  if (ifMatch) described[412] = problem('412');
  for (const [status, names] of Object.entries(config.responseHeaders ?? {}) as [string, Record<string, string>][]) {
    if (!/^[45]/.test(status)) continue;
    const extra = Object.fromEntries(Object.entries(names).map(([name, description]) => [name, header(name, description)]));
    described[status] = problem(status, extra);
  }
  // Every keyed request may meet a rate limit (failed keys per address, expensive work per key).
  // An address throttled for wrong keys is also told how to authenticate.
  if (!config.public) described[429] = problem('429', { 'Retry-After': header('Retry-After', 'Seconds to wait before trying again', true), 'WWW-Authenticate': header('WWW-Authenticate') });
  described['4XX'] = problem('4XX');
  described['5XX'] = problem('5XX');
  if (config.idempotent) {
    // A refused request is stored and replayed like an accepted one.
    for (const [status, response] of Object.entries(described)) {
      if (status.startsWith('4')) response.headers = { ...response.headers, 'Idempotent-Replayed': header('Idempotent-Replayed') };
    }
  }
  schema.response = described;

  if (isOptionalBody(source.body)) schema['x-optional-body'] = true;
  delete schema.produces;
  return { schema, url };
}

/** `transformObject` for @fastify/swagger: components, then the fixes no single route can make. */
export function finishDocument(input: Parameters<typeof jsonSchemaTransformObject>[0]) {
  const doc = jsonSchemaTransformObject(input) as Json;
  for (const path of Object.values(doc.paths ?? {}) as Json[]) {
    for (const operation of Object.values(path) as Json[]) {
      // A body that may be left out (dispatch, acknowledge) is not a required one.
      if (operation['x-optional-body']) {
        if (operation.requestBody) operation.requestBody.required = false;
        delete operation['x-optional-body'];
      }
      for (const response of Object.values(operation.responses ?? {}) as Json[]) {
        for (const h of Object.values(response.headers ?? {}) as Json[]) {
          if (h.schema?.['x-required']) {
            h.required = true;
            delete h.schema['x-required'];
          }
        }
      }
    }
  }
  pruneComponents(doc);
  spellOutRecords(doc);
  return doc;
}

/**
 * A record keyed by an enum (counts by kind, credits by kind) comes out of zod as
 * `propertyNames` + `additionalProperties`: name each key as a property instead, so that linters
 * see the required ones defined and generated types list the keys.
 */
function spellOutRecords(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(spellOutRecords);
  if (!value || typeof value !== 'object') return;
  const schema = value as Json;
  const keys = schema.propertyNames?.enum;
  if (Array.isArray(keys) && schema.additionalProperties && typeof schema.additionalProperties === 'object' && !schema.properties) {
    schema.properties = Object.fromEntries(keys.map((key: string) => [key, schema.additionalProperties]));
    schema.additionalProperties = false;
    delete schema.propertyNames;
  }
  Object.values(schema).forEach(spellOutRecords);
}

function refsIn(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) found.add(v.slice(21));
      else refsIn(v, found);
    }
  }
}

/**
 * Every zod schema with an id becomes two components (`X` for answers, `XInput` for requests):
 * keep those an operation reaches, name a request-only one without the suffix, and fold request
 * defaults into the description (a `default` would make generated request types require the field).
 */
function pruneComponents(doc: Json): void {
  const schemas: Json = doc.components?.schemas ?? {};
  const used = new Set<string>();
  refsIn(doc.paths, used);
  for (let queue = [...used]; queue.length; ) {
    const found = new Set<string>();
    refsIn(schemas[queue.pop()!], found);
    for (const name of found) {
      if (used.has(name)) continue;
      used.add(name);
      queue.push(name);
    }
  }
  const renames = new Map<string, string>();
  for (const name of Object.keys(schemas)) {
    if (!used.has(name)) delete schemas[name];
    else if (name.endsWith('Input')) {
      foldDefaults(schemas[name]);
      const bare = name.slice(0, -5);
      if (!used.has(bare)) renames.set(name, bare);
    }
  }
  if (!renames.size) return;
  for (const [from, to] of renames) {
    schemas[to] = schemas[from];
    delete schemas[from];
  }
  const rewrite = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(rewrite);
    else if (value && typeof value === 'object') {
      const object = value as Json;
      for (const [k, v] of Object.entries(object)) {
        if (k === '$ref' && typeof v === 'string') {
          const target = renames.get(v.slice(21));
          if (v.startsWith('#/components/schemas/') && target) object.$ref = `#/components/schemas/${target}`;
        } else rewrite(v);
      }
    }
  };
  rewrite(doc.paths);
  rewrite(schemas);
  doc.components.schemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

function foldDefaults(schema: unknown): void {
  if (Array.isArray(schema)) return schema.forEach(foldDefaults);
  if (!schema || typeof schema !== 'object') return;
  const object = schema as Json;
  if ('default' in object && typeof object.type === 'string') {
    const note = `Default: \`${JSON.stringify(object.default)}\`.`;
    object.description = object.description ? `${object.description}. ${note}` : note;
    delete object.default;
  }
  Object.values(object).forEach(foldDefaults);
}
