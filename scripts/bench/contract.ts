// Renders the loan contract (final, with a tablet signature, embedded DejaVu font) N times
// and prints p50/p95/max. Usage: npm run bench:contract [-- iterations]
import { deflateSync, crc32 } from 'node:zlib';
import { renderContract, type ContractFacts } from '../../src/modules/installations/contract.js';
import { loadContractTemplate } from '../../src/modules/installations/template.js';
import { programmeIdentity } from '../../src/shared/identity.js';
import { percentile } from './harness.js';

const iterations = Number(process.argv[2] ?? 200);

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A 400×150 greyscale signature-like PNG. */
function signaturePng(): Buffer {
  const w = 400, h = 150;
  const raw = Buffer.alloc((w + 1) * h, 255);
  for (let y = 0; y < h; y++) raw[y * (w + 1)] = 0;
  for (let x = 20; x < 380; x++) {
    const y = Math.round(75 + 40 * Math.sin(x / 25));
    raw[y * (w + 1) + 1 + x] = 0;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const facts: ContractFacts = {
  number: '2026-000042',
  scheduledOn: '2026-11-20',
  installedOn: '2026-11-23',
  staffName: 'Julien Morel',
  beneficiaryReference: 'B-2026-0042',
  kit: [
    { assetTag: 'OP-000042', role: 'main', kind: 'laptop', brand: 'HP', model: 'EliteBook 840 G5', serialNumber: '5CG1234XYZ', cpu: 'Intel Core i5-8350U', ramGb: 8, storageGb: 256, storageType: 'ssd', os: 'Linux Mint 22', grade: 'B' },
    { assetTag: 'OP-000043', role: 'extra', kind: 'monitor', brand: 'Dell', model: 'P2219H', serialNumber: 'CN0ABCD123', cpu: null, ramGb: null, storageGb: null, storageType: null, os: null, grade: 'A' },
  ],
  accessories: ['chargeur', 'souris', 'sacoche'],
  retentionMonths: 24,
  identity: programmeIdentity(),
};
const person = { fullName: 'Aïcha Benali-Lefèvre', addressLine: '12 rue du Bon Pasteur, bât. C', postcode: '73000', city: 'Chambéry', phone: '06 12 34 56 78' };
const signature = { png: signaturePng(), signedBy: 'Aïcha Benali-Lefèvre', signedAt: '2026-11-23T14:05:00Z' };
const template = loadContractTemplate();

async function main() {
  for (let i = 0; i < 10; i++) await renderContract(template, facts, { mode: 'final', person, signature }); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  let size = 0;
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const pdf = await renderContract(template, facts, { mode: i % 2 ? 'final' : 'draft', person, signature } as never);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    size = pdf.length;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const pct = (p: number, list = times) => percentile(list, p).toFixed(1);
  console.log(`contract render (final with signature / draft alternately, embedded DejaVu), ${iterations} runs`);
  console.log(`  p50 ${pct(50)} ms   p95 ${pct(95)} ms   max ${times[times.length - 1].toFixed(1)} ms   size ≈ ${(size / 1024).toFixed(0)} KiB`);
  console.log(`  CPU time per render (less sensitive to a busy machine): p50 ${pct(50, cpu)} ms   p95 ${pct(95, cpu)} ms`);
  console.log(`  target: p95 < 100 ms → ${Number(pct(95)) < 100 ? 'OK' : 'MISSED'}`);
}

void main();
