import type { Db } from '../../db/connection.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { ProblemError, conflict } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { getBeneficiaryRow } from '../beneficiaries/service.js';
import { illegalTransition, transition } from '../devices/lifecycle.js';
import { getDeviceRow } from '../devices/service.js';
import { personOf } from './documents.js';
import { renderReturnReceipt } from './receipt.js';
import type { ReturnInput } from './schemas.js';
import { getLightInstallation, installationDevices, loadInstallation, lockRow } from './store.js';

/**
 * Takes back the kit of a completed installation, or one device of it (installed → returned).
 * When nothing of the kit is still out, the installation is closed. `returnedOn` may be neither
 * after today (Paris) nor before the installation day (422 naming `returnedOn`).
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
    const now = nowIso();
    const closed = out.length === ids.length;
    await trx
      .updateTable('installations')
      .set(closed ? { status: 'closed', closed_at: now, updated_at: now } : { updated_at: now })
      .where('id', '=', installationId)
      .execute();
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
  const returned = devices.filter((d) => d.returned_on !== null);
  if (!installation.contract_number || returned.length === 0) {
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
  });
  return { bytes, filename: `restitution-${installation.contract_number}.pdf` };
}
