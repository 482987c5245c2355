import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createBeneficiary, scheduleKit, signaturePng } from '../helpers/installations.js';
import { binaryParser, pdfText } from '../helpers/pdf.js';

const ctx = useTestApp();
const run = promisify(execFile);

async function closedLoan() {
  const kit = await scheduleKit(ctx);
  const done = await ctx.api('installer').post(`/api/v1/installations/${kit.installation.id}/complete`).send({
    installedOn: '2026-11-25', installedBy: 'Julien Morel',
    signature: { imagePng: signaturePng().toString('base64'), signedBy: 'Aïcha Benali-Lefèvre', signedAt: '2026-11-25T14:05:00Z' },
  });
  expect(done.status).toBe(200);
  const back = await ctx.api('installer').post(`/api/v1/devices/${kit.main.id}/return`).send({
    returnedOn: '2026-11-28', reason: 'fin du prêt', condition: 'bon état', accessoriesReturned: kit.installation.accessories,
  });
  expect(back.status).toBe(200);
  expect(back.body.status).toBe('closed');
  return { ...kit, completed: done.body };
}

const contract = async (id: string) => (await ctx.api('installer').get(`/api/v1/installations/${id}/contract.pdf`).buffer(true).parse(binaryParser)).body as Buffer;

describe('GDPR', () => {
  it('when a person asks for their data, then the export holds their record, installations and contract record', async () => {
    const { beneficiary, installation, completed } = await closedLoan();
    const res = await ctx.api('installer').get(`/api/v1/beneficiaries/${beneficiary.id}/export`);
    expect(res.status).toBe(200);
    expect(res.body.beneficiary).toMatchObject({ id: beneficiary.id, firstName: 'Aïcha', addressLine: '12 rue du Bon Pasteur, bât. C', notes: 'Préfère être appelée le matin' });
    expect(res.body.installations).toEqual([expect.objectContaining({ id: installation.id, contractNumber: completed.contractNumber, contractSha256: completed.contractSha256, signedBy: 'Aïcha Benali-Lefèvre', status: 'closed' })]);
  });

  it('when a person is anonymised, then it is irreversible: personal data gone, contract redacted and recorded, history kept', async () => {
    const { beneficiary, installation, main, completed } = await closedLoan();
    const signed = await contract(installation.id);
    const res = await ctx.api('installer').post(`/api/v1/beneficiaries/${beneficiary.id}/anonymise`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.contractsRedacted).toBe(1);
    expect(res.body.beneficiary).toMatchObject({
      reference: beneficiary.reference, firstName: null, lastName: null, addressLine: null, city: null, phone: null, email: null, notes: null,
      postcode: '73', neighbourhood: 'Les Hauts de Chambéry',
    });

    const exported = await ctx.api('admin').get(`/api/v1/beneficiaries/${beneficiary.id}/export`);
    const everything = JSON.stringify(exported.body);
    for (const value of ['Aïcha', 'Benali', 'Bon Pasteur', '06 12 34 56', 'example.fr', 'Préfère']) expect(everything, value).not.toContain(value);
    expect(exported.body.installations[0]).toMatchObject({
      contractNumber: completed.contractNumber, contractOriginalSha256: completed.contractSha256, hasSignature: false, signedBy: null, status: 'closed',
    });
    expect(exported.body.installations[0].contractRedactedAt).not.toBeNull();
    expect(exported.body.auditLog).toEqual([{ at: expect.any(String), actor: 'test installer', action: 'anonymise', details: { trigger: 'request', contractsRedacted: 1 } }]);

    const redacted = await contract(installation.id);
    expect(redacted.equals(signed)).toBe(false);
    expect(redacted.includes(Buffer.from('/Subtype /Image'))).toBe(false);
    const text = await pdfText(redacted);
    expect(text).not.toMatch(/Aïcha|Benali|Bon Pasteur/);
    for (const expected of [completed.contractNumber, beneficiary.reference, main.assetTag, main.serialNumber!, 'Julien Morel', 'copie anonymisée', completed.contractSha256]) {
      expect(text).toContain(expected);
    }
    expect((await contract(installation.id)).equals(redacted)).toBe(true);

    const patch = await ctx.api('admin').patch(`/api/v1/beneficiaries/${beneficiary.id}`).send({ firstName: 'Aïcha' });
    expect(patch.status).toBe(409);
    expect((await ctx.api('admin').post(`/api/v1/beneficiaries/${beneficiary.id}/anonymise`)).status).toBe(409);
    const events = await ctx.api('viewer').get(`/api/v1/devices/${main.id}/events`);
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['intake', 'erasure', 'recondition', 'schedule', 'complete', 'return']);
  });

  it('when a loan is scheduled or in force, then anonymising is refused with 409', async () => {
    const { beneficiary, installation } = await scheduleKit(ctx);
    const res = await ctx.api('installer').post(`/api/v1/beneficiaries/${beneficiary.id}/anonymise`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ installationId: installation.id, currentStatus: 'scheduled' });
    expect((await ctx.api('installer').get(`/api/v1/beneficiaries/${beneficiary.id}`)).body.firstName).toBe('Aïcha');
  });

  it('when the retention script runs, then people without contact for RETENTION_MONTHS are anonymised, others kept, and a rerun changes nothing', async () => {
    const old = await closedLoan();
    const oldNoLoan = await createBeneficiary(ctx);
    const recent = await createBeneficiary(ctx);
    const oldButRecentReturn = await closedLoan();
    const oldActive = await scheduleKit(ctx);
    const longAgo = '2023-01-15T10:00:00.000Z';
    const k = ctx.db.kysely;
    await k.updateTable('beneficiaries').set({ created_at: longAgo }).where('id', 'in', [old.beneficiary.id, oldNoLoan.id, oldButRecentReturn.beneficiary.id, oldActive.beneficiary.id]).execute();
    await k.updateTable('installations').set({ created_at: longAgo, installed_on: '2023-02-01' }).where('id', 'in', [old.installation.id, oldButRecentReturn.installation.id, oldActive.installation.id]).execute();
    await k.updateTable('installation_devices').set({ returned_on: '2023-06-01' }).where('installation_id', '=', old.installation.id).execute();

    const env = { ...process.env, DATABASE_URL: ctx.config.databaseUrl, RETENTION_MONTHS: '', LOG_LEVEL: 'silent' };
    const first = await run('npx', ['tsx', 'scripts/gdpr-retention.ts'], { env });
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ retentionMonths: 24, anonymised: 2, keptActiveLoan: 1 });
    expect(summary.references.sort()).toEqual([old.beneficiary.reference, oldNoLoan.reference].sort());
    expect(first.stdout).not.toContain('Aïcha');

    const get = async (id: string) => (await ctx.api('installer').get(`/api/v1/beneficiaries/${id}`)).body;
    expect((await get(old.beneficiary.id)).lastName).toBeNull();
    expect((await get(oldNoLoan.id)).lastName).toBeNull();
    for (const kept of [recent.id, oldButRecentReturn.beneficiary.id, oldActive.beneficiary.id]) expect((await get(kept)).lastName).toBe('Benali-Lefèvre');
    const audit = (await ctx.api('admin').get(`/api/v1/beneficiaries/${oldNoLoan.id}/export`)).body.auditLog;
    expect(audit).toEqual([expect.objectContaining({ actor: 'gdpr-retention', action: 'anonymise', details: { trigger: 'retention', contractsRedacted: 0 } })]);

    const second = await run('npx', ['tsx', 'scripts/gdpr-retention.ts'], { env });
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!)).toMatchObject({ anonymised: 0 });
  }, 90_000);
});
