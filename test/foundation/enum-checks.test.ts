import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ENUM_COLUMNS } from '../../migrations/012_enum_checks.js';
import { KIND_VALUES } from '../../migrations/111_exchange_kind_check.js';
import { ROLES } from '../../src/http/roles.js';
import { DEVICE_KINDS, DEVICE_STATUSES, GRADES, ORIGINS, STORAGE_TYPES } from '../../src/modules/devices/schemas.js';
import { DONOR_KINDS } from '../../src/modules/donors/schemas.js';
import { ERASURE_METHODS, ERASURE_RESULTS } from '../../src/modules/erasure/schemas.js';
import { ENTRY_TYPES } from '../../src/modules/exchange/schemas.js';
import { INSTALLATION_STATUSES } from '../../src/modules/installations/schemas.js';
import { SHIPMENT_STATUSES } from '../../src/modules/shipments/schemas.js';
import { DB_ENUM_COLUMNS } from '../../src/shared/enums.js';
import { useTestApp } from '../helpers/app.js';
import { intake } from '../helpers/factories.js';

const ctx = useTestApp();

describe('enum columns in the database', () => {
  it('when the migration froze its lists, then they are the application’s lists', () => {
    const frozen = { ...ENUM_COLUMNS, exchange_entries: { ...ENUM_COLUMNS.exchange_entries, kind: KIND_VALUES } };
    expect(frozen).toEqual(DB_ENUM_COLUMNS);
    expect(DB_ENUM_COLUMNS).toMatchObject({
      api_keys: { role: ROLES },
      donors: { kind: DONOR_KINDS },
      devices: { kind: DEVICE_KINDS, status: DEVICE_STATUSES, grade: GRADES, origin: ORIGINS, storage_type: STORAGE_TYPES },
      erasure_records: { method: ERASURE_METHODS, result: ERASURE_RESULTS },
      shipments: { status: SHIPMENT_STATUSES },
      exchange_entries: { type: ENTRY_TYPES, kind: DEVICE_KINDS },
      installations: { status: INSTALLATION_STATUSES },
    });
  });

  it('when a value outside the list is written by hand, then the database refuses it, and NULL stays allowed where it was', async () => {
    const [device] = await intake(ctx);
    const db = ctx.db.kysely;
    // Raw SQL: the column types refuse these values at compile time already.
    await expect(sql`update devices set status = 'lost' where id = ${device.id}`.execute(db)).rejects.toThrow(/check/i);
    await expect(sql`update devices set kind = 'toaster' where id = ${device.id}`.execute(db)).rejects.toThrow(/check/i);
    await expect(sql`update api_keys set role = 'root'`.execute(db)).rejects.toThrow(/check/i);
    await db.updateTable('devices').set({ grade: null, storage_type: null }).where('id', '=', device.id).execute();
    await db.updateTable('devices').set({ grade: 'parts' }).where('id', '=', device.id).execute();
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body).toMatchObject({ status: 'collected', grade: 'parts' });
  });
});
