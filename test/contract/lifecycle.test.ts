import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/api-keys/schemas.js';
import { useTestApp, type TestContext } from '../helpers/app.js';
import type { Answer } from '../helpers/contract.js';
// Generated from the served document by `npm run spec:types` (run before every `npm run typecheck`).
import type { paths } from './generated/api.js';

const ctx = useTestApp();

/**
 * What a program that pulls inventory writes: a client generated from the OpenAPI document
 * (openapi-typescript + openapi-fetch), the whole lifecycle through it, no cast anywhere. It
 * compiles only while the document describes what the server does; every answer is also
 * checked against the document at run time.
 */
describe('a client generated from the OpenAPI document', () => {
  it('when it drives a device from intake to a report, then every call type-checks and every answer keeps the contract', async () => {
    const breaches: string[] = [];
    const client = clientFor(ctx, breaches);
    const collector = client('collector');
    const reconditioner = client('reconditioner');
    const installer = client('installer');
    const viewer = client('viewer');

    // Intake: a donor, a collection, two devices in one batch (replayed safely with the same key).
    const donor = ok(await collector.POST('/api/v1/donors', {
      body: { name: 'Mairie de Chambéry', kind: 'public_body', siret: '217 300 656 00014', contactPhone: '+33 (0)4 79 60 20 20', contactEmail: 'dsi@chambery.example.fr' },
      params: { header: { 'Idempotency-Key': 'donor-chambery' } },
    }));
    const collection = ok(await collector.POST('/api/v1/collections', { body: { donorId: donor.id, collectedOn: '2026-11-02' } }));
    const intake = {
      params: { path: { id: collection.id }, header: { 'Idempotency-Key': 'intake-batch-1' } },
      body: [
        { kind: 'laptop' as const, brand: 'Lenovo', model: 'ThinkPad T480', serialNumber: 'PF1CX2AB', specs: { ramGb: 8, storageGb: 256, storageType: 'ssd' as const }, grade: 'A' as const, weightKg: 1.6 },
        { kind: 'monitor' as const, brand: 'Dell', model: 'P2219H', serialNumber: 'CN0ABC123', weightKg: 4.2 },
      ],
    };
    const created = ok(await collector.POST('/api/v1/collections/{id}/devices', intake));
    const replay = await collector.POST('/api/v1/collections/{id}/devices', intake);
    expect(replay.response.headers.get('Idempotent-Replayed')).toBe('true');
    const [laptop, monitor] = 'items' in created ? created.items : [created];
    expect([laptop.status, monitor.status]).toEqual(['collected', 'collected']);

    // Scan: the label's code finds the device; its specs go back unchanged under If-Match.
    const scanned = ok(await viewer.GET('/api/v1/scan/{code}', { params: { path: { code: laptop.assetTag } } }));
    const read = await viewer.GET('/api/v1/devices/{id}', { params: { path: { id: scanned.id } } });
    const etag = read.response.headers.get('ETag') ?? '';
    const notModified = await viewer.GET('/api/v1/devices/{id}', { params: { path: { id: scanned.id }, header: { 'If-None-Match': etag } } });
    expect(notModified.response.status).toBe(304);
    const edited = ok(await collector.PATCH('/api/v1/devices/{id}', {
      params: { path: { id: scanned.id }, header: { 'If-Match': etag } },
      body: { specs: ok(read).specs, notes: 'Chargeur d’origine' },
    }));
    expect(edited.specs.storageType).toBe('ssd');

    // Shipment to the reconditioner: add by scanned codes, dispatch on a date, acknowledge on the day it arrived.
    const shipment = ok(await collector.POST('/api/v1/shipments', { body: { reference: 'EXP-TEST-1' } }));
    const added = ok(await collector.POST('/api/v1/shipments/{id}/items', { params: { path: { id: shipment.id } }, body: { codes: [laptop.assetTag, monitor.serialNumber ?? ''] } }));
    expect(added.results.map((r) => r.outcome)).toEqual(['added', 'added']);
    const dispatched = ok(await collector.POST('/api/v1/shipments/{id}/dispatch', { params: { path: { id: shipment.id } }, body: { dispatchedOn: '2026-11-10' } }));
    expect(dispatched.status).toBe('dispatched');
    ok(await reconditioner.POST('/api/v1/shipments/{id}/acknowledge', { params: { path: { id: shipment.id } }, body: { receivedOn: '2026-11-12' } }));

    // Delivery back from the reconditioner, with its erasure attestation for the laptop.
    const delivery = ok(await reconditioner.POST('/api/v1/deliveries', {
      body: {
        receivedOn: '2026-11-20',
        reference: 'BL-2026-118',
        items: [
          {
            code: laptop.assetTag,
            erasure: { method: 'nist-800-88-purge', tool: 'Blancco Drive Eraser 7.14', performedAt: '2026-11-18T10:00:00Z', operator: 'TRIRA atelier', result: 'passed', storage: [{ type: 'ssd', capacityGb: 256 }] },
          },
          { code: monitor.assetTag },
        ],
      },
    }));
    expect(delivery.items.map((item) => item.device.status)).toEqual(['ready', 'ready']);

    // Installation at a trainee's home: scheduled, then completed with the contract frozen.
    const beneficiary = ok(await installer.POST('/api/v1/beneficiaries', {
      body: { firstName: 'Aïcha', lastName: 'Benali', addressLine: '12 rue du Bon Pasteur', postcode: '73000', city: 'Chambéry', phone: '06 12 34 56 78', trainingCompletedOn: '2026-10-30', consentRecordedOn: '2026-09-15' },
    }));
    const scheduled = ok(await installer.POST('/api/v1/installations', {
      body: { code: laptop.assetTag, beneficiaryId: beneficiary.id, scheduledOn: '2026-11-25', extraDevices: [monitor.assetTag] },
    }));
    const installed = ok(await installer.POST('/api/v1/installations/{id}/complete', { params: { path: { id: scheduled.id } }, body: { installedOn: '2026-11-26', installedBy: 'Julien Morel' } }));
    expect(installed.devices.map((d) => d.status)).toEqual(['installed', 'installed']);

    // CSV of what is installed, chosen by the query; then the funder's report for November.
    const csv = await viewer.GET('/api/v1/devices', { params: { query: { status: ['installed'], format: 'csv' } }, parseAs: 'text' });
    expect(csv.response.headers.get('Content-Type')).toMatch(/^text\/csv/);
    expect(csv.data).toContain(laptop.assetTag);
    const report = ok(await viewer.GET('/api/v1/reports/summary', { params: { query: { from: '2026-11-01', to: '2026-11-30' } } }));
    expect(report.totals).toMatchObject({ devicesCollected: 2, shipped: 2, receivedReconditioned: 2, installed: 2, computersInstalled: 1, householdsEquipped: 1 });

    // A refusal is a typed problem, not a parse error.
    const refused = await viewer.POST('/api/v1/donors', { body: { name: 'Non', kind: 'other' } });
    expect(refused.response.status).toBe(403);
    expect(refused.error?.status).toBe(403);

    expect(breaches).toEqual([]);
  });
});

/** The data of a successful call; a problem fails the test with its detail. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${result.response.url} answered ${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

/** A client per role; requests go to the app in-process, and every answer is checked against the document. */
function clientFor(test: TestContext, breaches: string[]) {
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await test.app.inject({ method: request.method as 'GET', url: url.pathname + url.search, headers: Object.fromEntries(request.headers), payload });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, String(value));
    const bodyless = res.statusCode === 204 || res.statusCode === 304;
    const json = /json/.test(String(res.headers['content-type'] ?? ''));
    const answer: Answer = { method: request.method, url: url.pathname, status: res.statusCode, headers: res.headers as Answer['headers'], body: json ? res.json() : undefined, text: res.body };
    breaches.push(...test.contract().check(answer));
    return new Response(bodyless ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
  // JSON bodies typed (answers and problems); CSV and PDF are read with `parseAs`.
  return (role: Role) => createClient<paths, `${string}/${string}json`>({ baseUrl: 'https://ordi.example.fr', fetch, headers: { Authorization: `Bearer ${test.keys[role]}` } });
}
