import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, donorInput } from '../helpers/factories.js';
import { beneficiaryInput, createBeneficiary, readyDevices } from '../helpers/installations.js';
import { attestationOn, erasureInput } from '../exchange/helpers.js';

const ctx = useTestApp();
let seq = 0;

/**
 * Sends the same request twice with one key: the replay must be byte for byte the first answer.
 * The answer a retry gets is stored by the work's own transaction (so that a crash after the
 * commit loses nothing): this proves, route by route, that it is the answer the client got.
 */
async function sendTwice(role: Parameters<typeof ctx.api>[0], url: string, body: unknown) {
  const key = `replay-${++seq}`;
  const first = await ctx.api(role).post(url).set('Idempotency-Key', key).send(body as object);
  expect(first.status, JSON.stringify(first.body)).toBeLessThan(300);
  const replay = await ctx.api(role).post(url).set('Idempotency-Key', key).send(body as object);
  expect(replay.headers['idempotent-replayed'], `${url} was not replayed`).toBe('true');
  expect(replay.status).toBe(first.status);
  expect(replay.text).toBe(first.text);
  return first.body;
}

describe('Every idempotent route replays exactly the answer it sent', () => {
  it('when donors, collections, intakes (one or a batch), erasures, shipments, deliveries and adjustments are retried with their key, then each replay is the first answer', async () => {
    const donor = await sendTwice('collector', '/api/v1/donors', donorInput());
    const collection = await sendTwice('collector', '/api/v1/collections', { donorId: donor.id, collectedOn: '2026-11-20' });
    const one = await sendTwice('collector', `/api/v1/collections/${collection.id}/devices`, deviceInput());
    const batch = await sendTwice('collector', `/api/v1/collections/${collection.id}/devices`, [deviceInput(), deviceInput()]);
    expect(batch.items).toHaveLength(2);
    await sendTwice('reconditioner', `/api/v1/devices/${one.id}/erasure`, erasureInput({ performedAt: '2026-11-21T09:00:00Z' }));
    const shipment = await sendTwice('collector', '/api/v1/shipments', {});
    await sendTwice('collector', `/api/v1/shipments/${shipment.id}/items`, { codes: [batch.items[0].assetTag, 'OP-NOPE'] });
    await sendTwice('reconditioner', '/api/v1/deliveries', { receivedOn: '2026-11-25', reference: 'BL-REPLAY', items: [{ ...deviceInput(), erasure: attestationOn('2026-11-24') }] });
    await sendTwice('admin', '/api/v1/exchange/adjustments', { units: -0.5, reason: 'Écran cassé au transport' });
  });

  it('when a beneficiary, an installation and the training records are retried with their key, then each replay is the first answer', async () => {
    const person = await sendTwice('installer', '/api/v1/beneficiaries', beneficiaryInput({ lastName: 'Rejouée' }));
    const [laptop] = await readyDevices(ctx);
    await sendTwice('installer', '/api/v1/installations', { code: laptop.assetTag, beneficiaryId: person.id, scheduledOn: ctx.clock.now().toISOString().slice(0, 10), accessories: ['chargeur'] });
    const partner = await sendTwice('installer', '/api/v1/training/partners', { name: 'Médiathèque de Bissy' });
    const cycle = await sendTwice('installer', '/api/v1/training/cycles', {
      title: 'Premiers pas — rejoué', organiserId: partner.id, place: 'Bissy', startsOn: '2027-03-01', endsOn: '2027-05-31', completionRule: { kind: 'sessions', minSessions: 1 }, trainerIds: [],
    });
    await sendTwice('installer', `/api/v1/training/cycles/${cycle.id}/sessions`, { date: '2027-03-02', startTime: '14:00', endTime: '16:30', theme: 'Souris et clavier', trainer: 'Sophie Martin' });
    const trainee = await createBeneficiary(ctx, { lastName: 'Inscrite', trainingCompletedOn: null });
    await sendTwice('installer', `/api/v1/training/cycles/${cycle.id}/enrolments`, { beneficiaryId: trainee.id });
  });
});

describe('Two requests with one key at once', () => {
  it('when the same donor is posted twice at the same moment with one key, then one donor exists and both answers name it', async () => {
    const body = donorInput({ name: 'Mairie de Cognin (course)' });
    const post = () => supertest(ctx.app.server).post('/api/v1/donors').set('Authorization', `Bearer ${ctx.keys.collector}`).set('Idempotency-Key', 'donor-race').send(body);
    const answers = await Promise.all([post(), post(), post(), post()]);
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const a of answers) expect([201, 409], JSON.stringify(a.body)).toContain(a.status);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    const donors = await ctx.api('viewer').get(`/api/v1/donors?q=${encodeURIComponent('Cognin (course)')}`);
    expect(donors.body.items.filter((d: { name: string }) => d.name === body.name)).toHaveLength(1);
    const retry = await post();
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(created[0].body.id);
  });
});

