import { PNG } from 'pngjs';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/connection.js';
import type { DeviceRow } from '../src/db/schema.js';
import type { Actor } from '../src/modules/api-keys/service.js';
import { createBeneficiarySchema } from '../src/modules/beneficiaries/schemas.js';
import { createBeneficiary } from '../src/modules/beneficiaries/service.js';
import { createDeliverySchema } from '../src/modules/deliveries/schemas.js';
import { createDelivery } from '../src/modules/deliveries/service.js';
import { DATA_BEARING_KINDS, type DeviceKind } from '../src/modules/devices/schemas.js';
import { erasureInputSchema } from '../src/modules/erasure/schemas.js';
import { recordErasure } from '../src/modules/erasure/service.js';
import { returnDevice } from '../src/modules/installations/returns.js';
import { completeSchema, returnSchema, scheduleSchema } from '../src/modules/installations/schemas.js';
import { completeInstallation, scheduleInstallation } from '../src/modules/installations/service.js';
import { reconditionSchema } from '../src/modules/reconditioning/schemas.js';
import { reconditionDevice } from '../src/modules/reconditioning/service.js';
import { acknowledgeShipment } from '../src/modules/shipments/acknowledge.js';
import { dispatchShipment } from '../src/modules/shipments/dispatch.js';
import { addItems } from '../src/modules/shipments/items.js';
import { createShipment } from '../src/modules/shipments/service.js';

/** A signature drawn on a tablet: a wave, as a real PNG. */
function signature(width: number, waves: number): string {
  const png = new PNG({ width, height: 90 });
  png.data.fill(255);
  for (let x = 8; x < width - 8; x++) {
    const y = Math.round(45 + 28 * Math.sin((x / width) * waves * Math.PI * 2) * Math.cos(x / 37));
    for (const dy of [0, 1]) {
      const i = ((y + dy) * width + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = 20;
    }
  }
  return PNG.sync.write(png).toString('base64');
}

const bearing = (d: DeviceRow) => DATA_BEARING_KINDS.includes(d.kind as DeviceKind) && d.grade !== 'parts';
const attestation = (performedAt: string, tool = 'Blancco Drive Eraser 7.14.2') =>
  erasureInputSchema.parse({
    method: 'nist-800-88-purge', tool, performedAt, operator: 'Atelier de reconditionnement — équipe effacement', result: 'passed',
    verification: 'Vérification complète en lecture', storage: [],
  });

/**
 * Takes the demo's devices through every stage, through the same services as the API: erased,
 * shipped (one reported missing), received back reconditioned with new units, reconditioned in
 * house, reserved, installed with a contract signed by both parties, returned, scrapped.
 */
export async function seedLifecycle(db: Db, config: Config, actor: Actor, collections: DeviceRow[][]): Promise<string> {
  const [first, second, third] = collections;

  // In-house: erase and recondition the first collection's computers.
  const inHouse = first.filter((d) => bearing(d) && d.kind !== 'smartphone').slice(0, 8);
  for (const d of inHouse) await recordErasure(db, d.id, attestation('2026-03-20T09:30:00Z', 'ShredOS nwipe 0.37'), actor);
  for (const d of inHouse) await reconditionDevice(db, d.id, reconditionSchema.parse({ grade: 'B', os: 'Linux Mint 22', reconditionedOn: '2026-03-27' }), actor);

  // A shipment of the second collection to the reconditioner, one device not received.
  const shipped = second.filter((d) => d.grade !== 'parts' && d.status !== 'scrapped').slice(0, 16);
  const shipment = await createShipment(db, { notes: 'Palette filmée, 2 cartons de périphériques' }, actor);
  await addItems(db, shipment.id, shipped.map((d) => d.asset_tag));
  await dispatchShipment(db, shipment.id, '2026-04-20', actor);
  const missing = shipped.at(-1)!;
  await acknowledgeShipment(db, shipment.id, { missing: [missing.asset_tag], notes: 'Un appareil absent de la palette', receivedOn: '2026-04-22' }, actor);

  // Back from the reconditioner with attestations, plus two new units.
  const back = shipped.slice(0, 10);
  await createDelivery(db, createDeliverySchema.parse({
    receivedOn: '2026-05-12',
    reference: 'BL-2026-0117',
    items: [
      ...back.map((d) => ({ code: d.asset_tag, grade: 'A', ...(bearing(d) ? { erasure: attestation('2026-05-04T13:00:00Z') } : {}) })),
      { kind: 'laptop', brand: 'Lenovo', model: 'ThinkPad T490', serialNumber: 'PF1DEMO01', grade: 'A', specs: { cpu: 'Intel Core i5-8265U', ramGb: 8, storageGb: 256, storageType: 'nvme', os: 'Linux Mint 22' }, weightKg: 1.6, erasure: attestation('2026-05-05T10:00:00Z') },
      { kind: 'monitor', brand: 'Dell', model: 'P2219H', serialNumber: 'CN0DEMO0001', grade: 'A', weightKg: 3.4 },
    ],
  }), actor, config.assetTagPrefix);

  // Erased but not yet reconditioned: the third collection's computers.
  for (const d of third.filter(bearing).slice(0, 6)) await recordErasure(db, d.id, attestation('2026-05-02T08:45:00Z'), actor);

  // Households: three trainees; two installed (both parties sign), one reserved; one kit comes back.
  const people = [
    { firstName: 'Aïcha', lastName: 'Benali-Lefèvre', addressLine: '12 rue du Bon Pasteur, bât. C', neighbourhood: 'Bissy' },
    { firstName: 'Jean-Baptiste', lastName: 'Morel-Delacroix', addressLine: '4 allée des Érables', neighbourhood: 'Les Hauts-de-Chambéry' },
    { firstName: 'Marie-Françoise Éléonore', lastName: 'de La Tour-d’Auvergne', addressLine: '27 avenue de Lyon', neighbourhood: 'Le Biollay' },
  ];
  const ready = inHouse.map((d) => d.id);
  const monitors = back.filter((d) => d.kind === 'monitor').map((d) => d.asset_tag);
  const installations = [];
  for (const [i, person] of people.entries()) {
    const beneficiary = await createBeneficiary(db, createBeneficiarySchema.parse({
      ...person, postcode: '73000', city: 'Chambéry', phone: `06 12 34 56 7${i}`, prescriber: 'Exemple — centre social',
      trainingCompletedOn: '2026-06-05', consentRecordedOn: '2026-04-10',
    }));
    installations.push(await scheduleInstallation(db, scheduleSchema.parse({
      deviceId: ready[i], beneficiaryId: beneficiary.id, scheduledOn: '2026-06-1' + (i + 5),
      accessories: ['chargeur', 'souris', 'sacoche'], extraDevices: monitors[i] ? [monitors[i]] : [],
    }), actor));
  }
  for (const [i, installation] of installations.slice(0, 2).entries()) {
    await completeInstallation(db, installation.id, completeSchema.parse({
      installedOn: `2026-06-1${i + 5}`,
      installedBy: 'Julien Morel',
      signature: { imagePng: signature(320, 3), signedBy: people[i].firstName + ' ' + people[i].lastName, signedAt: `2026-06-1${i + 5}T13:10:00Z` },
      staffSignature: { imagePng: signature(260, 2), signedBy: 'Julien Morel', signedAt: `2026-06-1${i + 5}T13:12:00Z` },
    }), actor, config);
  }
  await returnDevice(db, ready[1], returnSchema.parse({
    returnedOn: '2026-11-11', reason: 'Déménagement hors de l’agglomération', condition: 'Bon état, rayure légère sur le capot', accessoriesReturned: ['chargeur', 'sacoche'], receivedBy: 'Sophie Girard',
  }), actor);
  return `${inHouse.length} reconditioned in house, 1 shipment (${shipped.length} devices, 1 missing), 1 delivery (${back.length} back, 2 new), 3 installations (2 signed, 1 kit returned)`;
}
