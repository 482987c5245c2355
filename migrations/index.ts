import type { Migration } from 'kysely/migration';
import * as m001 from './001_core.js';
import * as m004 from './004_exchange.js';
import * as m005 from './005_installations.js';
import * as m006 from './006_inventory_indexes.js';
import * as m007 from './007_report_indexes.js';
import * as m010 from './010_contract_reservation.js';
import * as m011 from './011_idempotency_commit.js';
import * as m012 from './012_enum_checks.js';
import * as m030 from './030_staff_signature.js';
import * as m040 from './040_staff_users.js';
import * as m050 from './050_training.js';
import * as m060 from './060_event_business_dates.js';
import * as m110 from './110_installation_blobs.js';
import * as m111 from './111_exchange_kind_check.js';
import * as m145 from './145_report_device_kind_index.js';
import * as m910 from './910_report_households_index.js';
import * as m915 from './915_accessory_settlements.js';
import * as m920 from './920_beneficiary_training_index.js';
import * as m930 from './930_shipment_received_on.js';
import * as m940 from './940_device_events_activity_index.js';
import * as m950 from './950_device_events_status_since_index.js';

/** A static map rather than a folder scan: works the same under tsx, vitest and compiled output. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '004_exchange': m004,
  '005_installations': m005,
  '006_inventory_indexes': m006,
  '007_report_indexes': m007,
  '010_contract_reservation': m010,
  '011_idempotency_commit': m011,
  '012_enum_checks': m012,
  '030_staff_signature': m030,
  '040_staff_users': m040,
  '050_training': m050,
  '060_event_business_dates': m060,
  '110_installation_blobs': m110,
  '111_exchange_kind_check': m111,
  '145_report_device_kind_index': m145,
  '910_report_households_index': m910,
  '915_accessory_settlements': m915,
  '920_beneficiary_training_index': m920,
  '930_shipment_received_on': m930,
  '940_device_events_activity_index': m940,
  '950_device_events_status_since_index': m950,
};
