import type { Db } from '../../db/connection.js';
import { inTransaction, nowIso, type Executor } from '../../db/transaction.js';
import { ProblemError, conflict } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { getBeneficiaryRow } from '../beneficiaries/service.js';
import { illegalTransition, transition } from '../devices/lifecycle.js';
import { getDeviceRow } from '../devices/service.js';
import { personOf } from './documents.js';
import { renderReturnReceipt } from './receipt.js';
import { outstandingAccessory } from './outstanding.js';
import type { ReturnInput, SettleAccessoriesInput } from './schemas.js';
import { getLightInstallation, installationDevices, installationSettlements, loadInstallation, lockRow, outstandingOf, toSettlement } from './store.js';

/**
 * Takes back the kit of a completed installation, or one device of it (installed → returned).
 * The installation is closed once nothing lent is still out: every device back, and every
 * accessory lent back or written off (`settleAccessories`); until then it stays `completed`. `returnedOn` may be
 * neither after today (Paris) nor before the installation day (422 naming `returnedOn`).
 */
export async function returnDevice(db: Db, deviceId: string, input: ReturnInput, actor: Actor) {
  assertNotFuture(input.returnedOn, 'returnedOn', 'A return');
  return inTransaction(db, async (trx) => {
    const link = await trx
      .selectFrom('installation_devices')
      .innerJoin('installations', 'installations.id', 'installation_devices.installation_id')
      .select('installation_devices.installation_id')
      .where('installation_devices.device_id', '=', deviceId)
      .where('installation_devices.returned_on', 'is', null)
      .where('installations.status', '=', 'completed')
      .executeTakeFirst();
    if (!link) {
      const device = await getDeviceRow(trx, deviceId);
      if (device.status !== 'installed') throw illegalTransition(device, 'return');
      throw conflict(`${device.asset_tag} is installed but belongs to no open loan`, { deviceId, assetTag: device.asset_tag });
    }
    const installationId = link.installation_id;
    await lockRow(trx, 'installations', installationId);
    const installation = await getLightInstallation(trx, installationId);
    if (installation.installed_on && input.returnedOn < installation.installed_on) {
      throw new ProblemError(422, `A return cannot come before the installation (${installation.installed_on})`, {}, [
        { path: 'returnedOn', message: `before the installation on ${installation.installed_on}` },
      ]);
    }
    const out = (await installationDevices(trx, [installationId])).filter((d) => d.returned_on === null).map((d) => d.device_id);
    const ids = input.scope === 'kit' ? out : [deviceId];
    await transition(trx, ids, 'return', actor, { installationId, beneficiaryReference: installation.beneficiary_reference }, {}, input.returnedOn);
    await trx
      .updateTable('installation_devices')
      .set({
        returned_on: input.returnedOn,
        return_reason: input.reason,
        return_condition: input.condition,
        accessories_returned: JSON.stringify(input.accessoriesReturned),
        returned_by: input.receivedBy ?? actor.name,
      })
      .where('installation_id', '=', installationId)
      .where('device_id', 'in', ids)
      .execute();
    await closeWhenSettled(trx, installationId);
    return loadInstallation(trx, installationId);
  });
}

/** Closes the loan when nothing lent is still out, by the rule the slip prints (`loanOutstanding`). */
async function closeWhenSettled(trx: Executor, installationId: string): Promise<void> {
  const installation = await getLightInstallation(trx, installationId);
  const [devices, settlements] = await Promise.all([installationDevices(trx, [installationId]), installationSettlements(trx, [installationId])]);
  const now = nowIso();
  await trx
    .updateTable('installations')
    .set(outstandingOf(installation, devices, settlements).closed ? { status: 'closed', closed_at: now, updated_at: now } : { updated_at: now })
    .where('id', '=', installationId)
    .execute();
}

/**
 * Records lent accessories that did not come back with the devices: returned later, or written
 * off with a reason. Each must be lent and still out (422 naming it); once nothing is out the
 * loan closes.
 */
export async function settleAccessories(db: Db, installationId: string, input: SettleAccessoriesInput, actor: Actor) {
  assertNotFuture(input.settledOn, 'settledOn', 'A settlement of accessories');
  return inTransaction(db, async (trx) => {
    await lockRow(trx, 'installations', installationId);
    const installation = await getLightInstallation(trx, installationId);
    if (installation.status !== 'completed') {
      throw conflict(`Installation ${installationId} is ${installation.status}: only a loan in force has accessories out`, { currentStatus: installation.status });
    }
    if (installation.installed_on && input.settledOn < installation.installed_on) {
      throw new ProblemError(422, `A settlement cannot come before the installation (${installation.installed_on})`, {}, [
        { path: 'settledOn', message: `before the installation on ${installation.installed_on}` },
      ]);
    }
    const [devices, settlements] = await Promise.all([installationDevices(trx, [installationId]), installationSettlements(trx, [installationId])]);
    const { accessoriesOut } = outstandingOf(installation, devices, settlements);
    const errors: { path: string; message: string }[] = [];
    const named = new Set<string>();
    const entries: { accessory: string; outcome: 'returned' | 'written_off'; reason: string | null }[] = [];
    const take = (name: string, path: string, outcome: 'returned' | 'written_off', reason: string | null) => {
      const accessory = outstandingAccessory(name, accessoriesOut);
      if (!accessory) errors.push({ path, message: `not an accessory of this loan still out (out: ${accessoriesOut.join(', ') || 'none'})` });
      else if (named.has(accessory)) errors.push({ path, message: `${accessory} is named twice` });
      else {
        named.add(accessory);
        entries.push({ accessory, outcome, reason });
      }
    };
    input.returned.forEach((name, n) => take(name, `returned.${n}`, 'returned', null));
    input.writtenOff.forEach((w, n) => take(w.accessory, `writtenOff.${n}.accessory`, 'written_off', w.reason));
    if (errors.length) throw new ProblemError(422, 'Some accessories named are not out on this loan', {}, errors);
    const now = nowIso();
    await trx
      .insertInto('installation_accessory_settlements')
      .values(entries.map((e) => ({ installation_id: installationId, ...e, settled_on: input.settledOn, settled_by: input.receivedBy ?? actor.name, recorded_at: now })))
      .execute();
    await closeWhenSettled(trx, installationId);
    return loadInstallation(trx, installationId);
  });
}

export async function returnReceiptPdf(db: Db, installationId: string): Promise<{ bytes: Buffer; filename: string }> {
  const installation = await getLightInstallation(db.kysely, installationId);
  const devices = await db.kysely
    .selectFrom('installation_devices')
    .innerJoin('devices', 'devices.id', 'installation_devices.device_id')
    .select([
      'devices.asset_tag', 'devices.asset_number', 'devices.kind', 'devices.brand', 'devices.model', 'devices.serial_number',
      'installation_devices.returned_on', 'installation_devices.return_reason', 'installation_devices.return_condition',
      'installation_devices.accessories_returned', 'installation_devices.returned_by',
    ])
    .where('installation_devices.installation_id', '=', installationId)
    .orderBy('devices.asset_number')
    .execute();
  const settlements = await installationSettlements(db.kysely, [installationId]);
  const returned = devices.filter((d) => d.returned_on !== null);
  if (!installation.contract_number || (returned.length === 0 && settlements.length === 0)) {
    throw conflict(`Nothing of installation ${installationId} has been returned yet`, { currentStatus: installation.status });
  }
  const beneficiary = await getBeneficiaryRow(db.kysely, installation.beneficiary_id);
  const bytes = await renderReturnReceipt({
    contractNumber: installation.contract_number,
    installedOn: installation.installed_on,
    beneficiaryReference: installation.beneficiary_reference,
    borrower: beneficiary.anonymised_at ? null : personOf(beneficiary).fullName,
    lent: devices.map((d) => ({
      assetTag: d.asset_tag,
      kind: d.kind,
      brand: d.brand,
      model: d.model,
      serialNumber: d.serial_number,
      returned: d.returned_on === null ? null : {
        on: d.returned_on,
        reason: d.return_reason ?? '',
        condition: d.return_condition ?? '',
        accessories: d.accessories_returned ? (JSON.parse(d.accessories_returned) as string[]) : [],
        receivedBy: d.returned_by ?? '',
      },
    })),
    accessoriesLent: JSON.parse(installation.accessories) as string[],
    settlements: settlements.map(toSettlement),
  });
  return { bytes, filename: `restitution-${installation.contract_number}.pdf` };
}
