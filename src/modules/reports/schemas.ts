import { z } from 'zod';
import { csvDelimiterField } from '../../shared/csv.js';
import { day, isoDate, MAX_DATE, MIN_DATE } from '../../shared/fields.js';
import { DEVICE_KINDS } from '../devices/schemas.js';
import { MASKED, SMALL, SMALL_COUNT } from './figures/neighbourhoods.js';

export const reportQuerySchema = z.object({
  from: isoDate.optional().describe('First day (UTC), included; default 1 January of `to`’s year'),
  to: isoDate.optional().describe('Last day (UTC), included; default today'),
  format: z.enum(['json', 'csv']).optional().describe('`csv` answers CSV (same as `Accept: text/csv`)'),
  delimiter: csvDelimiterField,
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

const [FIRST_MONTH, LAST_MONTH] = [MIN_DATE.slice(0, 7), MAX_DATE.slice(0, 7)];
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM')
  .refine((m) => m >= FIRST_MONTH && m <= LAST_MONTH, `must be between ${FIRST_MONTH} and ${LAST_MONTH}`);

/** The web page's period, in whole months (`monthPeriod`), and the CSV's delimiter. */
export const reportMonthsQuerySchema = z.object({
  from: month.optional(),
  to: month.optional(),
  delimiter: csvDelimiterField,
});

const count = z.number().int();
const figures = {
  donors: count.describe('Distinct donors with a collection in the period'),
  collections: count,
  devicesCollected: count.describe('Donated devices, by their collection’s date'),
  weightKgCollected: z.number().describe('Their declared weight, kg'),
  shipped: count.describe('Dispatched to the reconditioner, by the dispatch date'),
  receivedReconditioned: count.describe('Received from the reconditioner, by the delivery’s `receivedOn`'),
  reconditionedInHouse: count.describe('Reconditioned in-house, by the day it was recorded'),
  installed: count.describe('Devices installed in a home, by the contract’s `installedOn`: every device of a kit, computers and other equipment'),
  computersInstalled: count.describe('Of `installed`, the computers (laptop, desktop, all-in-one)'),
  otherEquipmentInstalled: count.describe('Of `installed`, the other equipment (monitors, printers, peripherals…)'),
  householdsEquipped: count.describe('Distinct beneficiaries with an installation completed in the period (by the contract’s `installedOn`)'),
  returns: count.describe('Devices given back, by `returnedOn`'),
  scrapped: count.describe('Scrapped, by the day it was recorded'),
  peopleTrained: count.describe(
    'Distinct people whose training completion falls in the period, counted once: a recorded cycle’s (attendance met the cycle’s rule, or an admin’s override) or the date entered by hand on the person (`trainingCompletedOn`, which the installation check reads). Anonymised people still count',
  ),
  peopleTrainedInCycles: count.describe('Of `peopleTrained`, those who completed a training cycle recorded here in the period'),
  peopleAttended: count.describe('Distinct people present at one workshop of the period at least'),
  workshopsHeld: count.describe('Workshops (training sessions) of the period where someone was present'),
  trainingHours: z.number().describe('Their duration, hours'),
};
export const REPORT_FIGURES = Object.keys(figures) as (keyof typeof figures)[];

const peopleByNeighbourhood = z.array(
  z.object({
    neighbourhood: z.string().nullable().describe('Null: not recorded'),
    people: z.union([z.number().int().min(SMALL_COUNT), z.literal(SMALL), z.literal(MASKED)]),
  }),
);

export const reportSchema = z
  .object({
    period: z.object({ from: day, to: day }),
    totals: z.object(figures),
    collectedByKind: z.array(z.object({ kind: z.enum(DEVICE_KINDS), units: count, weightKg: z.number() })),
    exchange: z
      .object({
        asOf: day.describe('The period’s last day, or today for a period ending later'),
        credits: z.number(),
        unitsReceived: z.number(),
        adjustments: z.number(),
        balance: z.number().describe('Units still owed by the reconditioner at the end of the period'),
      })
      .describe('The exchange ledger (as `GET /exchange`) over the entries dated on or before `to`'),
    neighbourhoodBreakdowns: z
      .object({
        from: z.string().describe('First day of the month broken down: the last whole calendar month of the period that is over'),
        to: z.string().describe('Last day of that month'),
        withheld: z
          .array(z.enum(['installationsByNeighbourhood', 'peopleTrainedByNeighbourhood', 'peopleAttendedByNeighbourhood']))
          .describe('Breakdowns left empty because even masking could not keep a small count from being worked out'),
      })
      .nullable()
      .describe('What the breakdowns by neighbourhood cover: one calendar month, the last one of the period that is whole and over (tables over overlapping spans could be subtracted from each other); null (and empty breakdowns) when it holds none'),
    installationsByNeighbourhood: z
      .array(
        z.object({
          neighbourhood: z.string().nullable().describe('Null: not recorded'),
          installations: z
            .union([z.number().int().min(SMALL_COUNT), z.literal(SMALL), z.literal(MASKED)])
            .describe(`Below ${SMALL_COUNT}: "${SMALL}"; "${MASKED}": a larger count hidden so that no "${SMALL}" can be worked out from the total`),
        }),
      )
      .describe('Installations completed in the month of `neighbourhoodBreakdowns` by the beneficiary’s neighbourhood, by name'),
    peopleTrainedByNeighbourhood: peopleByNeighbourhood.describe('People trained (as `peopleTrained`) in the month of `neighbourhoodBreakdowns` by neighbourhood, with the same suppression'),
    peopleAttendedByNeighbourhood: peopleByNeighbourhood.describe('People who attended a workshop in the month of `neighbourhoodBreakdowns` by neighbourhood, with the same suppression'),
    byMonth: z.array(z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).meta({ example: '2026-03' }), ...figures })).describe('Every month of the period, zeros included'),
  })
  .meta({ id: 'ProgrammeReport' });
export type ProgrammeReport = z.infer<typeof reportSchema>;
