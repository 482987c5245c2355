import { sql, type Kysely } from 'kysely';

/**
 * An accessory lent with a kit (a charger, a mouse…) that did not come back with the devices
 * keeps the loan open until staff record it returned later or written off with a reason: one row
 * per accessory settled that way. Before this table a loan closed once its devices were back,
 * whatever accessory was still out; those loans stay closed, and each accessory they left out is
 * recorded here as written off on the day the loan closed, so that the slip, the page and the
 * status agree on them too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('installation_accessory_settlements')
    .addColumn('installation_id', 'text', (c) => c.notNull().references('installations.id'))
    .addColumn('accessory', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sqlIn(['returned', 'written_off'])))
    .addColumn('settled_on', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('settled_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('installation_accessory_settlements_pk', ['installation_id', 'accessory'])
    .execute();

  const closed = await db
    .selectFrom('installations')
    .select(['id', 'accessories', 'closed_at'])
    .where('status', '=', 'closed')
    .where('accessories', '<>', '[]')
    .execute();
  for (const loan of closed as { id: string; accessories: string; closed_at: string | null }[]) {
    const rows = (await db.selectFrom('installation_devices').select(['accessories_returned', 'returned_on']).where('installation_id', '=', loan.id).execute()) as {
      accessories_returned: string | null;
      returned_on: string | null;
    }[];
    const back = rows.flatMap((r) => (r.returned_on && r.accessories_returned ? (JSON.parse(r.accessories_returned) as string[]) : []));
    const out = (JSON.parse(loan.accessories) as string[]).filter((a) => !back.some((b) => same(a, b)));
    const closedOn = loan.closed_at?.slice(0, 10) ?? rows.map((r) => r.returned_on ?? '').sort().at(-1) ?? '';
    for (const accessory of new Set(out)) {
      await db
        .insertInto('installation_accessory_settlements')
        .values({
          installation_id: loan.id,
          accessory,
          outcome: 'written_off',
          settled_on: closedOn,
          reason: 'prêt clos sans cet accessoire avant le suivi des accessoires',
          settled_by: 'migration 915',
          recorded_at: loan.closed_at ?? closedOn,
        })
        .execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('installation_accessory_settlements').execute();
}

// The comparison of the service's loanOutstanding, frozen here.
function same(a: string, b: string): boolean {
  return a.trim().localeCompare(b.trim(), 'fr', { sensitivity: 'base' }) === 0;
}

function sqlIn(values: string[]) {
  return sql`outcome in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
