import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, intake } from '../helpers/factories.js';
import { createBeneficiary, readyDevices, scheduleKit } from '../helpers/installations.js';

const ctx = useTestApp();

describe('scheduling an installation', () => {
  it('when a kit is scheduled, then every device is reserved and its event names the beneficiary by reference only', async () => {
    const { installation, beneficiary, main, extras } = await scheduleKit(ctx, { extras: 1, accessories: ['chargeur', 'sacoche'] });
    expect(installation).toMatchObject({ status: 'scheduled', beneficiaryReference: beneficiary.reference, accessories: ['chargeur', 'sacoche'], contractNumber: null });
    expect(installation.devices.map((d: { assetTag: string; role: string }) => [d.assetTag, d.role])).toEqual([[main.assetTag, 'main'], [extras[0].assetTag, 'extra']]);
    for (const device of [main, ...extras]) {
      expect((await ctx.api('viewer').get(`/api/v1/devices/${device.id}`)).body.status).toBe('reserved');
      const events = await ctx.api('viewer').get(`/api/v1/devices/${device.id}/events`);
      expect(events.body.items.at(-1)).toMatchObject({ type: 'schedule', fromStatus: 'ready', toStatus: 'reserved', details: { installationId: installation.id, beneficiaryReference: beneficiary.reference } });
    }
  });

  it('when a device of the kit is not ready, then 409 names it and nothing is reserved', async () => {
    const beneficiary = await createBeneficiary(ctx);
    const [ready] = await readyDevices(ctx);
    const [collected] = await intake(ctx, [deviceInput({ kind: 'monitor' })]);
    const res = await ctx.api('installer').post('/api/v1/installations').send({ deviceId: ready.id, beneficiaryId: beneficiary.id, scheduledOn: '2026-11-25', extraDevices: [collected.assetTag] });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ assetTag: collected.assetTag, currentStatus: 'collected' });
    expect((await ctx.api().get(`/api/v1/devices/${ready.id}`)).body.status).toBe('ready');
  });

  it('when the beneficiary has not completed training, then 409; an admin override with a reason is recorded', async () => {
    const beneficiary = await createBeneficiary(ctx, { trainingCompletedOn: null });
    const [device] = await readyDevices(ctx);
    const body = { deviceId: device.id, beneficiaryId: beneficiary.id, scheduledOn: '2026-11-25' };
    const refused = await ctx.api('installer').post('/api/v1/installations').send(body);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ rules: ['training_not_completed'], beneficiaryReference: beneficiary.reference });
    expect(refused.body.detail).not.toContain('Aïcha');

    const byInstaller = await ctx.api('installer').post('/api/v1/installations').send({ ...body, override: { reason: 'formation terminée, attestation en attente' } });
    expect(byInstaller.status).toBe(403);

    const byAdmin = await ctx.api('admin').post('/api/v1/installations').send({ ...body, override: { reason: 'formation terminée, attestation en attente' } });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.override).toEqual({ reason: 'formation terminée, attestation en attente', by: 'test admin' });
  });

  it('when the beneficiary already holds an active installation, then a second one is 409 unless an admin overrides', async () => {
    const { beneficiary, installation } = await scheduleKit(ctx);
    const [device] = await readyDevices(ctx);
    const body = { deviceId: device.id, beneficiaryId: beneficiary.id, scheduledOn: '2026-12-01' };
    const refused = await ctx.api('installer').post('/api/v1/installations').send(body);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ rules: ['active_installation'], activeInstallationId: installation.id });
    const overridden = await ctx.api('admin').post('/api/v1/installations').send({ ...body, override: { reason: 'second foyer : enfant scolarisé' } });
    expect(overridden.status).toBe(201);
  });

  it('when the same device appears twice in a kit, then 400 points at it', async () => {
    const beneficiary = await createBeneficiary(ctx);
    const [device] = await readyDevices(ctx);
    const res = await ctx.api('installer').post('/api/v1/installations').send({ code: device.assetTag, beneficiaryId: beneficiary.id, scheduledOn: '2026-11-25', extraDevices: [device.serialNumber] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'extraDevices.0', message: 'already in the kit' }]);
  });

  it('when 20 installations race for the same device, then exactly one is created and the others get 409', async () => {
    const [device] = await readyDevices(ctx);
    const people = await Promise.all(Array.from({ length: 20 }, () => createBeneficiary(ctx)));
    const answers = await Promise.all(
      people.map((p) => ctx.api('installer').post('/api/v1/installations').send({ deviceId: device.id, beneficiaryId: p.id, scheduledOn: '2026-11-25' })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    for (const lost of answers.filter((a) => a.status === 409)) expect(lost.body).toMatchObject({ currentStatus: 'reserved' });
    const events = await ctx.api().get(`/api/v1/devices/${device.id}/events`);
    expect(events.body.items.filter((e: { type: string }) => e.type === 'schedule')).toHaveLength(1);
  });

  it('when a scheduled installation is cancelled, then the kit is ready again and it cannot be completed', async () => {
    const { installation, main, extras } = await scheduleKit(ctx, { extras: 1 });
    const res = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/cancel`).send({ reason: 'rendez-vous annulé' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    for (const d of [main, ...extras]) expect((await ctx.api().get(`/api/v1/devices/${d.id}`)).body.status).toBe('ready');
    const complete = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' });
    expect(complete.status).toBe(409);
    expect(complete.body.currentStatus).toBe('cancelled');
    expect((await ctx.api('installer').post(`/api/v1/installations/${installation.id}/cancel`).send({})).status).toBe(409);
  });

  it('when roles other than installer and admin call installations, then 403', async () => {
    const { installation } = await scheduleKit(ctx);
    for (const role of ['viewer', 'collector', 'reconditioner'] as const) {
      expect((await ctx.api(role).get('/api/v1/installations')).status, role).toBe(403);
      expect((await ctx.api(role).get(`/api/v1/installations/${installation.id}`)).status, role).toBe(403);
      expect((await ctx.api(role).get(`/api/v1/installations/${installation.id}/contract.pdf`)).status, role).toBe(403);
      expect((await ctx.api(role).post('/api/v1/installations').send({})).status, role).toBe(403);
    }
    const list = await ctx.api('installer').get(`/api/v1/installations?status=scheduled&limit=500`);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(installation.id);
  });
});
