import { count } from '../../shared/french.js';

const same = (a: string, b: string) => a.trim().localeCompare(b.trim(), 'fr', { sensitivity: 'base' }) === 0;

export interface LentItem {
  /** How the device is named to the borrower, e.g. "OP-000123 (Ordinateur portable HP)". */
  label: string;
  returned: boolean;
  accessoriesReturned: string[];
}

/**
 * What of a loan is still out after its returns: the one rule behind both the return slip and
 * the web pages, so they never disagree on whether the loan is closed. A loan whose devices are
 * all back but whose accessories are not is not closed for the borrower.
 */
export function loanOutstanding(lent: LentItem[], accessoriesLent: string[]) {
  const accessoriesBack = [...new Set(lent.filter((d) => d.returned).flatMap((d) => d.accessoriesReturned))];
  const accessoriesOut = accessoriesLent.filter((a) => !accessoriesBack.some((b) => same(a, b)));
  const extraBack = accessoriesBack.filter((b) => !accessoriesLent.some((a) => same(a, b)));
  const missing = [
    ...lent.filter((d) => !d.returned).map((d) => d.label),
    ...(accessoriesOut.length ? [`${count(accessoriesOut.length, 'accessoire')} (${accessoriesOut.join(', ')})`] : []),
  ];
  const listed = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} et ${missing[missing.length - 1]}` : missing[0];
  return {
    accessoriesOut,
    extraBack,
    closed: missing.length === 0,
    /** The sentence the slip prints and the page shows. */
    summary: missing.length
      ? `Reste à restituer au titre du contrat : ${listed}. Le prêt n’est pas clos.`
      : 'Tout le matériel et tous les accessoires prêtés ont été restitués : le prêt est clos.',
  };
}
