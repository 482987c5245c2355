import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';
import { binaryParser } from '../helpers/pdf.js';

const ctx = useTestApp();

interface JsonDevice {
  id: string;
  assetTag: string;
  kind: string;
  brand: string | null;
  model: string | null;
  serialNumber: string | null;
  specs: { cpu: string | null; ramGb: number | null; storageGb: number | null; storageType: string | null; os: string | null };
  grade: string | null;
  weightKg: number | null;
  status: string;
  origin: string;
  collectionId: string | null;
  donorId: string | null;
  createdAt: string;
  updatedAt: string;
  notes: string | null;
}

/** What a spreadsheet shows for a JSON device: empty cells for nulls, numbers as written. */
function asCsvRow(d: JsonDevice): Record<string, string> {
  const cell = (v: string | number | null) => (v === null ? '' : typeof v === 'number' ? String(v) : v);
  return {
    id: d.id, assetTag: d.assetTag, kind: d.kind, brand: cell(d.brand), model: cell(d.model), serialNumber: cell(d.serialNumber),
    'specs.cpu': cell(d.specs.cpu), 'specs.ramGb': cell(d.specs.ramGb), 'specs.storageGb': cell(d.specs.storageGb),
    'specs.storageType': cell(d.specs.storageType), 'specs.os': cell(d.specs.os), grade: cell(d.grade), weightKg: cell(d.weightKg),
    status: d.status, origin: d.origin, collectionId: cell(d.collectionId), donorId: cell(d.donorId), createdAt: d.createdAt,
    updatedAt: d.updatedAt, notes: cell(d.notes),
  };
}

async function jsonList(query: string): Promise<JsonDevice[]> {
  const items: JsonDevice[] = [];
  let cursor: string | null = null;
  do {
    const res = await ctx.api('viewer').get(`/api/v1/devices?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

async function csvBytes(url: string, accept = 'text/csv'): Promise<{ bytes: Buffer; headers: Record<string, string> }> {
  const res = await ctx.api('viewer').get(url).set('Accept', accept).buffer(true).parse(binaryParser);
  expect(res.status, res.body.toString()).toBe(200);
  return { bytes: res.body as Buffer, headers: res.headers };
}

const KINDS = ['laptop', 'desktop', 'monitor', 'tablet', 'all_in_one'];

describe('CSV export of the inventory', () => {
  it('when 10,000 devices are exported, then the CSV parses back to the same rows as the JSON list', async () => {
    const collection = await createCollection(ctx);
    for (let batch = 0; batch < 20; batch++) {
      const items = Array.from({ length: 500 }, (_, i) => {
        const n = batch * 500 + i;
        return deviceInput({
          kind: KINDS[n % KINDS.length],
          brand: n % 7 === 0 ? 'Société Générale, lot "B"' : 'HP',
          model: n % 11 === 0 ? null : `EliteBook ${n}`,
          serialNumber: `BULK${n}X${batch}`,
          weightKg: n % 3 === 0 ? null : 1 + (n % 10) / 4,
          notes: n % 13 === 0 ? 'rayure sur le capot\nchargeur absent; écran ok' : null,
          // A monitor holds neither a system nor storage (the API refuses them).
          specs: n % 5 === 0 ? null : KINDS[n % KINDS.length] === 'monitor' ? { cpu: null, ramGb: 8 } : { cpu: 'Intel Core i5', ramGb: 8, storageGb: 256.5, storageType: 'ssd', os: 'Linux Mint 22' },
        });
      });
      await intake(ctx, items, collection.id);
    }
    const json = await jsonList(`collectionId=${collection.id}`);
    expect(json).toHaveLength(10_000);

    const { bytes, headers } = await csvBytes(`/api/v1/devices?collectionId=${collection.id}`);
    expect(headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(headers['content-disposition']).toMatch(/^attachment; filename="inventaire-ordipratique-\d{4}-\d{2}-\d{2}\.csv"/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFid,assetTag,kind,brand,model,serialNumber,specs.cpu,specs.ramGb,specs.storageGb,specs.storageType,specs.os,grade,weightKg,status,origin,collectionId,donorId,createdAt,updatedAt,notes');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parse(bytes, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(rows).toHaveLength(10_000);
    expect(rows).toEqual(json.map((d) => asCsvRow(d)));
  }, 120_000);

  it('when the list is filtered, then the CSV holds exactly the same devices, with ?format=csv too', async () => {
    const collection = await createCollection(ctx);
    const devices = await intake(ctx, [deviceInput({ kind: 'desktop' }), deviceInput({ kind: 'laptop' }), deviceInput({ kind: 'desktop' })], collection.id);
    await ctx.api('collector').post(`/api/v1/devices/${devices[2].id}/scrap`).send({ reason: 'carte mère HS', destructionCertificate: 'CD-TEST-0001' });
    const query = `collectionId=${collection.id}&kind=desktop&status=collected`;
    const json = await jsonList(query);
    expect(json.map((d) => d.id)).toEqual([devices[0].id]);
    const { bytes } = await csvBytes(`/api/v1/devices?${query}&format=csv`, 'application/json, */*');
    expect(parse(bytes, { bom: true, columns: true })).toEqual(json.map((d) => asCsvRow(d)));
  });

  it('when a serial or a model holds a formula, then the cell comes out neutralised', async () => {
    const [device] = await intake(ctx, [
      deviceInput({ serialNumber: '=HYPERLINK("http://evil.example/x","clic")', model: '+cmd|\' /C calc\'!A0', brand: '@SUM(1+1)', notes: '-2+3' }),
    ]);
    expect(device.serialNumber).toBe('=HYPERLINK("HTTP://EVIL.EXAMPLE/X","CLIC")');
    const { bytes } = await csvBytes(`/api/v1/devices?q=${encodeURIComponent(device.assetTag)}`);
    const [row] = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(row.serialNumber).toBe('\'=HYPERLINK("HTTP://EVIL.EXAMPLE/X","CLIC")');
    expect(row.model).toBe('\'+cmd|\' /C calc\'!A0');
    expect(row.brand).toBe('\'@SUM(1+1)');
    expect(row.notes).toBe('\'-2+3');
    expect(bytes.toString('utf8')).not.toMatch(/[,\n]=HYPERLINK/);
  });

  it('when a note spans several lines, then its cell is quoted, so no line of it becomes a row or a formula', async () => {
    const notes = "rayure\n=cmd|' /C calc'!A0\r\n+1";
    const [device] = await intake(ctx, [deviceInput({ notes })]);
    const { bytes } = await csvBytes(`/api/v1/devices?q=${device.assetTag}&format=csv`);
    const rows = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0].notes).toBe(notes);
    expect(bytes.toString('utf8')).toContain(`,"${notes}"\r\n`);
  });

  it('when a French Excel asks for semicolons, then cells are separated by ; and decimals take a comma', async () => {
    const [device] = await intake(ctx, [deviceInput({ weightKg: 2.25, brand: 'Dell; Inc.' })]);
    const { bytes } = await csvBytes(`/api/v1/devices?q=${device.assetTag}&format=csv&delimiter=semicolon`);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toContain('id;assetTag;kind;');
    const [row] = parse(bytes, { bom: true, columns: true, delimiter: ';' }) as Record<string, string>[];
    expect(row).toMatchObject({ assetTag: device.assetTag, weightKg: '2,25', brand: 'Dell; Inc.', 'specs.ramGb': '8' });
  });

  it('when no device matches, then the CSV still holds its header', async () => {
    const { bytes } = await csvBytes('/api/v1/devices?donorId=nobody');
    expect(bytes.toString('utf8')).toMatch(/^\uFEFFid,assetTag,.*,notes\r\n$/);
  });

  it('when no API key is sent, then the export is refused', async () => {
    const res = await ctx.anonymous().get('/api/v1/devices?format=csv');
    expect(res.status).toBe(401);
  });
});

describe('devices changed since', () => {
  it('when updatedSince is given, then only devices changed at or after it are listed', async () => {
    const collection = await createCollection(ctx);
    const [old, patched] = await intake(ctx, [deviceInput(), deviceInput()], collection.id);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const since = ctx.clock.now().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [fresh] = await intake(ctx, [deviceInput()], collection.id);
    await ctx.api('collector').patch(`/api/v1/devices/${patched.id}`).send({ grade: 'A' });
    const res = await ctx.api('viewer').get(`/api/v1/devices?collectionId=${collection.id}&updatedSince=${encodeURIComponent(since)}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((d: { id: string }) => d.id).sort()).toEqual([patched.id, fresh.id].sort());
    expect(res.body.items.map((d: { id: string }) => d.id)).not.toContain(old.id);
    // An offset is understood as the same instant.
    const paris = new Date(Date.parse(since) + 3_600_000).toISOString().replace('Z', '+01:00');
    const same = await ctx.api('viewer').get(`/api/v1/devices?collectionId=${collection.id}&updatedSince=${encodeURIComponent(paris)}`);
    expect(same.body.items).toHaveLength(2);
    const bad = await ctx.api('viewer').get('/api/v1/devices?updatedSince=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.updatedSince');
  });
});
