import { describe, expect, it } from 'vitest';
import { dayInParis } from '../../src/clock.js';
import { useTestApp } from '../helpers/app.js';
import { collectedOn, createCollection, deviceInput, intake } from '../helpers/factories.js';
import { scheduleKit } from '../helpers/installations.js';
import { pdfText } from '../helpers/pdf.js';
import { at } from '../helpers/training.js';
import { addCodes, attestationOn, erasureInput, getPdf, openShipment, ship } from './helpers.js';

const ctx = useTestApp();

describe('dates that contradict each other, and an OS where there is none', () => {
  it('when a delivery is received before its device was dispatched, then 422 names receivedOn and nothing moves', async () => {
    const [laptop] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, [laptop], '2025-11-20');
    const res = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-11-19', reference: 'BL-D', items: [{ code: laptop.assetTag, erasure: attestationOn('2025-11-19') }] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'receivedOn', message: `before ${laptop.assetTag} was dispatched (2025-11-20)` }]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    const sameDay = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-11-20', reference: 'BL-D', items: [{ code: laptop.assetTag, erasure: attestationOn('2025-11-20') }] });
    expect(sameDay.status).toBe(201);
  });

  it('when TRIRA confirmed receiving a unit, then a delivery bringing it back earlier is refused naming receivedOn; the receipt day is taken', async () => {
    const [laptop] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2025-01-06'));
    const shipment = await ship(ctx, [laptop], '2025-11-20');
    await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ receivedOn: '2025-11-25' }).expect(200);
    const deliver = (receivedOn: string) => ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn, reference: 'BL-R', items: [{ code: laptop.assetTag, erasure: attestationOn(receivedOn) }] });
    const early = await deliver('2025-11-24');
    expect(early.status, JSON.stringify(early.body)).toBe(422);
    expect(early.body.errors).toEqual([{ path: 'receivedOn', message: `before ${laptop.assetTag} was received by the reconditioner (2025-11-25)` }]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    expect((await deliver('2025-11-25')).status).toBe(201);
  });

  it('when a unit was delivered back, then its shipment’s receipt dated after that day is refused naming receivedOn; that day is taken', async () => {
    const [laptop, other] = await intake(ctx, [deviceInput(), deviceInput()], await collectedOn(ctx, '2025-01-06'));
    const shipment = await ship(ctx, [laptop, other], '2025-11-20');
    const back = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-11-22', reference: 'BL-S', items: [{ code: laptop.assetTag, erasure: attestationOn('2025-11-22') }] });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    const acknowledge = (receivedOn: string) => ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ receivedOn });
    const late = await acknowledge('2025-11-23');
    expect(late.status, JSON.stringify(late.body)).toBe(422);
    expect(late.body.errors).toEqual([{ path: 'receivedOn', message: `after ${laptop.assetTag} was delivered back (2025-11-22)` }]);
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('dispatched');
    expect((await acknowledge('2025-11-22')).status).toBe(200);
  });

  it('when a returning unit’s attestation is dated before the unit was dispatched, then 422 names its performedAt and nothing moves; the Paris day counts', async () => {
    const [laptop, other] = await intake(ctx, [deviceInput(), deviceInput()], await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, [laptop, other], '2025-11-20');
    const deliver = (performedAt: string) =>
      ctx.api('reconditioner').post('/api/v1/deliveries').send({
        receivedOn: '2025-11-25', reference: 'BL-E', items: [{ code: other.assetTag, erasure: erasureInput({ performedAt: '2025-11-21T10:00:00Z' }) }, { code: laptop.assetTag, erasure: erasureInput({ performedAt }) }],
      });
    const res = await deliver('2025-11-19T10:00:00Z');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'items.1.erasure.performedAt', message: `erased before ${laptop.assetTag} was dispatched (2025-11-20)` }]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}/erasures`)).body.items).toEqual([]);
    // 23:30 UTC on the 19th is 00:30 on the 20th in Paris: the day it was dispatched.
    const res2 = await deliver('2025-11-19T23:30:00Z');
    expect(res2.status, JSON.stringify(res2.body)).toBe(201);
  });

  it('when an attestation is dated after the delivery was received, then 422 names its performedAt for a returning unit and a new one alike and nothing moves; the Paris day counts, and a new unit erased long ago is taken', async () => {
    const [laptop] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, [laptop], '2025-11-20');
    const newUnit = deviceInput({ brand: 'Dell', model: 'Latitude 5490' });
    const deliver = (back: string, fresh: string) =>
      ctx.api('reconditioner').post('/api/v1/deliveries').send({
        receivedOn: '2025-11-25', reference: 'BL-L', items: [{ code: laptop.assetTag, erasure: erasureInput({ performedAt: back }) }, { ...newUnit, erasure: erasureInput({ performedAt: fresh }) }],
      });
    // 23:30 UTC on the 25th is 00:30 on the 26th in Paris: the day after the delivery.
    const res = await deliver('2025-11-26T08:00:00Z', '2025-11-25T23:30:00Z');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      { path: 'items.0.erasure.performedAt', message: 'erased after the delivery was received (2025-11-25)' },
      { path: 'items.1.erasure.performedAt', message: 'erased after the delivery was received (2025-11-25)' },
    ]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}/erasures`)).body.items).toEqual([]);
    expect((await ctx.api().get(`/api/v1/scan/${newUnit.serialNumber}`)).status).toBe(404);

    // 22:30 UTC on the 25th is still the 25th in Paris; a new unit has no dispatch to be erased after.
    const ok = await deliver('2025-11-25T22:30:00Z', '2001-03-01T10:00:00Z');
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.items.map((i: { isNew: boolean; device: { status: string } }) => [i.isNew, i.device.status])).toEqual([[false, 'ready'], [true, 'ready']]);
  });

  it('when an installation is completed before its scheduled day, then 422 unless a reason is given, which is recorded', async () => {
    const { installation, main } = await scheduleKit(ctx); // scheduled on 2026-11-25
    const early = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-24', installedBy: 'Julien Morel' });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].path).toBe('installedOn');
    const withReason = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({
      installedOn: '2026-11-24', installedBy: 'Julien Morel', earlyReason: 'Rendez-vous avancé à la demande du bénéficiaire',
    });
    expect(withReason.status, JSON.stringify(withReason.body)).toBe(200);
    const events = await ctx.api('viewer').get(`/api/v1/devices/${main.id}/events`);
    expect(events.body.items.at(-1)).toMatchObject({ type: 'complete', details: { earlyReason: 'Rendez-vous avancé à la demande du bénéficiaire' } });
  });

  it('when a return is dated before the installation, then 422 names returnedOn and the device stays installed', async () => {
    const { installation, main } = await scheduleKit(ctx);
    await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' }).expect(200);
    const res = await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send({ returnedOn: '2026-11-24', reason: 'fin du prêt', condition: 'bon état' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'returnedOn', message: 'before the installation on 2026-11-25' }]);
    expect((await ctx.api().get(`/api/v1/devices/${main.id}`)).body.status).toBe('installed');
  });

  it('when an OS is given for a monitor or a peripheral, then 400 points at specs.os, at intake, in a delivery and on update', async () => {
    const withOs = { specs: { os: 'Windows 10' } };
    const { id: collectionId } = await createCollection(ctx);
    const single = await ctx.api('collector').post(`/api/v1/collections/${collectionId}/devices`).send(deviceInput({ kind: 'monitor', ...withOs }));
    expect(single.status).toBe(400);
    expect(single.body.errors).toContainEqual(expect.objectContaining({ path: 'specs.os' }));
    const batch = await ctx.api('collector').post(`/api/v1/collections/${collectionId}/devices`).send([deviceInput(), deviceInput({ kind: 'peripheral', ...withOs })]);
    expect(batch.status).toBe(400);
    expect(batch.body.errors).toContainEqual(expect.objectContaining({ path: '1.specs.os' }));
    const delivery = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-12-01', reference: 'BL-OS', items: [deviceInput({ kind: 'monitor', ...withOs })] });
    expect(delivery.status).toBe(400);
    const [monitor] = await intake(ctx, [deviceInput({ kind: 'monitor' })]);
    const patch = await ctx.api('collector').patch(`/api/v1/devices/${monitor.id}`).send({ specs: { os: 'Linux Mint 22' } });
    expect(patch.status).toBe(422);
    expect(patch.body.errors).toEqual([{ path: 'specs.os', message: 'a monitor has no operating system; leave os out' }]);
    const recondition = await ctx.api('collector').post(`/api/v1/devices/${monitor.id}/recondition`).send({ grade: 'A', os: 'Linux Mint 22' });
    expect(recondition.status).toBe(422);
  });
});

/** The Paris day `days` from the test clock's now (never the machine's date). */
const parisDay = (days = 0) => dayInParis(new Date(ctx.clock.now().getTime() + days * 86_400_000));

describe('business dates after today, and dates that come before the collection', () => {
  it('when a delivery is received tomorrow (Paris), then 422 names receivedOn and nothing is written', async () => {
    const [laptop] = await intake(ctx, [deviceInput()], (await createCollection(ctx, { collectedOn: parisDay(-10) })).id);
    await ship(ctx, [laptop], parisDay(-5));
    const tomorrow = parisDay(1);
    const res = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: tomorrow, reference: 'BL-FUTURE', items: [{ code: laptop.assetTag, erasure: attestationOn(parisDay(-1)) }] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ path: 'receivedOn', message: 'after today' }]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}/erasures`)).body.items).toEqual([]);
    expect((await ctx.api().get('/api/v1/deliveries?limit=200')).body.items.map((d: { reference: string }) => d.reference)).not.toContain('BL-FUTURE');
  });

  it('when a collection is dated after today in Paris, then 422 names collectedOn and none is created; at 23:30 UTC the Paris day already counts as today', async () => {
    const { id: donorId } = await createCollection(ctx, { collectedOn: parisDay(-1) }).then((c) => ({ id: c.donorId }));
    const before = (await ctx.api().get(`/api/v1/collections?donorId=${donorId}`)).body.items.length;
    const res = await ctx.api('collector').post('/api/v1/collections').send({ donorId, collectedOn: parisDay(1) });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ path: 'collectedOn', message: 'after today' }]);
    expect((await ctx.api().get(`/api/v1/collections?donorId=${donorId}`)).body.items).toHaveLength(before);
    // 23:30 UTC is 00:30 the next day in Paris (CET): that day is today there.
    const utcDay = ctx.clock.now().toISOString().slice(0, 10);
    await at(ctx, `${utcDay}T23:30:00Z`, async () => {
      const parisToday = parisDay(0);
      expect(parisToday > utcDay).toBe(true);
      await ctx.api('collector').post('/api/v1/collections').send({ donorId, collectedOn: parisToday }).expect(201);
      expect((await ctx.api('collector').post('/api/v1/collections').send({ donorId, collectedOn: parisDay(1) })).status).toBe(422);
    });
  });

  it('when an installation is completed tomorrow (Paris), then 422 names installedOn, no contract is frozen and the devices stay reserved', async () => {
    const { installation, main } = await scheduleKit(ctx); // scheduled on 2026-11-25
    const res = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: parisDay(1), installedBy: 'Julien Morel' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ path: 'installedOn', message: 'after today' }]);
    expect((await ctx.api().get(`/api/v1/devices/${main.id}`)).body.status).toBe('reserved');
    expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body).toMatchObject({ status: 'scheduled', installedOn: null });
    await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: parisDay(0), installedBy: 'Julien Morel' }).expect(200);
  });

  it('when a shipment is dispatched before one of its devices was collected, then 422 names dispatchedOn with the device and its collection date, and nothing moves', async () => {
    const [early] = await intake(ctx, [deviceInput()], (await createCollection(ctx, { collectedOn: '2026-10-15' })).id);
    const [late] = await intake(ctx, [deviceInput()], (await createCollection(ctx, { collectedOn: '2026-11-30' })).id);
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, [early.assetTag, late.assetTag]);
    const res = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-01' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain(`${late.assetTag} (came into the programme on 2026-11-30)`);
    expect(res.body.detail).not.toContain(early.assetTag);
    expect(res.body.errors).toEqual([{ path: 'dispatchedOn', message: `before ${late.assetTag}: it came into the programme on 2026-11-30` }]);
    expect((await ctx.api().get(`/api/v1/devices/${late.id}`)).body.status).toBe('collected');
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('open');
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-30' }).expect(200);
  });

  it('when a device given back from a home is dispatched on a day before its return, then 422 names dispatchedOn and the return day, and nothing moves', async () => {
    const { installation, main } = await scheduleKit(ctx);
    await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' }).expect(200);
    await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send({ returnedOn: '2026-11-28', reason: 'fin du prêt', condition: 'bon état', accessoriesReturned: ['chargeur', 'souris'] }).expect(200);
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, [main.assetTag]);
    const res = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-27' });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'dispatchedOn', message: `before ${main.assetTag}: it last came back from a home on 2026-11-28` }]);
    expect((await ctx.api().get(`/api/v1/devices/${main.id}`)).body.status).toBe('returned');
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-28' }).expect(200);
  });
});

describe('erasure events carry the day the erasure was performed', () => {
  type Event = { type: string; fromStatus: string | null; toStatus: string | null; occurredOn: string; details: Record<string, unknown> | null };
  const eventsOf = async (id: string): Promise<Event[]> => (await ctx.api('viewer').get(`/api/v1/devices/${id}/events`)).body.items;

  it('when an in-house erasure performed at 00:30 on 1 December, Paris time, is typed later, then its event is dated 1 December', async () => {
    const [laptop] = await intake(ctx, [deviceInput()]);
    // 23:30 UTC on 30 November is 00:30 on 1 December in Paris.
    await ctx.api('collector').post(`/api/v1/devices/${laptop.id}/erasure`).send(erasureInput({ performedAt: '2026-11-30T23:30:00Z' })).expect(201);
    const erasure = (await eventsOf(laptop.id)).find((e) => e.type === 'erasure');
    expect(erasure?.occurredOn).toBe('2026-12-01');
  });

  it('when TRIRA delivers a returning unit and a new one with attestations, then each erasure event comes before its deliver event, dated by performedAt (Paris)', async () => {
    const [laptop] = await intake(ctx, [deviceInput()]);
    await ship(ctx, [laptop], '2026-11-10');
    const fresh = deviceInput({ brand: 'Dell', model: 'Latitude 5490' });
    // 23:30 UTC on the 23rd is 00:30 on the 24th in Paris.
    const res = await ctx.api('reconditioner').post('/api/v1/deliveries').send({
      receivedOn: '2026-11-25', reference: 'BL-ORDER',
      items: [{ code: laptop.assetTag, erasure: erasureInput({ performedAt: '2026-11-23T23:30:00Z' }) }, { ...fresh, erasure: erasureInput({ performedAt: '2026-11-20T09:00:00Z' }) }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const back = (await eventsOf(laptop.id)).filter((e) => e.type === 'erasure' || e.type === 'deliver');
    expect(back.map((e) => [e.type, e.fromStatus, e.toStatus, e.occurredOn])).toEqual([
      ['erasure', 'shipped', 'shipped', '2026-11-24'],
      ['deliver', 'shipped', 'ready', '2026-11-25'],
    ]);
    const newId = res.body.items[1].device.id;
    expect((await eventsOf(newId)).map((e) => [e.type, e.fromStatus, e.toStatus, e.occurredOn])).toEqual([
      ['erasure', null, null, '2026-11-20'],
      ['deliver', null, 'ready', '2026-11-25'],
    ]);
    // The change feed reads in the same order.
    const feed = (await ctx.api('viewer').get('/api/v1/events?limit=500')).body.items as (Event & { deviceId: string })[];
    expect(feed.filter((e) => e.deviceId === laptop.id).map((e) => e.type).slice(-2)).toEqual(['erasure', 'deliver']);
  });

  it('when a device is scrapped with the recycler’s certificate on a business date typed later, then the donor’s erasure certificate prints the business date', async () => {
    const collection = await createCollection(ctx);
    const [laptop] = await intake(ctx, [deviceInput()], collection.id);
    await ctx.api('collector').post(`/api/v1/devices/${laptop.id}/scrap`).send({ reason: 'Carte mère HS', destructionCertificate: 'CD-2026-0042', scrappedOn: '2026-11-20' }).expect(200);
    const text = await pdfText((await getPdf(ctx, `/api/v1/collections/${collection.id}/erasure-certificate.pdf`)).body);
    // The row: the certificate's reference, then the date of destruction.
    const row = text.slice(text.indexOf('CD-2026-0042'), text.indexOf('Détruit (recyclé)'));
    expect(row).toContain('20/11/2026');
    expect(row).not.toContain(dayInParis(ctx.clock.now()).split('-').reverse().join('/'));
  });

  it('when TRIRA confirms days later a receipt on 22/11 with one unit missing, then the donor’s erasure certificate dates that unit by the reception day, never the typing day', async () => {
    const collection = await createCollection(ctx, { collectedOn: '2026-11-18' });
    const [kept, lost] = await intake(ctx, [deviceInput(), deviceInput()], collection.id);
    const shipment = await ship(ctx, [kept, lost], '2026-11-20');
    await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ missing: [lost.assetTag], receivedOn: '2026-11-22' }).expect(200);
    const typed = dayInParis(ctx.clock.now()).split('-').reverse().join('/');
    expect(typed).not.toBe('22/11/2026');
    const text = await pdfText((await getPdf(ctx, `/api/v1/collections/${collection.id}/erasure-certificate.pdf`)).body);
    const row = text.slice(text.indexOf(lost.assetTag), text.indexOf('Manquant'));
    expect(row).toContain('22/11/2026');
    expect(text).not.toContain(typed);
  });

  it('when a data-bearing device is scrapped without an erasure or the recycler’s certificate, then the 409 names destructionCertificate', async () => {
    const [laptop] = await intake(ctx, [deviceInput()]);
    const res = await ctx.api('collector').post(`/api/v1/devices/${laptop.id}/scrap`).send({ reason: 'Carte mère HS' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ path: 'destructionCertificate', message: expect.stringContaining('required') }]);
    expect(res.body.missing).toBe('erasure');
  });
});

describe('an undated action late in the evening is dated the day in Paris', () => {
  it('when a shipment is dispatched and an adjustment recorded without a date at 23:30 UTC on 2 December, then both are dated 3 December (the day in Paris)', async () => {
    const [laptop] = await at(ctx, '2026-12-01T10:00:00Z', async () => intake(ctx, [deviceInput()], (await createCollection(ctx, { collectedOn: '2026-12-01' })).id));
    await at(ctx, '2026-12-02T23:30:00Z', async () => {
      const shipment = await ship(ctx, [laptop]);
      const dispatched = (await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body;
      expect(dispatched.dispatchedOn).toBe('2026-12-03');
      const events = (await ctx.api().get(`/api/v1/devices/${laptop.id}/events`)).body.items;
      expect(events.at(-1)).toMatchObject({ type: 'dispatch', occurredOn: '2026-12-03' });
      const adjustment = await ctx.api('admin').post('/api/v1/exchange/adjustments').send({ units: 0.5, reason: 'Ajustement du soir' });
      expect(adjustment.status).toBe(201);
      expect(adjustment.body.occurredOn).toBe('2026-12-03');
    });
  });
});
