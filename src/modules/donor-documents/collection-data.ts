import type { Db } from '../../db/connection.js';
import type { CollectionRow, DeviceRow, DonorRow } from '../../db/schema.js';
import { getCollectionRow } from '../collections/service.js';
import { getDonorRow } from '../donors/service.js';

export interface CollectionData {
  collection: CollectionRow;
  donor: DonorRow;
  devices: DeviceRow[];
}

/** A collection with its donor and devices in asset-tag order: what the donor's documents show. */
export async function collectionData(db: Db, collectionId: string): Promise<CollectionData> {
  const collection = await getCollectionRow(db.kysely, collectionId);
  const [donor, devices] = await Promise.all([
    getDonorRow(db, collection.donor_id),
    db.kysely.selectFrom('devices').selectAll().where('collection_id', '=', collectionId).orderBy('asset_number').execute(),
  ]);
  return { collection, donor, devices };
}

export const frSiret = (siret: string | null) => (siret ? siret.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4') : null);

export function donorLines(donor: DonorRow): string[] {
  const address = [donor.address_line, [donor.postcode, donor.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [
    `Donateur : ${donor.name}`,
    ...(donor.siret ? [`SIRET : ${frSiret(donor.siret)}`] : []),
    ...(address ? [`Adresse : ${address}`] : []),
  ];
}
