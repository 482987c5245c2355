import type { FastifyInstance } from 'fastify';
import { today } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { DEVICE_STATUSES } from '../../modules/devices/schemas.js';
import { latestActivity } from '../../modules/devices/history.js';
import { lastEventId } from '../../modules/devices/service.js';
import { listInstallations } from '../../modules/installations/service.js';
import { inventorySummary } from '../../modules/inventory/summary.js';
import { listShipments } from '../../modules/shipments/service.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { deviceStatusLabel, eventDates, eventLabel, statusLabel } from '../messages.js';

/** Monday to Sunday of the week holding `today` (YYYY-MM-DD), in the calendar of dates as stored. */
export function weekOf(today: string): { from: string; to: string } {
  const date = new Date(`${today}T00:00:00Z`);
  const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000);
  const sunday = new Date(monday.getTime() + 6 * 86_400_000);
  return { from: monday.toISOString().slice(0, 10), to: sunday.toISOString().slice(0, 10) };
}


type Summary = Awaited<ReturnType<typeof inventorySummary>>;

/**
 * The stock summary reads every device (about half a second over 100,000 on a busy machine);
 * every change to a device appends an event, so the summary is kept until a new event or a
 * new day (its waiting days count in days), and the dashboard costs one indexed lookup.
 */
function summaryCache(db: Db) {
  let cached: { key: string; summary: Promise<Summary> } | undefined;
  return async (today: string): Promise<Summary> => {
    const key = `${await lastEventId(db)}:${today}`;
    if (cached?.key !== key) {
      cached = { key, summary: inventorySummary(db) };
      cached.summary.catch(() => (cached = undefined));
    }
    return cached.summary;
  };
}

export async function dashboardPages(app: FastifyInstance) {
  const summaryOf = summaryCache(app.db);
  app.get('/', async (request, reply) => {
    const day = today();
    const week = weekOf(day);
    const [summary, open, scheduled, events] = await Promise.all([
      summaryOf(day),
      listShipments(app.db, { status: 'open', limit: 20 }),
      listInstallations(app.db, { status: 'scheduled', limit: 200 }),
      latestActivity(app.db, 15),
    ]);
    const thisWeek = scheduled.items.filter((i) => i.scheduledOn >= week.from && i.scheduledOn <= week.to);
    return reply.page('dashboard', {
      title: 'Tableau de bord',
      summary,
      statuses: DEVICE_STATUSES,
      shipments: open.items,
      installations: thisWeek,
      week,
      events,
      statusLabel,
      deviceStatusLabel,
      eventLabel,
      eventDates,
      kindLabel: kindLabelFr,
    });
  });
}
