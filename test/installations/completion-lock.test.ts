import { describe, expect, it, vi } from 'vitest';
import { isInsideTransaction } from '../../src/db/scope.js';
import { useTestApp } from '../helpers/app.js';
import { scheduleKit, signaturePng } from '../helpers/installations.js';

/** Where each contract render ran: inside a transaction, or holding SQLite's write lock. */
const renders: { insideTransaction: boolean; writerBusy: boolean }[] = [];
/** Set to make the next render fail, as a process dying between the number's reservation and the commit would. */
let failNextRender = false;

vi.mock('../../src/modules/installations/contract.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/modules/installations/contract.js')>();
  return {
    ...original,
    renderContract: (...args: Parameters<typeof original.renderContract>) => {
      renders.push({ insideTransaction: isInsideTransaction(), writerBusy: ctx.db.sqliteWriter?.inTransaction ?? false });
      if (failNextRender) {
        failNextRender = false;
        throw new Error('the process died while rendering');
      }
      return original.renderContract(...args);
    },
  };
});

const ctx = useTestApp();

describe('completing an installation and the write lock', () => {
  it('when an installation is completed with a signature, then the contract is rendered outside any write transaction', async () => {
    const { installation } = await scheduleKit(ctx);
    renders.length = 0;
    const res = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({
      installedOn: '2026-11-25',
      installedBy: 'Julien Morel',
      signature: { imagePng: signaturePng().toString('base64'), signedBy: 'Aïcha Benali-Lefèvre', signedAt: '2026-11-25T14:05:00Z' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.contractNumber).toMatch(/^2026-\d{6}$/);
    expect(renders).toEqual([{ insideTransaction: false, writerBusy: false }]);
  });

  it('when a completion fails after its number is reserved, then a retry completes it with the number reserved for it, and the year loses none', async () => {
    const { installation } = await scheduleKit(ctx);
    const send = () => ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' });
    failNextRender = true;
    const first = await send();
    expect(first.status, JSON.stringify(first.body)).toBe(500);
    const reserved = await ctx.db.kysely.selectFrom('installations').select('contract_number_reserved').where('id', '=', installation.id).executeTakeFirstOrThrow();
    expect(reserved.contract_number_reserved).toMatch(/^2026-\d{6}$/);
    const retry = await send();
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body.contractNumber).toBe(reserved.contract_number_reserved);
  });
});
