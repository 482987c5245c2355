import { count } from '../../shared/french.js';

const same = (a: string, b: string) => a.trim().localeCompare(b.trim(), 'fr', { sensitivity: 'base' }) === 0;

export interface LentItem {
  /** How the device is named to the borrower, e.g. "OP-000123 (Ordinateur portable HP)". */
  label: string;
  returned: boolean;
  accessoriesReturned: string[];
}

/** An accessory recorded after the devices' return: brought back later, or written off with a reason. */
export interface AccessorySettlement {
  accessory: string;
  outcome: 'returned' | 'writtenOff';
  on: string;
  reason: string | null;
}

/**
 * What of a loan is still out after its returns: the one rule behind the installation's status,
 * the return slip and the web pages, so they never disagree on whether the loan is closed. A loan
 * is closed when every device lent is back and every accessory lent is back or written off;
 * until then it stays in force (`completed`).
 */
export function loanOutstanding(lent: LentItem[], accessoriesLent: string[], settlements: AccessorySettlement[] = []) {
  const withDevices = [...new Set(lent.filter((d) => d.returned).flatMap((d) => d.accessoriesReturned))];
  const settled = (a: string) => settlements.find((s) => same(s.accessory, a));
  const backWithDevices = (a: string) => withDevices.some((b) => same(a, b));
  const accessoriesBack = accessoriesLent.filter((a) => backWithDevices(a) || settled(a)?.outcome === 'returned');
  const writtenOff = accessoriesLent
    .filter((a) => !backWithDevices(a) && settled(a)?.outcome === 'writtenOff')
    .map((a) => ({ accessory: a, on: settled(a)!.on, reason: settled(a)!.reason ?? '' }));
  const accessoriesOut = accessoriesLent.filter((a) => !accessoriesBack.includes(a) && !writtenOff.some((w) => w.accessory === a));
  const extraBack = withDevices.filter((b) => !accessoriesLent.some((a) => same(a, b)));
  const devicesOut = lent.filter((d) => !d.returned).map((d) => d.label);
  const missing = [
    ...devicesOut,
    ...(accessoriesOut.length ? [`${count(accessoriesOut.length, 'accessoire')} (${accessoriesOut.join(', ')})`] : []),
  ];
  const lost = writtenOff.length
    ? `, sauf ${count(writtenOff.length, 'accessoire')} passé${writtenOff.length > 1 ? 's' : ''} en perte (${writtenOff.map((w) => `${w.accessory} : ${w.reason}`).join(' ; ')})`
    : '';
  return {
    devicesOut,
    accessoriesBack,
    accessoriesOut,
    writtenOff,
    extraBack,
    closed: missing.length === 0,
    /** The sentence the slip prints and the page shows. */
    summary: missing.length
      ? `Reste à restituer au titre du contrat : ${andList(missing)}. Le prêt n’est pas clos.`
      : writtenOff.length
        ? `Tout le matériel prêté a été restitué${lost} : le prêt est clos.`
        : 'Tout le matériel et tous les accessoires prêtés ont été restitués : le prêt est clos.',
  };
}

/** The accessory as written on the contract that `name` designates, if it is lent and still out. */
export function outstandingAccessory(name: string, accessoriesOut: string[]): string | undefined {
  return accessoriesOut.find((a) => same(a, name));
}

const andList = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}` : items[0]);
