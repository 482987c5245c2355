import { describe, expect, it } from 'vitest';
import { dayInParis } from '../../src/clock.js';
import { useTestApp } from '../helpers/app.js';
import { collectedOn, deviceInput, intake } from '../helpers/factories.js';
import { beneficiaryInput, createBeneficiary, READY_ON, readyDevices, scheduleKit } from '../helpers/installations.js';

const ctx = useTestApp();

const monitor = () => deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2219H', specs: null });
/** A day after today in Paris, whatever day the suite runs on. */
const tomorrow = () => dayInParis(new Date(ctx.clock.now().getTime() + 36 * 3600 * 1000));
const statusOf = async (id: string) => (await ctx.api().get(`/api/v1/devices/${id}`)).body.status;

async function installed(options: { installedOn?: string } = {}) {
  const kit = await scheduleKit(ctx);
  const done = await ctx.api('installer').post(`/api/v1/installations/${kit.installation.id}/complete`).send({ installedOn: options.installedOn ?? '2026-11-25', installedBy: 'Julien Morel' });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return kit;
}

describe('device actions dated before the device was in our hands', () => {
  it('when a reconditioning is dated before the collection, then 422 names reconditionedOn and the device stays collected; the collection day itself is taken', async () => {
    const [device] = await intake(ctx, [monitor()], await collectedOn(ctx, '2026-11-02'));
    const early = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B', reconditionedOn: '2026-11-01' });
    expect(early.status).toBe(422);
    expect(early.headers['content-type']).toContain('application/problem+json');
    expect(early.body.errors).toEqual([{ path: 'reconditionedOn', message: 'before it came into the programme on 2026-11-02' }]);
    expect(await statusOf(device.id)).toBe('collected');
    expect((await ctx.api().get(`/api/v1/devices/${device.id}/events`)).body.items.map((e: { type: string }) => e.type)).toEqual(['intake']);
    const sameDay = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B', reconditionedOn: '2026-11-02' });
    expect(sameDay.status, JSON.stringify(sameDay.body)).toBe(200);
  });

  it('when a reconditioning is dated in the future, then 422 names reconditionedOn', async () => {
    const [device] = await intake(ctx, [monitor()]);
    const res = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B', reconditionedOn: tomorrow() });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'reconditionedOn', message: 'after today' }]);
    expect(await statusOf(device.id)).toBe('collected');
  });

  it('when a returned device is reconditioned on a day before its return, then 422 names reconditionedOn', async () => {
    const { main } = await installed();
    const back = await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send({ returnedOn: '2026-11-28', reason: 'fin du prêt', condition: 'bon état' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    const res = await ctx.api('reconditioner').post(`/api/v1/devices/${main.id}/recondition`).send({ grade: 'B', reconditionedOn: '2026-11-27' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'reconditionedOn', message: 'before it last came back from a home on 2026-11-28' }]);
    expect(await statusOf(main.id)).toBe('returned');
  });

  it('when a scrapping is dated before the collection, then 422 names scrappedOn and the device stays collected', async () => {
    const [device] = await intake(ctx, [monitor()], await collectedOn(ctx, '2026-11-02'));
    const res = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'Dalle cassée', scrappedOn: '2026-10-15' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'scrappedOn', message: 'before it came into the programme on 2026-11-02' }]);
    expect(await statusOf(device.id)).toBe('collected');
    const ok = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'Dalle cassée', scrappedOn: '2026-11-03' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});

describe('installations dated before the kit or the person was ready', () => {
  it('when an installation is scheduled before the kit was ready, then 422 names scheduledOn, even for an admin overriding, and nothing is reserved; the ready day and later ones are taken', async () => {
    const beneficiary = await createBeneficiary(ctx);
    const [laptop] = await readyDevices(ctx);
    const [screen] = await readyDevices(ctx, [monitor()], '2026-11-12');
    const body = { code: laptop.assetTag, beneficiaryId: beneficiary.id, extraDevices: [screen.assetTag] };
    const early = await ctx.api('installer').post('/api/v1/installations').send({ ...body, scheduledOn: '2026-11-11' });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([{ path: 'scheduledOn', message: `before the kit was ready: ${screen.assetTag} on 2026-11-12` }]);
    const overridden = await ctx.api('admin').post('/api/v1/installations').send({ ...body, scheduledOn: '2019-05-01', override: { reason: 'formation suivie ailleurs' } });
    expect(overridden.status).toBe(422);
    expect(overridden.body.errors[0].path).toBe('scheduledOn');
    expect(await statusOf(laptop.id)).toBe('ready');
    expect(await statusOf(screen.id)).toBe('ready');
    expect((await ctx.api('installer').get(`/api/v1/installations?beneficiaryId=${beneficiary.id}`)).body.items).toEqual([]);
    const later = await ctx.api('installer').post('/api/v1/installations').send({ ...body, scheduledOn: tomorrow() });
    expect(later.status, JSON.stringify(later.body)).toBe(201);
    const cancelled = await ctx.api('installer').post(`/api/v1/installations/${later.body.id}/cancel`).send({});
    expect(cancelled.status).toBe(200);
    const readyDay = await ctx.api('installer').post('/api/v1/installations').send({ ...body, scheduledOn: '2026-11-12' });
    expect(readyDay.status, JSON.stringify(readyDay.body)).toBe(201);
  });

  it('when an installation done on a past day is recorded afterwards, then its reservation is dated that day, never after the installation; one planned ahead is reserved the day it is planned', async () => {
    const { installation, main } = await scheduleKit(ctx, { scheduledOn: '2026-11-20' });
    await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-20', installedBy: 'Julien Morel' }).expect(200);
    const events = (await ctx.api('viewer').get(`/api/v1/devices/${main.id}/events`)).body.items as { type: string; occurredOn: string }[];
    expect(events.filter((e) => ['schedule', 'complete'].includes(e.type)).map((e) => [e.type, e.occurredOn])).toEqual([['schedule', '2026-11-20'], ['complete', '2026-11-20']]);

    const ahead = await scheduleKit(ctx, { scheduledOn: tomorrow() });
    const reserved = (await ctx.api('viewer').get(`/api/v1/devices/${ahead.main.id}/events`)).body.items.find((e: { type: string }) => e.type === 'schedule');
    expect(reserved.occurredOn).toBe(dayInParis(ctx.clock.now()));
  });

  it('when an installation is completed before the kit was ready, then 422 names installedOn even with earlyReason, and no contract is made', async () => {
    const { installation } = await scheduleKit(ctx, { scheduledOn: READY_ON });
    const res = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-09', installedBy: 'Julien Morel', earlyReason: 'Rendez-vous avancé' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'installedOn', message: expect.stringMatching(/^before the kit was ready: OP-\d+ on 2026-11-10$/) }]);
    const after = (await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body;
    expect(after).toMatchObject({ status: 'scheduled', installedOn: null, contractNumber: null });
  });

  it('when an installation is completed before the person completed the training, then 422 names installedOn; an installation an admin scheduled by override may be', async () => {
    const trainedLate = await createBeneficiary(ctx, { trainingCompletedOn: '2026-11-20' });
    const { installation } = await scheduleKit(ctx, { beneficiary: trainedLate, scheduledOn: '2026-11-25' });
    const res = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-19', installedBy: 'Julien Morel', earlyReason: 'Rendez-vous avancé' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'installedOn', message: 'before the training was completed on 2026-11-20' }]);
    expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body).toMatchObject({ status: 'scheduled', contractNumber: null });
    const onTheDay = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-20', installedBy: 'Julien Morel', earlyReason: 'Rendez-vous avancé' });
    expect(onTheDay.status, JSON.stringify(onTheDay.body)).toBe(200);

    // Scheduled by an admin's override before any training; the date typed afterwards does not undo it.
    const untrained = await createBeneficiary(ctx, { trainingCompletedOn: null });
    const [laptop] = await readyDevices(ctx);
    const scheduled = await ctx.api('admin').post('/api/v1/installations').send({ code: laptop.assetTag, beneficiaryId: untrained.id, scheduledOn: '2026-11-18', override: { reason: 'formée par le CCAS' } });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
    expect((await ctx.api('installer').patch(`/api/v1/beneficiaries/${untrained.id}`).send({ trainingCompletedOn: '2026-11-20' })).status).toBe(200);
    const overridden = await ctx.api('installer').post(`/api/v1/installations/${scheduled.body.id}/complete`).send({ installedOn: '2026-11-18', installedBy: 'Julien Morel' });
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(200);
  });

  it('when a return is dated in the future, then 422 names returnedOn and the device stays installed', async () => {
    const { main, installation } = await installed();
    const res = await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send({ returnedOn: tomorrow(), reason: 'fin du prêt', condition: 'bon état' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'returnedOn', message: 'after today' }]);
    expect(await statusOf(main.id)).toBe('installed');
    expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body.status).toBe('completed');
  });
});

describe('dates typed on a person', () => {
  it('when a person is registered with a training or consent date in the future, then 422 names the field and nobody is registered', async () => {
    for (const field of ['trainingCompletedOn', 'consentRecordedOn']) {
      const res = await ctx.api('installer').post('/api/v1/beneficiaries').send(beneficiaryInput({ lastName: `Futur-${field}`, [field]: tomorrow() }));
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: field, message: 'after today' }]);
      expect((await ctx.api('installer').get(`/api/v1/beneficiaries?q=Futur-${field}`)).body.items).toEqual([]);
    }
  });

  it('when a person is changed to a training or consent date in the future, then 422 names the field and nothing changes', async () => {
    const person = await createBeneficiary(ctx);
    for (const field of ['trainingCompletedOn', 'consentRecordedOn']) {
      const res = await ctx.api('installer').patch(`/api/v1/beneficiaries/${person.id}`).send({ [field]: tomorrow(), city: 'Bassens' });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: field, message: 'after today' }]);
    }
    expect((await ctx.api('installer').get(`/api/v1/beneficiaries/${person.id}`)).body).toMatchObject({ trainingCompletedOn: '2026-10-30', consentRecordedOn: '2026-09-15', city: 'Chambéry' });
  });
});
