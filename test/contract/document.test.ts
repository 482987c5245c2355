import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, intake } from '../helpers/factories.js';
import { move } from '../helpers/lifecycle.js';

const ctx = useTestApp();

type Operation = { operationId?: string; security?: { bearer?: string[] }[]; responses: Record<string, { content?: Record<string, unknown> }> };

function operations(): [string, Operation][] {
  const doc = ctx.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]));
}

describe('the OpenAPI document', () => {
  it('when read, then every operation has its own readable operationId, its roles as scopes and problem+json errors', () => {
    const ops = operations();
    const ids = ops.map(([, op]) => op.operationId);
    expect(ids.filter((id) => !id || !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [name, op] of ops) {
      if (op.security?.length) expect(op.security[0].bearer?.[0], name).toBe('admin');
      expect(Object.keys(op.responses['4XX'].content ?? {}), name).toEqual(['application/problem+json']);
    }
  });

  it('when a status filter is a repeated parameter or a comma-separated list, then both select the same devices', async () => {
    const [a, b, c] = await intake(ctx, [deviceInput(), deviceInput(), deviceInput()]);
    await move(ctx, [b.id], 'recondition');
    await move(ctx, [c.id], 'scrap');
    const tags = (res: { body: { items: { assetTag: string }[] } }) => res.body.items.map((d) => d.assetTag).sort();
    const repeated = await ctx.api('viewer').get('/api/v1/devices?status=collected&status=ready&limit=500');
    const listed = await ctx.api('viewer').get('/api/v1/devices?status=collected,ready&limit=500');
    expect(repeated.status).toBe(200);
    expect(tags(repeated)).toEqual(tags(listed));
    expect(tags(repeated)).toEqual(expect.arrayContaining([a.assetTag, b.assetTag]));
    expect(tags(repeated)).not.toContain(c.assetTag);
    const wrong = await ctx.api('viewer').get('/api/v1/devices?status=ready&status=lost');
    expect(wrong.status).toBe(400);
  });
});
