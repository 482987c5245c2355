import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';

// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const ISSUE = Symbol.for('ZodFastifySchemaValidationError');

/** Where the first forbidden character sits in a value: a path, or undefined when there is none. */
function findControl(value: unknown, pattern: RegExp, path: string[], depth = 0): string[] | undefined {
  if (typeof value === 'string') return pattern.test(value) ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findControl(value[i], pattern, [...path, String(i)], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (ANY_CONTROL.test(key)) return [...path, key.replace(ANY_CONTROL, '?')];
    const found = findControl(inner, pattern, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The zod validator, behind one rule for every route, present and future: no string of a path,
 * a query or a body holds NUL or another C0 control character (PostgreSQL refuses NUL in text,
 * and no field of this API needs one). Bodies keep tab, CR and LF for free text: single-line
 * fields (`line()` in `src/shared/fields.ts`) refuse those themselves. The answer is the usual
 * 400 naming the field. A missing body is taken as `{}` when that is valid (actions whose fields
 * are all optional), and otherwise answered naming the required fields.
 */
export const validatorCompiler: FastifySchemaCompiler<ZodType> = (route) => {
  const validate = zodValidatorCompiler(route);
  const pattern = route.httpPart === 'body' ? CONTROL_BUT_LINE_BREAKS : ANY_CONTROL;
  const checked = route.httpPart === 'body' || route.httpPart === 'querystring' || route.httpPart === 'params';
  return (data) => {
    if (checked) {
      const path = findControl(data, pattern, []);
      if (path) {
        const message = 'must not contain control characters';
        const issue = { [ISSUE]: true, keyword: 'custom', instancePath: `/${path.join('/')}`, schemaPath: '#', message, params: {} };
        return { error: [issue] as unknown as Error };
      }
    }
    // `curl -X POST …/cancel`: no body at all is an empty object, so an action whose fields are
    // all optional just works, and one with required fields names them.
    return validate(route.httpPart === 'body' && data == null ? {} : data);
  };
};
