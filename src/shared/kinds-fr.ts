import type { DeviceKind } from '../modules/devices/schemas.js';

/** How documents name each kind of device, in French. */
export const KIND_LABELS_FR: Record<DeviceKind, string> = {
  laptop: 'Ordinateur portable',
  desktop: 'Ordinateur fixe',
  all_in_one: 'Tout-en-un',
  monitor: 'Écran',
  tablet: 'Tablette',
  smartphone: 'Smartphone',
  printer: 'Imprimante',
  peripheral: 'Périphérique',
  other: 'Autre',
};

export const kindLabelFr = (kind: string) => KIND_LABELS_FR[kind as DeviceKind] ?? kind;
