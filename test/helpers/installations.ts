import { PNG } from 'pngjs';
import { expect } from 'vitest';
import { DATA_BEARING_KINDS } from '../../src/modules/devices/schemas.js';
import type { TestContext } from './app.js';
import { collectedOn, deviceInput, intake, type DeviceBody } from './factories.js';

export function beneficiaryInput(overrides: Record<string, unknown> = {}) {
  return {
    firstName: 'Aïcha',
    lastName: 'Benali-Lefèvre',
    addressLine: '12 rue du Bon Pasteur, bât. C',
    postcode: '73000',
    city: 'Chambéry',
    phone: '06 12 34 56 78',
    email: 'aicha.benali@example.fr',
    neighbourhood: 'Les Hauts de Chambéry',
    prescriber: 'CCAS de Chambéry',
    trainingCompletedOn: '2026-10-30',
    consentRecordedOn: '2026-09-15',
    notes: 'Préfère être appelée le matin',
    ...overrides,
  };
}

export interface BeneficiaryBody {
  id: string;
  reference: string;
  firstName: string | null;
  lastName: string | null;
}

export async function createBeneficiary(ctx: TestContext, overrides: Record<string, unknown> = {}): Promise<BeneficiaryBody> {
  const res = await ctx.api('installer').post('/api/v1/beneficiaries').send(beneficiaryInput(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/**
 * The day `readyDevices` reconditions on: after the factories' collection (2026-11-02) and
 * before the kits' default scheduled day (2026-11-25), as the API requires of both.
 */
export const READY_ON = '2026-11-10';

/**
 * Registers devices and brings them to `ready` the way the API does: a passing Purge erasure
 * for every data-bearing device, then the reconditioning route, dated READY_ON (or `readyOn`,
 * for a kit installed earlier: the devices are then collected that day too).
 */
export async function readyDevices(ctx: TestContext, items: Record<string, unknown>[] = [deviceInput()], readyOn = READY_ON): Promise<DeviceBody[]> {
  // Collected no later than they are made ready (the factories' collection is dated 2026-11-02).
  const devices = await intake(ctx, items, readyOn < '2026-11-02' ? await collectedOn(ctx, readyOn) : undefined);
  const ready: DeviceBody[] = [];
  for (const device of devices) {
    if ((DATA_BEARING_KINDS as readonly string[]).includes(device.kind)) {
      const erased = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send({
        method: 'nist-800-88-purge',
        tool: 'Blancco Drive Eraser 7.14',
        performedAt: ctx.clock.now().toISOString(),
        operator: 'Agnès Müller',
        result: 'passed',
        verification: 'Vérification complète en lecture',
        storage: [{ serialNumber: `S${device.assetTag}`, capacityGb: 256, type: 'ssd' }],
      });
      expect(erased.status, JSON.stringify(erased.body)).toBe(201);
    }
    const res = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: (device as { grade?: string }).grade ?? 'B', reconditionedOn: readyOn });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ready.push(res.body);
  }
  return ready;
}

export async function scheduleKit(ctx: TestContext, options: { beneficiary?: BeneficiaryBody; extras?: number; accessories?: string[]; scheduledOn?: string } = {}) {
  const beneficiary = options.beneficiary ?? (await createBeneficiary(ctx));
  const scheduledOn = options.scheduledOn ?? '2026-11-25';
  // A kit may not be scheduled before its devices were ready: one scheduled earlier is readied that day.
  const items = [deviceInput(), ...Array.from({ length: options.extras ?? 0 }, () => deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2219H', specs: null }))];
  const [main, ...extras] = await readyDevices(ctx, items, scheduledOn < READY_ON ? scheduledOn : READY_ON);
  const res = await ctx.api('installer').post('/api/v1/installations').send({
    code: main.assetTag,
    beneficiaryId: beneficiary.id,
    scheduledOn,
    accessories: options.accessories ?? ['chargeur', 'souris'],
    extraDevices: extras.map((d) => d.serialNumber),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { installation: res.body, beneficiary, main, extras };
}

/** A real PNG (pngjs), like a tablet's signature pad would send. */
export function signaturePng(width = 300, height = 100): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(255);
  for (let x = 10; x < width - 10; x++) {
    const y = Math.round(height / 2 + (height / 3) * Math.sin(x / 20));
    const i = (y * width + x) * 4;
    png.data[i] = png.data[i + 1] = png.data[i + 2] = 0;
  }
  return PNG.sync.write(png);
}
