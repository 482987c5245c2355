import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import type { Actor } from '../src/modules/api-keys/service.js';
import { createCollection } from '../src/modules/collections/service.js';
import { createDonorSchema, type CreateDonor } from '../src/modules/donors/schemas.js';
import { createDonor } from '../src/modules/donors/service.js';
import { intakeDevices } from '../src/modules/devices/intake.js';
import { intakeDeviceSchema, type DeviceIntake, type DeviceKind } from '../src/modules/devices/schemas.js';
import { scrapDevice } from '../src/modules/scrapping/service.js';
import { isValidSiret } from '../src/shared/fields.js';
import type { DeviceRow } from '../src/db/schema.js';
import { describeDatabase, openMigrated } from './cli.js';
import { seedLifecycle } from './seed-lifecycle.js';
import { seedTraining } from './seed-training.js';

/**
 * `npm run seed:demo`: realistic sample data for a first look, entered through the same
 * services as the API. Skips when its donors are already there.
 */
const MARKER = 'Données de démonstration';
const actor: Actor = { keyId: 'demo', name: 'données de démonstration', role: 'admin' };

// A small deterministic generator: the same demo every time.
let seed = 20261123;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (min: number, max: number) => Math.round((min + random() * (max - min)) * 20) / 20;

function siret(first13: string): string {
  for (let check = 0; check <= 9; check++) if (isValidSiret(first13 + check)) return first13 + check;
  throw new Error(`no SIRET from ${first13}`);
}

const DONOR_LIST: CreateDonor[] = [
  { name: 'Alpes Logistique Transports SAS', kind: 'company', siret: siret('4128573900002'), addressLine: '45 avenue des Follaz', postcode: '73000', city: 'Chambéry', contactName: 'Sandrine Perrier', contactEmail: 'informatique@alpes-logistique.example.fr', contactPhone: '04 79 33 12 40' },
  { name: 'Technolac Ingénierie', kind: 'company', siret: siret('5302218400001'), addressLine: '12 allée du Lac Saint-André', postcode: '73370', city: 'Le Bourget-du-Lac', contactName: 'Karim Benali', contactEmail: 'dsi@technolac-ingenierie.example.fr', contactPhone: '04 79 25 60 18' },
  { name: 'Cabinet Bauges Expertise Comptable', kind: 'company', siret: siret('4417790300003'), addressLine: '8 boulevard Wilson', postcode: '73100', city: 'Aix-les-Bains', contactName: 'Claire Vuillermoz', contactEmail: 'contact@bauges-expertise.example.fr', contactPhone: '04 79 61 22 75' },
  { name: 'Mairie de La Motte-Servolex', kind: 'public_body', siret: siret('2173017900001'), addressLine: '35 route de Chambéry', postcode: '73290', city: 'La Motte-Servolex', contactName: 'Service informatique', contactEmail: 'informatique@mairie-motte-servolex.example.fr', contactPhone: '04 79 65 17 60' },
  { name: 'Association Savoie Solidarité Numérique', kind: 'association', siret: null, addressLine: '3 rue de la Banque', postcode: '73000', city: 'Chambéry', contactName: 'Mathieu Girod', contactEmail: 'bonjour@savoie-solidarite-numerique.example.fr', contactPhone: '06 72 18 44 09' },
];
// Checked by the API's own schema, so the demo never holds what the API would refuse.
const DONORS = DONOR_LIST.map((donor) => createDonorSchema.parse({ ...donor, notes: MARKER }));

interface Model {
  brand: string;
  model: string;
  cpu?: string;
  ram?: number[];
  storage?: [number, 'hdd' | 'ssd' | 'nvme' | 'emmc'][];
  os?: string;
  weight: [number, number];
  serial: () => string;
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const chars = (n: number, alphabet = ALNUM) => Array.from({ length: n }, () => pick([...alphabet])).join('');
const dell = () => chars(7);
const hp = () => `${pick(['5CG', 'CZC', '8CG', 'CNK'])}${chars(7, '0123456789ABCDEFGHJKLMNPQRSTVWXYZ')}`;
const lenovo = () => `${pick(['PF', 'PC', 'R9', 'MJ'])}${chars(6)}`;
const apple = () => chars(12);
const samsung = () => `R${chars(10)}`;

const MODELS: Record<DeviceKind, Model[]> = {
  laptop: [
    { brand: 'Dell', model: 'Latitude 5490', cpu: 'Intel Core i5-8350U', ram: [8, 16], storage: [[256, 'ssd'], [500, 'hdd']], os: 'Windows 10 Pro', weight: [1.6, 1.9], serial: dell },
    { brand: 'Dell', model: 'Latitude 7480', cpu: 'Intel Core i5-7300U', ram: [8], storage: [[256, 'ssd']], os: 'Windows 10 Pro', weight: [1.3, 1.5], serial: dell },
    { brand: 'HP', model: 'EliteBook 840 G5', cpu: 'Intel Core i5-8250U', ram: [8, 16], storage: [[256, 'nvme']], os: 'Windows 10 Pro', weight: [1.4, 1.6], serial: hp },
    { brand: 'HP', model: 'ProBook 450 G6', cpu: 'Intel Core i3-8145U', ram: [4, 8], storage: [[500, 'hdd'], [256, 'ssd']], os: 'Windows 10 Pro', weight: [2.0, 2.2], serial: hp },
    { brand: 'Lenovo', model: 'ThinkPad T480', cpu: 'Intel Core i5-8250U', ram: [8, 16], storage: [[256, 'nvme'], [512, 'nvme']], os: 'Windows 10 Pro', weight: [1.6, 1.8], serial: lenovo },
    { brand: 'Lenovo', model: 'ThinkPad L470', cpu: 'Intel Core i3-7100U', ram: [4, 8], storage: [[500, 'hdd']], os: 'Windows 10 Pro', weight: [1.9, 2.1], serial: lenovo },
  ],
  desktop: [
    { brand: 'Dell', model: 'OptiPlex 7060 SFF', cpu: 'Intel Core i5-8500', ram: [8, 16], storage: [[256, 'ssd']], os: 'Windows 10 Pro', weight: [5.2, 5.8], serial: dell },
    { brand: 'Dell', model: 'OptiPlex 3050 MT', cpu: 'Intel Core i3-7100', ram: [4, 8], storage: [[500, 'hdd']], os: 'Windows 10 Pro', weight: [7.5, 8.3], serial: dell },
    { brand: 'HP', model: 'ProDesk 600 G4 SFF', cpu: 'Intel Core i5-8500', ram: [8], storage: [[256, 'ssd'], [1000, 'hdd']], os: 'Windows 10 Pro', weight: [4.8, 5.4], serial: hp },
    { brand: 'Lenovo', model: 'ThinkCentre M720q', cpu: 'Intel Core i5-8400T', ram: [8, 16], storage: [[256, 'nvme']], os: 'Windows 10 Pro', weight: [1.2, 1.4], serial: lenovo },
  ],
  all_in_one: [
    { brand: 'HP', model: 'EliteOne 800 G3', cpu: 'Intel Core i5-7500', ram: [8], storage: [[256, 'ssd']], os: 'Windows 10 Pro', weight: [7.0, 8.6], serial: hp },
    { brand: 'Lenovo', model: 'ThinkCentre M820z', cpu: 'Intel Core i5-8400', ram: [8], storage: [[256, 'ssd']], os: 'Windows 10 Pro', weight: [7.8, 8.8], serial: lenovo },
  ],
  monitor: [
    { brand: 'Dell', model: 'P2419H', weight: [3.2, 3.6], serial: () => `CN0${chars(11)}` },
    { brand: 'HP', model: 'EliteDisplay E243', weight: [3.9, 4.3], serial: () => `CNC${chars(7)}` },
    { brand: 'iiyama', model: 'ProLite XU2492HSU', weight: [4.0, 4.4], serial: () => `1${chars(12, '0123456789')}` },
  ],
  tablet: [
    { brand: 'Apple', model: 'iPad (6e génération)', cpu: 'Apple A10 Fusion', ram: [2], storage: [[32, 'emmc']], os: 'iPadOS 17', weight: [0.45, 0.5], serial: apple },
    { brand: 'Samsung', model: 'Galaxy Tab A 10.1', cpu: 'Exynos 7904', ram: [2, 3], storage: [[32, 'emmc']], os: 'Android 11', weight: [0.45, 0.48], serial: samsung },
  ],
  smartphone: [
    { brand: 'Samsung', model: 'Galaxy A40', cpu: 'Exynos 7904', ram: [4], storage: [[64, 'emmc']], os: 'Android 11', weight: [0.15, 0.16], serial: samsung },
    { brand: 'Apple', model: 'iPhone 8', cpu: 'Apple A11 Bionic', ram: [2], storage: [[64, 'emmc']], os: 'iOS 16', weight: [0.14, 0.15], serial: apple },
  ],
  printer: [
    { brand: 'Brother', model: 'HL-L2350DW', weight: [7.0, 7.4], serial: () => `E7${chars(8, '0123456789')}` },
    { brand: 'HP', model: 'LaserJet Pro M402dn', weight: [8.5, 8.9], serial: () => `PHB${chars(7)}` },
  ],
  peripheral: [
    { brand: 'Logitech', model: 'Clavier K120', weight: [0.5, 0.55], serial: () => `${chars(4, '0123456789')}MR${chars(6)}` },
    { brand: 'Dell', model: 'Station d’accueil WD15', weight: [0.45, 0.5], serial: () => `CN0${chars(11)}` },
  ],
  other: [{ brand: 'APC', model: 'Back-UPS 700', weight: [4.5, 4.9], serial: () => `3B${chars(10, '0123456789')}` }],
};

const KIND_WEIGHTS: [DeviceKind, number][] = [
  ['laptop', 40], ['desktop', 22], ['monitor', 16], ['all_in_one', 5], ['tablet', 5], ['smartphone', 4], ['printer', 3], ['peripheral', 4], ['other', 1],
];

function randomKind(): DeviceKind {
  let roll = random() * KIND_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  for (const [kind, weight] of KIND_WEIGHTS) if ((roll -= weight) < 0) return kind;
  return 'laptop';
}

function randomDevice(): DeviceIntake {
  const kind = randomKind();
  const m = pick(MODELS[kind]);
  const [storageGb, storageType] = m.storage ? pick(m.storage) : [undefined, undefined];
  const computer = m.cpu !== undefined;
  return intakeDeviceSchema.parse({
    kind,
    brand: m.brand,
    model: m.model,
    serialNumber: m.serial(),
    specs: computer ? { cpu: m.cpu, ramGb: pick(m.ram ?? [4]), storageGb, storageType, os: m.os } : undefined,
    grade: pick(['A', 'A', 'B', 'B', 'B', 'C', 'parts'] as const),
    weightKg: between(m.weight[0], m.weight[1]),
    notes: random() < 0.1 ? pick(['Chargeur manquant', 'Rayures sur le capot', 'Clavier AZERTY usé', 'Batterie faible', 'Étiquette d’inventaire du donateur à retirer']) : undefined,
  });
}

// Collections: [donor index, date, number of devices]
const COLLECTIONS: [number, string, number][] = [
  [0, '2026-03-12', 38],
  [1, '2026-04-02', 27],
  [3, '2026-04-23', 45],
  [2, '2026-05-19', 12],
  [0, '2026-06-30', 24],
  [4, '2026-09-08', 16],
  [1, '2026-10-14', 22],
  [3, '2026-11-05', 18],
];

const { config, db } = await openMigrated();
const already = await db.kysely.selectFrom('donors').select('id').where('notes', '=', MARKER).executeTakeFirst();
if (already) {
  console.log(`The demo data is already in ${describeDatabase(config.databaseUrl)}: nothing added.`);
} else {
  const donors = [];
  for (const input of DONORS) donors.push(await createDonor(db, input));
  let total = 0;
  const scrapCandidates: string[] = [];
  const byCollection: DeviceRow[][] = [];
  for (const [donorIndex, collectedOn, count] of COLLECTIONS) {
    const collection = await createCollection(db, { donorId: donors[donorIndex].id, collectedOn, notes: `Enlèvement sur site — ${MARKER.toLowerCase()}` }, actor);
    const rows = await intakeDevices(db, collection.id, Array.from({ length: count }, randomDevice), actor, config.assetTagPrefix);
    total += rows.length;
    byCollection.push(rows);
    scrapCandidates.push(...rows.filter((r) => r.grade === 'parts').map((r) => r.id));
  }
  for (const [i, id] of scrapCandidates.slice(0, 6).entries()) {
    await scrapDevice(db, id, { reason: 'Hors d’usage : carte mère défectueuse', scrappedOn: '2026-11-20', destructionCertificate: `CD-2026-${String(101 + i).padStart(4, '0')}` }, actor);
  }
  const stages = await seedLifecycle(db, config, actor, byCollection);
  const training = await seedTraining(db, actor);
  console.log(
    `Demo data loaded into ${describeDatabase(config.databaseUrl)}: ${donors.length} donors, ${COLLECTIONS.length} collections, ${total} devices (${Math.min(6, scrapCandidates.length)} scrapped); ${stages}; ${training}.`,
  );
}
await db.close();
