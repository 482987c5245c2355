import type { DeviceKind } from '../modules/devices/schemas.js';

/**
 * The one table of French kind names, singular and plural, for every document, label and page
 * (collection receipt, certificate, manifest, contract, return slip, report, labels).
 */
export const KIND_NAMES_FR: Record<DeviceKind, { one: string; other: string }> = {
  laptop: { one: 'Ordinateur portable', other: 'Ordinateurs portables' },
  desktop: { one: 'Ordinateur de bureau', other: 'Ordinateurs de bureau' },
  all_in_one: { one: 'Ordinateur tout-en-un', other: 'Ordinateurs tout-en-un' },
  monitor: { one: 'Écran', other: 'Écrans' },
  tablet: { one: 'Tablette', other: 'Tablettes' },
  smartphone: { one: 'Smartphone', other: 'Smartphones' },
  printer: { one: 'Imprimante', other: 'Imprimantes' },
  peripheral: { one: 'Périphérique', other: 'Périphériques' },
  other: { one: 'Autre matériel', other: 'Autres matériels' },
};

const plural = new Intl.PluralRules('fr-FR');

/** The French name of a kind; `count` picks the plural ("Écrans" for a column of several). */
export const kindLabelFr = (kind: string, count = 1) => {
  const names = KIND_NAMES_FR[kind as DeviceKind];
  return names ? names[plural.select(count) === 'one' ? 'one' : 'other'] : kind;
};
