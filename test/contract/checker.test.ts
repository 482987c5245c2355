import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';

const ctx = useTestApp();

// The hook every HTTP test runs through must itself catch what breaks the contract.
describe('the contract checker', () => {
  const answer = (overrides: Record<string, unknown>) => ({
    method: 'GET',
    url: '/api/v1/donors/abc',
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: {},
    ...overrides,
  });

  it('when a body lacks required fields, then it is a breach naming them', () => {
    expect(ctx.contract().check(answer({})).join('\n')).toMatch(/body does not match the schema: .*must have required property 'name'/);
  });

  it('when the status, the media type or a header is not declared, then each is a breach', () => {
    const problem = { type: 'x', title: 'x', status: 418, detail: 'x' };
    expect(ctx.contract().check(answer({ status: 418, headers: { 'content-type': 'application/problem+json' }, body: problem }))).toEqual([]); // 4XX
    expect(ctx.contract().check(answer({ status: 302 }))[0]).toMatch(/status not declared by getDonor/);
    expect(ctx.contract().check(answer({ status: 404, headers: { 'content-type': 'application/json' } }))[0]).toMatch(/content-type "application\/json" not among application\/problem\+json/);
    expect(ctx.contract().check(answer({ status: 401, headers: { 'content-type': 'application/problem+json' }, body: { type: 'x', title: 'x', status: 401, detail: 'x' } }))[0]).toMatch(/required header WWW-Authenticate missing/);
    // getDonor declares its ETag (If-Match edits); getShipment declares none.
    const withEtag = answer({ url: '/api/v1/shipments/abc', headers: { 'content-type': 'application/json', etag: '"1"' } });
    expect(ctx.contract().check(withEtag).join('\n')).toMatch(/header etag sent but not declared/);
  });

  it('when a 304 carries a JSON content type, then it is a breach', () => {
    const notModified = { method: 'GET', url: '/api/v1/inventory/summary', status: 304, headers: { 'content-type': 'application/json', etag: '"x"' }, body: {}, text: 'null' };
    expect(ctx.contract().check(notModified).join('\n')).toMatch(/content-type application\/json on an answer declared without a body/);
  });

  it('when real answers come through the test agent, then they keep the contract', async () => {
    const res = await ctx.api('viewer').get('/api/v1/donors?limit=2');
    expect(res.status).toBe(200);
  });
});
