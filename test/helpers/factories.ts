import { expect } from 'vitest';
import type { TestContext } from './app.js';

let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36)}`.toUpperCase();

/** A valid SIRET (Luhn) from any 13 leading digits. */
export function siretFrom(first13: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = first13 + check;
    let sum = 0;
    for (let i = 0; i < 14; i++) {
      let digit = Number(candidate[13 - i]);
      if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

export function donorInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Savoie Technolac SAS',
    kind: 'company',
    siret: siretFrom('4239173800001'),
    addressLine: '17 rue du Lac',
    postcode: '73370',
    city: 'Le Bourget-du-Lac',
    contactName: 'Hélène Dupré',
    contactEmail: 'dsi@technolac.example.fr',
    contactPhone: '04 79 25 36 00',
    ...overrides,
  };
}

export function deviceInput(overrides: Record<string, unknown> = {}) {
  // A monitor, printer or peripheral has no operating system (the API refuses one).
  const noOs = ['monitor', 'printer', 'peripheral'].includes(String(overrides.kind));
  return {
    kind: 'laptop',
    brand: 'HP',
    model: 'EliteBook 840 G5',
    serialNumber: `SN${unique()}`,
    specs: noOs ? { cpu: null, ramGb: null, storageGb: null, storageType: null } : { cpu: 'Intel Core i5-8350U', ramGb: 8, storageGb: 256, storageType: 'ssd', os: 'Windows 10' },
    grade: 'B',
    weightKg: 1.5,
    ...overrides,
  };
}

export async function createDonor(ctx: TestContext, overrides: Record<string, unknown> = {}) {
  const res = await ctx.api('collector').post('/api/v1/donors').send(donorInput(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string };
}

export async function createCollection(ctx: TestContext, overrides: Record<string, unknown> = {}) {
  const donorId = (overrides.donorId as string) ?? (await createDonor(ctx)).id;
  const res = await ctx.api('collector').post('/api/v1/collections').send({ collectedOn: '2026-11-02', ...overrides, donorId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; donorId: string };
}

/**
 * A collection on a given day, for devices a test dispatches before the default collection date
 * (a shipment cannot leave before its devices were collected): its id, for `intake`.
 */
export async function collectedOn(ctx: TestContext, day: string): Promise<string> {
  return (await createCollection(ctx, { collectedOn: day })).id;
}

export interface DeviceBody {
  id: string;
  assetTag: string;
  serialNumber: string | null;
  status: string;
  kind: string;
}

/** Registers devices in a (new) collection and returns them. */
export async function intake(ctx: TestContext, items: Record<string, unknown>[] = [deviceInput()], collectionId?: string): Promise<DeviceBody[]> {
  const id = collectionId ?? (await createCollection(ctx)).id;
  const res = await ctx.api('collector').post(`/api/v1/collections/${id}/devices`).send(items);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.items;
}
