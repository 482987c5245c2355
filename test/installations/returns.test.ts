import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { scheduleKit } from '../helpers/installations.js';
import { binaryParser, pdfText } from '../helpers/pdf.js';

const ctx = useTestApp();

async function installedKit() {
  const kit = await scheduleKit(ctx, { extras: 1 });
  const done = await ctx.api('installer').post(`/api/v1/installations/${kit.installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' });
  expect(done.status).toBe(200);
  return { ...kit, contractNumber: done.body.contractNumber as string };
}

const receipt = (id: string) => ctx.api('installer').get(`/api/v1/installations/${id}/return-receipt.pdf`).buffer(true).parse(binaryParser);

describe('returns', () => {
  it('when one device of a kit comes back, then only it is returned and the loan stays open; the rest closes it', async () => {
    const { installation, beneficiary, main, extras } = await installedKit();
    const one = await ctx.api('installer').post(`/api/v1/devices/${extras[0].id}/return`).send({
      returnedOn: '2026-11-27', reason: 'écran en panne', condition: 'dalle fissurée', accessoriesReturned: ['câble HDMI'], scope: 'device',
    });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body.status).toBe('completed');
    expect(one.body.devices.find((d: { deviceId: string }) => d.deviceId === extras[0].id)).toMatchObject({ status: 'returned', returnedOn: '2026-11-27', returnCondition: 'dalle fissurée' });
    expect((await ctx.api().get(`/api/v1/devices/${main.id}`)).body.status).toBe('installed');
    const events = await ctx.api('viewer').get(`/api/v1/devices/${extras[0].id}/events`);
    expect(events.body.items.at(-1)).toMatchObject({ type: 'return', fromStatus: 'installed', toStatus: 'returned', details: { installationId: installation.id, beneficiaryReference: beneficiary.reference } });

    const partial = await pdfText((await receipt(installation.id)).body);
    expect(partial).toContain(extras[0].assetTag);
    expect(partial).toContain(`Reste à restituer au titre du contrat : ${main.assetTag} (Ordinateur portable HP EliteBook 840 G5) et 2 accessoires (chargeur, souris). Le prêt n’est pas clos.`);
    expect(partial).toContain('Non restitué');
    expect(partial).not.toContain('le prêt est clos');

    const rest = await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send({
      returnedOn: '2026-11-30', reason: 'fin du prêt', condition: 'bon état', accessoriesReturned: ['chargeur', 'souris'], receivedBy: 'Sophie Girard',
    });
    expect(rest.status).toBe(200);
    expect(rest.body.status).toBe('closed');
    expect(rest.body.closedAt).not.toBeNull();
    expect((await ctx.api().get(`/api/v1/devices/${main.id}`)).body.status).toBe('returned');
  });

  it('when the kit is returned, then every device is returned and the return slip lists them with the borrower and the staff member', async () => {
    const { installation, main, extras, contractNumber } = await installedKit();
    const res = await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send({
      returnedOn: '2026-12-01', reason: 'déménagement', condition: 'rayure sur le capot', accessoriesReturned: ['chargeur'], receivedBy: 'Sophie Girard',
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('closed');
    expect(res.body.devices.map((d: { status: string }) => d.status)).toEqual(['returned', 'returned']);
    const slip = await receipt(installation.id);
    expect(slip.status).toBe(200);
    const text = await pdfText(slip.body);
    for (const expected of ['Bon de restitution', contractNumber, main.assetTag, extras[0].assetTag, main.serialNumber!, 'Aïcha Benali-Lefèvre', 'Sophie Girard', 'rayure sur le capot', 'déménagement']) {
      expect(text).toContain(expected);
    }
    // The mouse lent with the kit did not come back: the slip says so and does not call the loan closed.
    expect(text).toContain('souris Non restitué');
    expect(text).toContain('Reste à restituer au titre du contrat : 1 accessoire (souris).');
    expect(text).not.toContain('le prêt est clos');
  });

  it('when every device and accessory lent comes back, then the slip says the loan is closed', async () => {
    const { installation } = await installedKit();
    const main = (await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body.devices[0];
    await ctx.api('installer').post(`/api/v1/devices/${main.deviceId}/return`).send({
      returnedOn: '2026-12-01', reason: 'fin du prêt', condition: 'bon état', accessoriesReturned: ['Chargeur', 'souris'],
    }).expect(200);
    const text = await pdfText((await receipt(installation.id)).body);
    expect(text).toContain('Tout le matériel et tous les accessoires prêtés ont été restitués : le prêt est clos.');
    expect(text).not.toContain('Non restitué');
  });

  it('when a device is not installed, or returned twice, then 409 names its status; a slip before any return is 409', async () => {
    const { installation, main } = await installedKit();
    expect((await receipt(installation.id)).status).toBe(409);
    const body = { returnedOn: '2026-12-01', reason: 'fin du prêt', condition: 'bon état' };
    expect((await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send(body)).status).toBe(200);
    const twice = await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send(body);
    expect(twice.status).toBe(409);
    expect(twice.body.currentStatus).toBe('returned');
    const scheduled = await scheduleKit(ctx);
    const early = await ctx.api('installer').post(`/api/v1/devices/${scheduled.main.id}/return`).send(body);
    expect(early.status).toBe(409);
    expect(early.body.currentStatus).toBe('reserved');
    expect((await ctx.api('viewer').post(`/api/v1/devices/${main.id}/return`).send(body)).status).toBe(403);
  });
});
