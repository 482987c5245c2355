/**
 * Label stocks, in millimetres, origin at the top-left corner of the page.
 *
 * Sources (checked against the makers' published templates):
 * - Avery UK "template information" of each product (avery.co.uk, L7160 / L7163 / L7651) gives
 *   label size, top and side margins and pitches; the sheets are symmetric on A4, so the side
 *   margin is (210 − (columns − 1) × pitch − width) / 2 and the top margin
 *   (297 − (rows − 1) × pitch − height) / 2. Cross-checked with gLabels'
 *   templates/avery-iso-templates.xml (L7651 ≡ 8651: x0 4.70 mm, dx 40.60 mm, dy 21.20 mm).
 *   - L7160: 63.5 × 38.1, top 15.15, side 7.21, pitch 66.04 × 38.1 (2.54 mm column gap).
 *   - L7163: 99.1 × 38.1, top 15.15, side 4.65, pitch 101.6 × 38.1 (2.5 mm column gap).
 *   - L7651: 38.1 × 21.2, top 10.7, side 4.75, pitch 40.6 × 21.2 (Avery publishes 40.6; the
 *     40.64 of some third-party tables moves the fifth column by 0.16 mm only).
 * - Brother DK-11209 "small address labels": die-cut 62 × 29 mm, one label per page; the QL
 *   printers leave about 1.5 mm unprinted at each edge (Brother's QL "printable area" tables).
 * - Dymo 11354 "multi-purpose labels": 57 × 32 mm, one label per page (Dymo LabelWriter).
 */
export const FORMAT_IDS = ['avery-l7160', 'avery-l7163', 'avery-l7651', 'brother-dk11209', 'dymo-11354'] as const;
export type FormatId = (typeof FORMAT_IDS)[number];
export const DEFAULT_FORMAT: FormatId = 'avery-l7160';

export interface LabelFormat {
  id: FormatId;
  name: string;
  stock: string;
  kind: 'sheet' | 'roll';
  pageWidthMm: number;
  pageHeightMm: number;
  columns: number;
  rows: number;
  labelWidthMm: number;
  labelHeightMm: number;
  marginTopMm: number;
  marginLeftMm: number;
  pitchXMm: number;
  pitchYMm: number;
  /** Blank band kept inside each label's edge: printers drift, and roll printers cannot print there. */
  edgeMm: number;
  /** `compact`: QR code and asset tag only; `full`: with the device and the programme too. */
  content: 'full' | 'compact';
}

const A4 = { pageWidthMm: 210, pageHeightMm: 297 };

const roll = (width: number, height: number) => ({
  kind: 'roll' as const,
  pageWidthMm: width,
  pageHeightMm: height,
  columns: 1,
  rows: 1,
  labelWidthMm: width,
  labelHeightMm: height,
  marginTopMm: 0,
  marginLeftMm: 0,
  pitchXMm: width,
  pitchYMm: height,
  edgeMm: 1.5,
  content: 'full' as const,
});

export const FORMATS: Record<FormatId, LabelFormat> = {
  'avery-l7160': {
    id: 'avery-l7160', name: 'Avery L7160', stock: 'A4, 21 étiquettes 63,5 × 38,1 mm (3 × 7)', kind: 'sheet', ...A4,
    columns: 3, rows: 7, labelWidthMm: 63.5, labelHeightMm: 38.1, marginTopMm: 15.15, marginLeftMm: 7.21, pitchXMm: 66.04, pitchYMm: 38.1,
    edgeMm: 1, content: 'full',
  },
  'avery-l7163': {
    id: 'avery-l7163', name: 'Avery L7163', stock: 'A4, 14 étiquettes 99,1 × 38,1 mm (2 × 7)', kind: 'sheet', ...A4,
    columns: 2, rows: 7, labelWidthMm: 99.1, labelHeightMm: 38.1, marginTopMm: 15.15, marginLeftMm: 4.65, pitchXMm: 101.6, pitchYMm: 38.1,
    edgeMm: 1, content: 'full',
  },
  'avery-l7651': {
    id: 'avery-l7651', name: 'Avery L7651', stock: 'A4, 65 étiquettes 38,1 × 21,2 mm (5 × 13)', kind: 'sheet', ...A4,
    columns: 5, rows: 13, labelWidthMm: 38.1, labelHeightMm: 21.2, marginTopMm: 10.7, marginLeftMm: 4.75, pitchXMm: 40.6, pitchYMm: 21.2,
    edgeMm: 0.6, content: 'compact',
  },
  'brother-dk11209': { id: 'brother-dk11209', name: 'Brother DK-11209', stock: 'Rouleau prédécoupé 62 × 29 mm (imprimantes QL)', ...roll(62, 29) },
  'dymo-11354': { id: 'dymo-11354', name: 'Dymo 11354', stock: 'Rouleau 57 × 32 mm (LabelWriter)', ...roll(57, 32) },
};

export const labelsPerPage = (format: LabelFormat) => format.columns * format.rows;
