import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { DATA_BEARING_KINDS } from '../devices/schemas.js';

export interface AwaitingErasure {
  kind: string;
  status: 'collected' | 'returned';
  count: number;
}

/**
 * Data-bearing devices that are collected or returned and have no erasure recorded since they
 * entered that status (a returned device was used again: its earlier erasure no longer counts).
 * The erasure is read from the `erasure` device events; once the exchange module's
 * `erasure_records` exist, this is the one place to require a *passing* record instead.
 */
export async function awaitingErasure(db: Db): Promise<AwaitingErasure[]> {
  const rows = await sql<{ kind: string; status: 'collected' | 'returned'; count: number }>`
    select d.kind, d.status, count(*) as count
    from devices d
    where d.status in ('collected', 'returned')
      and d.kind in (${sql.join([...DATA_BEARING_KINDS])})
      and not exists (
        select 1 from device_events er
        where er.device_id = d.id and er.type = 'erasure'
          -- unary plus: a filter on the (rare) erasure events found, not an index bound to compute for every device
          and +er.id > (
            select max(s.id) from device_events s
            where s.device_id = d.id and s.to_status = d.status
              and (s.from_status is null or s.from_status <> s.to_status)
          )
      )
    group by d.kind, d.status
    order by d.kind, d.status`.execute(db.kysely);
  return rows.rows.map((r) => ({ ...r, count: Number(r.count) }));
}
