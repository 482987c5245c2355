import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serializerCompiler } from '../../src/http/serializer.js';

describe('response serializer', () => {
  it('when a handler returns more than its schema declares, then only the declared fields are sent', () => {
    const schema = z.object({ reference: z.string(), count: z.number().nullable(), items: z.array(z.object({ tag: z.string() })) });
    const serialize = serializerCompiler({ schema, method: 'GET', url: '/', httpStatus: '200' } as never);
    const sent = JSON.parse(serialize({ reference: 'B-2026-0042', count: null, lastName: 'Benali', items: [{ tag: 'OP-000042', phone: '06 12 34 56 78' }] }));
    expect(sent).toEqual({ reference: 'B-2026-0042', count: null, items: [{ tag: 'OP-000042' }] });
  });
});
