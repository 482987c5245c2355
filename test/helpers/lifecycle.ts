import { inTransaction } from '../../src/db/transaction.js';
import { transition, type Action } from '../../src/modules/devices/lifecycle.js';
import type { TestContext } from './app.js';

const actor = { keyId: 'test', name: 'test lifecycle', role: 'admin' as const };

/**
 * Moves devices through `transition()`, the one path every lifecycle endpoint takes. It stands in
 * for the shipment, delivery and installation endpoints while a test needs a status they reach.
 */
export async function move(ctx: TestContext, ids: string[], ...actions: Action[]): Promise<void> {
  for (const action of actions) await inTransaction(ctx.db, (trx) => transition(trx, ids, action, actor));
}

