import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupSqlite } from '../../src/db/backup.js';
import { NEUTRAL_MENTION } from '../../src/modules/gdpr/service.js';
import { dialect, useTestApp } from '../helpers/app.js';
import { createBeneficiary, readyDevices, signaturePng } from '../helpers/installations.js';

const ctx = useTestApp();

const person = {
  firstName: 'Zéphyrine',
  lastName: 'Quillebeuf',
  addressLine: '41 impasse des Glycines',
  phone: '06 98 76 54 32',
  email: 'zephyrine.quillebeuf@example.fr',
  notes: 'Appeler Zéphyrine après 18 h',
};
/** Pieces of each that survive any casing or accent folding an index might apply. */
const NEEDLES = ['uillebeuf', 'UILLEBEUF', 'phyrine', 'PHYRINE', 'impasse des', 'lycines', '98 76 54 32', '0698765432', '@example.fr'];

function findings(bytes: Buffer, signature: Buffer): string[] {
  const found = NEEDLES.filter((needle) => bytes.includes(Buffer.from(needle, 'utf8')));
  // The image's compressed pixels: a slice from the middle of the PNG (IDAT data).
  const slice = signature.subarray(Math.floor(signature.length / 2) - 16, Math.floor(signature.length / 2) + 16);
  if (bytes.includes(slice)) found.push('signature image');
  return found;
}

describe('anonymisation, down to the bytes', () => {
  it('when a person is anonymised, then free text about them is neutral, and neither the file nor a fresh backup holds their name, contacts, address or signature', async () => {
    const beneficiary = await createBeneficiary(ctx, { ...person, trainingCompletedOn: undefined });
    const admin = ctx.api('admin');
    const [first] = await readyDevices(ctx);
    const scheduled = await admin.post('/api/v1/installations').send({ deviceId: first.id, beneficiaryId: beneficiary.id, scheduledOn: '2026-11-20', override: { reason: 'Zéphyrine Quillebeuf formée par le CCAS' } });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
    expect((await admin.post(`/api/v1/installations/${scheduled.body.id}/cancel`).send({ reason: 'Mme Quillebeuf injoignable au 06 98 76 54 32' })).status).toBe(200);

    const [second] = await readyDevices(ctx);
    const kit = await admin.post('/api/v1/installations').send({ deviceId: second.id, beneficiaryId: beneficiary.id, scheduledOn: '2026-11-25', override: { reason: 'Quillebeuf: formation prévue' } });
    expect(kit.status).toBe(201);
    const png = signaturePng(333, 111);
    const done = await ctx.api('installer').post(`/api/v1/installations/${kit.body.id}/complete`).send({
      installedOn: '2026-11-25', installedBy: 'Julien Morel', signature: { imagePng: png.toString('base64'), signedBy: 'Zéphyrine Quillebeuf', signedAt: '2026-11-25T14:05:00Z' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const back = await ctx.api('installer').post(`/api/v1/devices/${second.id}/return`).send({ returnedOn: '2026-11-27', reason: 'Zéphyrine déménage', condition: 'rayure faite par Mme Quillebeuf' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);

    const res = await ctx.api('installer').post(`/api/v1/beneficiaries/${beneficiary.id}/anonymise`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const installations = await ctx.db.kysely.selectFrom('installations').select(['override_reason', 'cancel_reason', 'signed_by']).where('beneficiary_id', '=', beneficiary.id).orderBy('id').execute();
    expect(installations).toEqual([
      { override_reason: NEUTRAL_MENTION, cancel_reason: NEUTRAL_MENTION, signed_by: null },
      { override_reason: NEUTRAL_MENTION, cancel_reason: null, signed_by: null },
    ]);
    const returned = await ctx.db.kysely.selectFrom('installation_devices').select(['return_reason', 'return_condition']).where('device_id', '=', second.id).execute();
    expect(returned).toEqual([{ return_reason: NEUTRAL_MENTION, return_condition: NEUTRAL_MENTION }]);

    if (dialect !== 'sqlite') return; // PostgreSQL: VACUUM ran on the tables (see reclaimFreedSpace); its files are not ours to read.
    const file = ctx.config.databaseUrl.slice('sqlite:'.length);
    const wal = fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0);
    expect(findings(Buffer.concat([fs.readFileSync(file), wal]), png)).toEqual([]);
    const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'anonymised-backup-')), 'copy.sqlite');
    backupSqlite(file, dest);
    expect(findings(fs.readFileSync(dest), png)).toEqual([]);
    fs.rmSync(path.dirname(dest), { recursive: true, force: true });
  });
});
