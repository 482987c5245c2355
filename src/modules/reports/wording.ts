import { weightCell } from '../../pdf/kind-totals.js';
import { frNumber } from '../../pdf/layout.js';
import { agree } from '../../shared/french.js';
import type { ProgrammeReport } from './schemas.js';

type Figure = keyof ProgrammeReport['totals'];

/** A figure as people read it, in the PDF and on the web page alike. */
export interface FigureLine {
  figure: Figure;
  label: string;
  value: string;
}

/** The three figures the EU fund asks for, first and large: people trained, workshops held, computers installed (issue 14). */
export function headlineFigures(report: ProgrammeReport): FigureLine[] {
  const t = report.totals;
  const line = (figure: Figure, one: string, many: string): FigureLine => ({ figure, label: agree(t[figure], one, many), value: frNumber(t[figure], 0) });
  return [
    line('peopleTrained', 'personne formée', 'personnes formées'),
    line('workshopsHeld', 'atelier réalisé', 'ateliers réalisés'),
    line('computersInstalled', 'ordinateur installé', 'ordinateurs installés'),
  ];
}

/** Every other figure once, in two tables: the training and the homes, then the devices. */
export function figureTables(report: ProgrammeReport): { title: string; lines: FigureLine[] }[] {
  const t = report.totals;
  const count = (figure: Figure, label: string): FigureLine => ({ figure, label, value: frNumber(t[figure], 0) });
  return [
    {
      title: 'Ateliers et foyers',
      lines: [
        count('peopleTrainedInCycles', 'Personnes formées lors d’un cycle enregistré'),
        count('peopleAttended', 'Personnes venues aux ateliers'),
        { figure: 'trainingHours', label: 'Heures d’atelier', value: frNumber(t.trainingHours) },
        count('householdsEquipped', 'Foyers équipés'),
        count('otherEquipmentInstalled', 'Autres équipements installés (hors ordinateurs)'),
        count('returns', 'Appareils rendus par les foyers'),
      ],
    },
    {
      title: 'Collecte et reconditionnement',
      lines: [
        count('donors', 'Donateurs'),
        count('collections', 'Collectes'),
        count('devicesCollected', 'Appareils collectés'),
        { figure: 'weightKgCollected', label: 'Poids collecté (kg)', value: weightCell(t.weightKgCollected) },
        count('shipped', 'Envoyés au reconditionnement'),
        count('receivedReconditioned', 'Reçus reconditionnés'),
        count('reconditionedInHouse', 'Reconditionnés sur place'),
        count('scrapped', 'Mis au rebut (recyclage)'),
      ],
    },
  ];
}
