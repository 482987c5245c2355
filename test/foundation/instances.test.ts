import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput } from '../helpers/factories.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const ctx = useTestApp();
let second: RunningServer;

beforeAll(async () => {
  second = await startServer({ DATABASE_URL: ctx.config.databaseUrl, PUBLIC_URL: ctx.config.publicUrl });
});
afterAll(async () => {
  await second?.stop();
});

describe('two app instances on one database', () => {
  it('when 50 intakes race across two instances, then asset tags are unique and consecutive', async () => {
    const collection = await createCollection(ctx);
    const url = `/api/v1/collections/${collection.id}/devices`;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? ctx.api('collector').post(url).send(deviceInput())
          : supertest(second.url).post(url).set('Authorization', `Bearer ${ctx.keys.collector}`).send(deviceInput()),
      ),
    );
    expect(answers.map((a) => a.status), second.output()).toEqual(Array(50).fill(201));
    const numbers = answers.map((a) => Number(a.body.assetTag.slice(3))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(50);
    expect(numbers[49] - numbers[0]).toBe(49);
    const collectionNow = await supertest(second.url).get(`/api/v1/collections/${collection.id}`).set('Authorization', `Bearer ${ctx.keys.viewer}`);
    expect(collectionNow.body.deviceCount).toBe(50);
  });

  it('when the same serial is sent to both instances at once, then exactly one device gets it', async () => {
    const collection = await createCollection(ctx);
    const url = `/api/v1/collections/${collection.id}/devices`;
    const body = deviceInput({ serialNumber: 'RACE-BOTH-INSTANCES' });
    const answers = await Promise.all([
      ctx.api('collector').post(url).send(body),
      supertest(second.url).post(url).set('Authorization', `Bearer ${ctx.keys.collector}`).send(body),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
  });

  it('when a key is revoked on one instance, then the other refuses it within a second', async () => {
    const created = await ctx.api().post('/api/v1/api-keys').send({ name: 'shared', role: 'viewer' });
    const call = () => supertest(second.url).get('/api/v1/devices').set('Authorization', `Bearer ${created.body.key}`);
    expect((await call()).status).toBe(200);
    expect((await ctx.api().delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    // The other instance keeps a key it checked for at most a second (api-keys/service.ts).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await call()).status).toBe(401);
  });

  it('when the instance gets SIGTERM, then it exits cleanly', async () => {
    await second.stop();
    expect(second.process.exitCode).toBe(0);
  });
});
