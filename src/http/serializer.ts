import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z, type ZodType } from 'zod';

/**
 * Response serializer: the route's zod schema, turned into JSON Schema once, compiled by
 * fast-json-stringify (Fastify's own serializer). Like zod's encode it writes the declared
 * fields only, so a row's extra columns (personal data above all) never reach an answer, and it
 * costs a fraction of walking the zod schema on every answer (measured on the scan route:
 * about 15 µs of 70 per request).
 */
export const serializerCompiler: FastifySerializerCompiler<ZodType> = ({ schema }) => {
  const jsonSchema = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any', reused: 'inline', cycles: 'ref' });
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0]);
};
