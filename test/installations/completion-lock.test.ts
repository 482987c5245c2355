import { describe, expect, it, vi } from 'vitest';
import { isInsideTransaction } from '../../src/db/scope.js';
import { useTestApp } from '../helpers/app.js';
import { scheduleKit, signaturePng } from '../helpers/installations.js';

/** Where each contract render ran: inside a transaction, or holding SQLite's write lock. */
const renders: { insideTransaction: boolean; writerBusy: boolean }[] = [];

vi.mock('../../src/modules/installations/contract.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/modules/installations/contract.js')>();
  return {
    ...original,
    renderContract: (...args: Parameters<typeof original.renderContract>) => {
      renders.push({ insideTransaction: isInsideTransaction(), writerBusy: ctx.db.sqliteWriter?.inTransaction ?? false });
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

});
