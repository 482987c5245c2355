import type { FastifyInstance } from 'fastify';
import { DEVICE_STATUSES } from '../../modules/devices/schemas.js';
import { latestEvents } from '../../modules/devices/service.js';
import { listInstallations } from '../../modules/installations/service.js';
import { inventorySummary } from '../../modules/inventory/summary.js';
import { listShipments } from '../../modules/shipments/service.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { statusLabel } from '../messages.js';
import { frDateTime } from './devices.js';

/** Monday to Sunday of the week holding `today` (YYYY-MM-DD), in the calendar of dates as stored. */
export function weekOf(today: string): { from: string; to: string } {
  const date = new Date(`${today}T00:00:00Z`);
  const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000);
  const sunday = new Date(monday.getTime() + 6 * 86_400_000);
  return { from: monday.toISOString().slice(0, 10), to: sunday.toISOString().slice(0, 10) };
}

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' });

export async function dashboardPages(app: FastifyInstance) {
  app.get('/', async (request, reply) => {
    const week = weekOf(PARIS_DAY.format(new Date()));
    const [summary, open, scheduled, events] = await Promise.all([
      inventorySummary(app.db),
      listShipments(app.db, { status: 'open', limit: 20 }),
      listInstallations(app.db, { status: 'scheduled', limit: 200 }),
      latestEvents(app.db, 15),
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
      kindLabel: kindLabelFr,
      frDateTime,
    });
  });
}
