import type { Db } from '../../db/connection.js';
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
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit).map((row) => ({ cursor: String(row.id), ...toEvent(row) }));
  return { items, nextCursor: items.length ? items[items.length - 1].cursor : String(from), hasMore };
}
