import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTRACT_TEMPLATE } from '../../src/modules/installations/template.js';
import { useTestApp } from '../helpers/app.js';
import { createBeneficiary, scheduleKit, signaturePng } from '../helpers/installations.js';
import { binaryParser, pdfPages, pdfRuns, pdfText } from '../helpers/pdf.js';

// A copy of the template this file may edit, so the repository's file is never touched.
const templateCopy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-template-')), 'contract.fr.md');
fs.copyFileSync(DEFAULT_CONTRACT_TEMPLATE, templateCopy);
const ctx = useTestApp({ CONTRACT_TEMPLATE: templateCopy });

const download = async (id: string) => {
  const res = await ctx.api('installer').get(`/api/v1/installations/${id}/contract.pdf`).buffer(true).parse(binaryParser);
  expect(res.status, res.body.toString()).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return res.body as Buffer;
};

const complete = (id: string, body: Record<string, unknown> = {}) =>
  ctx.api('installer').post(`/api/v1/installations/${id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel', ...body });

describe('the loan contract', () => {
  it('when the installation is scheduled, then the contract is a draft marked PROJET on every page with the person, the kit and the template wording', async () => {
    const { installation, main, extras } = await scheduleKit(ctx, { extras: 1, accessories: ['chargeur', 'sacoche'] });
    const pages = await pdfPages(await download(installation.id));
    for (const [i, page] of pages.entries()) {
      expect(page, `page ${i + 1}`).toContain('PROJET');
      expect(page, `page ${i + 1}`).toContain(`page ${i + 1}/${pages.length}`);
    }
    const text = pages.join('\n');
    expect(text).toContain('Aïcha Benali-Lefèvre');
    expect(text).toContain('12 rue du Bon Pasteur, bât. C, 73000 Chambéry');
    for (const d of [main, ...extras]) {
      expect(text).toContain(d.assetTag);
      expect(text).toContain(d.serialNumber);
    }
    expect(text).toContain('chargeur, sacoche');
    expect(text).toContain('Association BLÉ');
    expect(text).toContain('ne pas le vendre, le louer, le prêter ni le céder');
  });

  it('when completed with a tablet signature, then the contract is numbered, holds the name, kit and staff member with accents, the signature image, and no PROJET', async () => {
    const { installation, beneficiary, main, extras } = await scheduleKit(ctx, { extras: 1 });
    const signedAt = '2026-11-25T14:05:00Z';
    const res = await complete(installation.id, { signature: { imagePng: signaturePng().toString('base64'), signedBy: 'Aïcha Benali-Lefèvre', signedAt } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', installedOn: '2026-11-25', installedBy: 'Julien Morel', hasSignature: true, signedAt, contractTemplateVersion: '2026-12-2' });
    expect(res.body.contractNumber).toMatch(/^2026-\d{6}$/);
    for (const d of res.body.devices) expect(d.status).toBe('installed');

    const bytes = await download(installation.id);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(res.body.contractSha256);
    expect(bytes.includes(Buffer.from('/Subtype /Image'))).toBe(true);
    const pages = await pdfPages(bytes);
    pages.forEach((page, i) => expect(page).toContain(`Contrat n° ${res.body.contractNumber} — page ${i + 1}/${pages.length}`));
    const text = pages.join('\n');
    expect(text).not.toContain('PROJET');
    for (const expected of ['Aïcha Benali-Lefèvre', 'Julien Morel', res.body.contractNumber, beneficiary.reference, 'prêt à usage', 'Écran', 'reconditionné', 'Données personnelles']) {
      expect(text).toContain(expected);
    }
    for (const d of [main, ...extras]) {
      expect(text).toContain(d.assetTag);
      expect(text).toContain(d.serialNumber);
    }
    const events = await ctx.api('viewer').get(`/api/v1/devices/${main.id}/events`);
    expect(events.body.items.at(-1)).toMatchObject({ type: 'complete', toStatus: 'installed', details: { installationId: installation.id, beneficiaryReference: beneficiary.reference, contractNumber: res.body.contractNumber } });
  });

  it('when both parties sign on the tablet, then both images are in the contract, times are in Paris, and the signatures share the page of the last article and "Fait à"', async () => {
    const beneficiary = await createBeneficiary(ctx, { firstName: 'Marie-Françoise Éléonore', lastName: 'de La Tour-d’Auvergne-Lauraguais-Montmorency' });
    const { installation } = await scheduleKit(ctx, { beneficiary });
    const res = await complete(installation.id, {
      signature: { imagePng: signaturePng().toString('base64'), signedBy: 'Marie-Françoise de La Tour', signedAt: '2026-11-25T14:10:00Z' },
      staffSignature: { imagePng: signaturePng(200, 80).toString('base64'), signedBy: 'Julien Morel', signedAt: '2026-11-25T14:12:00Z' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ staffSignedBy: 'Julien Morel', staffSignedAt: '2026-11-25T14:12:00Z' });
    const bytes = await download(installation.id);
    // Two signature images, stored as printed: RGB on white, so no alpha mask beside them.
    expect(bytes.toString('latin1').match(/\/Subtype \/Image/g)).toHaveLength(2);
    const pages = await pdfPages(bytes);
    const last = pages.at(-1)!;
    expect(last).toContain('Fait à Chambéry, le 25 novembre 2026');
    expect(last).toContain('Données personnelles');
    expect(last).toContain("Signature de l’emprunteur recueillie sur tablette : Marie-Françoise de La Tour, le 25 novembre 2026 à 15 h 10.");
    expect(last).toContain('Signature du prêteur recueillie sur tablette : Julien Morel, le 25 novembre 2026 à 15 h 12.');
    // The time holds together: no-break spaces in "15 h 10" (text extraction shows them as spaces).
    expect((await pdfRuns(bytes)).at(-1)!.join('')).toContain('2026 à 15\u00a0h\u00a010.');
    // The long name wraps in its box (a line may break after a hyphen).
    expect(last.replace(/- /g, '-')).toContain('Marie-Françoise Éléonore de La Tour-d’Auvergne-Lauraguais-Montmorency');
    if (process.env.PREVIEW_DIR) fs.writeFileSync(path.join(process.env.PREVIEW_DIR, 'contract.pdf'), bytes);
    expect(pages.join('\n')).not.toContain('UTC');
  });

  it('when contracts are completed one after another, then their numbers follow each other and a second completion is 409', async () => {
    const first = await scheduleKit(ctx);
    const second = await scheduleKit(ctx);
    const a = await complete(first.installation.id);
    const b = await complete(second.installation.id);
    expect(Number(b.body.contractNumber.slice(5))).toBe(Number(a.body.contractNumber.slice(5)) + 1);
    const again = await complete(first.installation.id);
    expect(again.status).toBe(409);
    expect(again.body.currentStatus).toBe('completed');
  });

  it('when the template is edited after completion, then the frozen contract keeps its bytes while a new draft uses the new wording', async () => {
    const frozen = await scheduleKit(ctx);
    const done = await complete(frozen.installation.id);
    const before = await download(frozen.installation.id);
    expect((await download(frozen.installation.id)).equals(before)).toBe(true);

    const original = fs.readFileSync(templateCopy, 'utf8');
    fs.writeFileSync(templateCopy, original.replace('version: 2026-12-2', 'version: 2027-01-1').replace('pour une durée de 24 mois', 'pour une durée de 36 mois, clause révisée'));
    try {
      const after = await download(frozen.installation.id);
      expect(after.equals(before)).toBe(true);
      expect(createHash('sha256').update(after).digest('hex')).toBe(done.body.contractSha256);
      expect(await pdfText(after)).toContain('24 mois');

      const draft = await scheduleKit(ctx);
      expect(await pdfText(await download(draft.installation.id))).toContain('36 mois, clause révisée');
      const newer = await complete(draft.installation.id);
      expect(newer.body.contractTemplateVersion).toBe('2027-01-1');
      const got = await ctx.api('installer').get(`/api/v1/installations/${frozen.installation.id}`);
      expect(got.body.contractTemplateVersion).toBe('2026-12-2');
    } finally {
      fs.writeFileSync(templateCopy, original);
    }
  });

  it('when two completions race, then one numbers the contract and the other gets 409', async () => {
    const { installation } = await scheduleKit(ctx);
    const answers = await Promise.all([complete(installation.id), complete(installation.id, { installedBy: 'Sophie Girard' })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!;
    const pdf = await download(installation.id);
    expect(await pdfText(pdf)).toContain(winner.body.installedBy);
  });

  it('when the signature is not a real PNG, too large or damaged, then 400 and the installation stays scheduled', async () => {
    const { installation } = await scheduleKit(ctx);
    const png = signaturePng();
    const damaged = Buffer.from(png);
    damaged[20] ^= 0xff; // height changed without fixing the IHDR checksum
    const cases: [string, string][] = [
      [Buffer.from('GIF89a not a png at all, just text').toString('base64'), 'not a PNG'],
      ['%%% not base64 %%%', 'not base64'],
      [damaged.toString('base64'), 'checksum'],
      [png.subarray(0, 60).toString('base64'), 'truncated'],
      [Buffer.alloc(600 * 1024, 1).toString('base64'), 'too large'],
    ];
    for (const [imagePng, message] of cases) {
      const res = await complete(installation.id, { signature: { imagePng, signedBy: 'Aïcha', signedAt: '2026-11-25T10:00:00Z' } });
      expect(res.status, message).toBe(400);
      expect(res.body.errors[0].path).toBe('signature.imagePng');
      expect(res.body.errors[0].message).toContain(message);
    }
    expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body.status).toBe('scheduled');
  });

  it('when a cancelled installation is asked for its contract, then 409', async () => {
    const beneficiary = await createBeneficiary(ctx);
    const { installation } = await scheduleKit(ctx, { beneficiary });
    await ctx.api('installer').post(`/api/v1/installations/${installation.id}/cancel`).send({});
    const res = await ctx.api('installer').get(`/api/v1/installations/${installation.id}/contract.pdf`);
    expect(res.status).toBe(409);
  });
});
