import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Checks answers against the OpenAPI document the app serves: the status is declared, the
 * media type is one of the declared ones, the body matches its schema, required headers are
 * there and the headers this API defines are declared where they are sent. Every answer of the
 * HTTP suite goes through it (see `useTestApp`), so a change that breaks the contract fails.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a test sees of an answer (supertest's Response, or one built from fetch). */
export interface Answer {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, when the answer is JSON. */
  body: unknown;
  /** The body as text, when it is text. */
  text?: string;
}

/** Headers this API defines: wherever one is sent, the document must declare it. */
const OWN_HEADERS = ['etag', 'content-disposition', 'idempotent-replayed', 'www-authenticate', 'retry-after', 'x-certificate-number', 'x-content-sha256', 'allow'];

const pointer = (...parts: string[]) => '#/' + parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly routes: { pattern: RegExp; path: string }[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Json) {
    addFormats.default(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(doc, 'openapi');
    this.routes = Object.keys(doc.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    }));
  }

  /** The problems with one answer; empty when it keeps the contract. */
  check(answer: Answer): string[] {
    const method = answer.method.toLowerCase();
    const pathname = new URL(answer.url, 'http://localhost').pathname;
    const route = this.routes.find((r) => r.pattern.test(pathname) && this.doc.paths[r.path][method]);
    if (!route || method === 'head') return []; // not an operation of the document (pages, docs, 404s, 405s)
    const where = `${answer.method} ${pathname} → ${answer.status}`;
    const operation = this.doc.paths[route.path][method];
    const statusKey = [String(answer.status), `${String(answer.status)[0]}XX`, 'default'].find((k) => operation.responses[k]);
    if (!statusKey) return [`${where}: status not declared by ${operation.operationId}`];
    const declared: Json = operation.responses[statusKey];
    const problems: string[] = [];

    const headers = declared.headers ?? {};
    const declaredNames = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
    for (const name of OWN_HEADERS) {
      if (answer.headers[name] !== undefined && !declaredNames.has(name)) problems.push(`${where}: header ${name} sent but not declared`);
    }
    for (const [name, spec] of Object.entries(headers) as [string, Json][]) {
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) {
        if (spec.required) problems.push(`${where}: required header ${name} missing`);
        continue;
      }
      const validate = this.validator(pointer('paths', route.path, method, 'responses', statusKey, 'headers', name, 'schema'));
      if (validate && !validate(value)) problems.push(`${where}: header ${name}=${String(value)} ${this.ajv.errorsText(validate.errors)}`);
    }

    const contentType = String(answer.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const content: Json | undefined = declared.content;
    if (!content) {
      if (contentType) problems.push(`${where}: content-type ${contentType} on an answer declared without a body`);
      if (answer.text) problems.push(`${where}: a body on an answer declared without one`);
      return problems;
    }
    if (!content[contentType]) return [...problems, `${where}: content-type "${contentType}" not among ${Object.keys(content).join(', ')}`];
    if (contentType.endsWith('json')) {
      const validate = this.validator(pointer('paths', route.path, method, 'responses', statusKey, 'content', contentType, 'schema'));
      if (validate && !validate(answer.body)) {
        problems.push(`${where}: body does not match the schema: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`);
      }
    }
    return problems;
  }

  private validator(ref: string): ValidateFunction | undefined {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.getSchema(`openapi${ref}`);
      if (!validate) return undefined;
      this.validators.set(ref, validate);
    }
    return validate;
  }
}

/** An answer as supertest gives it. */
export function fromSupertest(res: { status: number; headers: Record<string, string>; body: unknown; text?: string; request: { method: string; url: string } }): Answer {
  // A test that reads every answer as bytes (PDF routes) still gets its problems checked.
  const json = /json/.test(res.headers['content-type'] ?? '');
  const body = Buffer.isBuffer(res.body) && json ? JSON.parse(res.body.toString('utf8')) : res.body;
  const text = Buffer.isBuffer(res.body) ? res.body.toString('latin1') : res.text;
  return { method: res.request.method, url: res.request.url, status: res.status, headers: res.headers, body, text };
}
