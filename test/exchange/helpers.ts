import { expect } from 'vitest';
import { nowIso } from '../../src/clock.js';
import type { TestContext } from '../helpers/app.js';
import { deviceInput, intake, type DeviceBody } from '../helpers/factories.js';
import { binaryParser } from '../helpers/pdf.js';

/** A passing Purge attestation, done now by the test's clock: after any dispatch the test made. */
export function erasureInput(overrides: Record<string, unknown> = {}) {
  return {
    method: 'nist-800-88-purge',
    tool: 'Blancco Drive Eraser 7.14',
    performedAt: nowIso(),
    operator: 'Agnès Müller',
    result: 'passed',
    verification: 'Vérification complète en lecture',
    storage: [{ serialNumber: 'S3Z9NB0K123456', capacityGb: 256, type: 'ssd' }],
    ...overrides,
  };
}

/**
 * The attestation TRIRA hands over with a delivery received on `day`: erased that morning (a
 * delivery refuses an attestation dated after its `receivedOn`).
 */
export const attestationOn = (day: string, overrides: Record<string, unknown> = {}) => erasureInput({ performedAt: `${day}T09:00:00Z`, ...overrides });

/** Registers `count` devices of a kind in one collection. */
export async function intakeMany(ctx: TestContext, count: number, overrides: Record<string, unknown> = {}, collectionId?: string): Promise<DeviceBody[]> {
  const out: DeviceBody[] = [];
  for (let i = 0; i < count; i += 500) {
    out.push(...(await intake(ctx, Array.from({ length: Math.min(500, count - i) }, () => deviceInput(overrides)), collectionId)));
  }
  return out;
}

export async function openShipment(ctx: TestContext, body: Record<string, unknown> = {}): Promise<{ id: string; reference: string }> {
  const res = await ctx.api('collector').post('/api/v1/shipments').send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export async function addCodes(ctx: TestContext, shipmentId: string, codes: string[]) {
  const results = [];
  for (let i = 0; i < codes.length; i += 500) {
    const res = await ctx.api('collector').post(`/api/v1/shipments/${shipmentId}/items`).send({ codes: codes.slice(i, i + 500) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    results.push(...res.body.results);
  }
  return results;
}

/** Opens a shipment holding these devices and dispatches it on the given date. */
export async function ship(ctx: TestContext, devices: DeviceBody[], dispatchedOn?: string) {
  const shipment = await openShipment(ctx);
  await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
  const res = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send(dispatchedOn ? { dispatchedOn } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: string; reference: string; credits: number };
}

/** Downloads a PDF as a Buffer. */
export async function getPdf(ctx: TestContext, url: string, role: Parameters<TestContext['api']>[0] = 'viewer') {
  const res = await ctx.api(role).get(url).buffer(true).parse(binaryParser);
  return res as typeof res & { body: Buffer };
}
