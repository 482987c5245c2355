import type { Db } from '../../db/connection.js';
import { collectionFigures } from './figures/collections.js';
import { exchangeFigures } from './figures/exchange.js';
import { householdFigures } from './figures/households.js';
import { movementFigures } from './figures/movements.js';
import { today } from '../../shared/business-date.js';
import { breakdownMonth, neighbourhoodFigures } from './figures/neighbourhoods.js';
import { trainingByNeighbourhood, trainingFigures } from './figures/training.js';
import type { Period } from './period.js';
import { REPORT_FIGURES, type ProgrammeReport } from './schemas.js';

type Figure = (typeof REPORT_FIGURES)[number];

/**
 * The programme's figures for a period. Each group of figures is its own small query
 * (`figures/*.ts`); this only runs them and lays their totals and months side by side.
 */
export async function programmeReport(db: Db, period: Period): Promise<ProgrammeReport> {
  // Breakdowns by neighbourhood cover one whole, finished month of the period (none: no breakdown).
  const day = today();
  const months = breakdownMonth(period, day);
  const [collections, movements, households, exchange, installationsByNeighbourhood, training, trainingPlaces] = await Promise.all([
    collectionFigures(db, period),
    movementFigures(db, period),
    householdFigures(db, period),
    exchangeFigures(db, period, day),
    months ? neighbourhoodFigures(db, months) : [],
    trainingFigures(db, period),
    months ? trainingByNeighbourhood(db, months) : { peopleTrained: [], peopleAttended: [] },
  ]);
  const breakdowns = { installationsByNeighbourhood, peopleTrainedByNeighbourhood: trainingPlaces.peopleTrained, peopleAttendedByNeighbourhood: trainingPlaces.peopleAttended };
  const withheld = Object.entries(breakdowns).filter(([, rows]) => rows === null).map(([name]) => name as keyof typeof breakdowns);
  const groups = [collections, movements, households, training];
  const totals = Object.assign({}, ...groups.map((g) => g.totals)) as Record<Figure, number>;
  const byMonth = period.months.map((month) => {
    const row = { month } as { month: string } & Record<Figure, number>;
    for (const figure of REPORT_FIGURES) row[figure] = 0;
    for (const group of groups) Object.assign(row, group.byMonth.get(month));
    return row;
  });
  return {
    period: { from: period.from, to: period.to },
    totals,
    collectedByKind: collections.collectedByKind,
    exchange,
    neighbourhoodBreakdowns: months ? { from: months.from, to: months.to, withheld } : null,
    installationsByNeighbourhood: breakdowns.installationsByNeighbourhood ?? [],
    peopleTrainedByNeighbourhood: breakdowns.peopleTrainedByNeighbourhood ?? [],
    peopleAttendedByNeighbourhood: breakdowns.peopleAttendedByNeighbourhood ?? [],
    byMonth,
  };
}
