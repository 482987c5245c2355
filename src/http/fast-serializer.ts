import { serializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

type Check = (value: unknown) => unknown;

class UnsupportedSchema extends Error {}

function fail(path: string, expected: string): never {
  throw new Error(`Response does not match its schema at ${path || '(root)'}: expected ${expected}`);
}

/**
 * The same answer as zod's encode for the plain shapes a hot route returns (objects of strings,
 * numbers, booleans, enums, nullable and optional fields, arrays of those): declared keys only,
 * each value checked, but as a function built once instead of zod walking the schema per request.
 */
function compile(schema: z.ZodType, path: string): Check {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'string':
      if ((def.checks as unknown[] | undefined)?.length) throw new UnsupportedSchema();
      return (v) => (typeof v === 'string' ? v : fail(path, 'a string'));
    case 'number':
      if ((def.checks as unknown[] | undefined)?.length) throw new UnsupportedSchema();
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(path, 'a number'));
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : fail(path, 'a boolean'));
    case 'enum': {
      const allowed = new Set(Object.values(def.entries as Record<string, unknown>));
      return (v) => (allowed.has(v) ? v : fail(path, [...allowed].join(' | ')));
    }
    case 'nullable': {
      const inner = compile(def.innerType as z.ZodType, path);
      return (v) => (v === null ? null : inner(v));
    }
    case 'optional': {
      const inner = compile(def.innerType as z.ZodType, path);
      return (v) => (v === undefined ? undefined : inner(v));
    }
    case 'array': {
      if ((def.checks as unknown[] | undefined)?.length) throw new UnsupportedSchema();
      const element = compile(def.element as z.ZodType, `${path}[]`);
      return (v) => (Array.isArray(v) ? v.map(element) : fail(path, 'an array'));
    }
    case 'object': {
      if (def.catchall !== undefined) throw new UnsupportedSchema();
      const fields = Object.entries(def.shape as Record<string, z.ZodType>).map(([key, field]) => [key, compile(field, path ? `${path}.${key}` : key)] as const);
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'an object');
        const source = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [key, check] of fields) {
          const value = check(source[key]);
          if (value !== undefined) out[key] = value;
        }
        return out;
      };
    }
    default:
      throw new UnsupportedSchema();
  }
}

/**
 * A route's serializer compiler for its hot path: plain response schemas get the compiled
 * check above, anything else (transforms, unions, refinements…) zod's own serializer, so the
 * answer and the OpenAPI document stay the ones the zod schema declares.
 */
export function plainSerializerCompiler<S>(route: { schema: S; method: string; url: string }): (data: unknown) => string {
  let check: Check;
  try {
    check = compile(route.schema as z.ZodType, '');
  } catch (error) {
    if (error instanceof UnsupportedSchema) return serializerCompiler(route as never);
    throw error;
  }
  return (data) => JSON.stringify(check(data));
}
