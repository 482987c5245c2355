import type { Db } from '../../db/connection.js';
import { badRequest } from '../../http/problem.js';
import { eventsWithTag, toEvent } from '../devices/service.js';

/**
 * The change feed: every device event after a cursor, in id order. Ids are also commit order:
 * SQLite has one writer, and on PostgreSQL `appendEvents` serialises event-writing transactions
 * with an advisory lock held to commit, so a reader never sees id n+1 before id n is visible.
 * The cursor is the event id itself, so `nextCursor` is never null: at the end of the feed it is
 * where to poll from next.
 */
export async function readFeed(db: Db, after: string | undefined, limit: number) {
  const from = after === undefined ? 0 : Number(after);
  const rows = await eventsWithTag(db, limit).where('device_events.id', '>', from).execute();
  if (!rows.length && from > 0) await assertWithinFeed(db, from);
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit).map((row) => ({ cursor: String(row.id), ...toEvent(row) }));
  return { items, nextCursor: items.length ? items[items.length - 1].cursor : String(from), hasMore };
}

/**
 * Every cursor this API gives is an event id (or the one it was asked with), so a cursor past
 * the last event was made up or belongs to another database: polling with it would silently
 * skip every event until the feed caught up. Checked only on an empty page, where it is cheap.
 */
async function assertWithinFeed(db: Db, after: number): Promise<void> {
  const last = await db.kysely.selectFrom('device_events').select((eb) => eb.fn.max<number | string>('id').as('id')).executeTakeFirst();
  const end = Number(last?.id ?? 0);
  if (after > end) {
    throw badRequest(`The cursor ${after} is beyond the end of the feed (its last event is ${end})`, [{ path: 'query.after', message: `cursor beyond the last event (${end})` }]);
  }
}
