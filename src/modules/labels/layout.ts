import { labelsPerPage, type LabelFormat } from './formats.js';

/** A rectangle in millimetres, from the top-left corner of the page. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Offsets {
  offsetXMm?: number;
  offsetYMm?: number;
}

/**
 * Where the label at `position` (1-based, left to right then top to bottom) lands on its page.
 * The offsets shift the whole sheet: positive X moves right, positive Y moves down.
 */
export function cellRect(format: LabelFormat, position: number, offsets: Offsets = {}): Rect {
  const index = position - 1;
  const column = index % format.columns;
  const row = Math.floor(index / format.columns);
  return {
    x: format.marginLeftMm + column * format.pitchXMm + (offsets.offsetXMm ?? 0),
    y: format.marginTopMm + row * format.pitchYMm + (offsets.offsetYMm ?? 0),
    width: format.labelWidthMm,
    height: format.labelHeightMm,
  };
}

/** Every cell of one page, in position order. */
export function pageCells(format: LabelFormat, offsets: Offsets = {}): Rect[] {
  return Array.from({ length: labelsPerPage(format) }, (_, i) => cellRect(format, i + 1, offsets));
}

export interface Placement<T> {
  page: number;
  position: number;
  item: T;
}

/**
 * Spreads items over pages: the first page starts at `startPosition` (earlier positions stay
 * blank, for a partly used sheet), the following pages start at 1. Pages come out one by one so
 * that a large run is drawn and streamed page by page.
 */
export function* paginate<T>(format: LabelFormat, items: Iterable<T>, startPosition = 1): Generator<Placement<T>[]> {
  const perPage = labelsPerPage(format);
  let page: Placement<T>[] = [];
  let pageNumber = 1;
  let position = Math.min(Math.max(startPosition, 1), perPage);
  for (const item of items) {
    page.push({ page: pageNumber, position, item });
    position++;
    if (position > perPage) {
      yield page;
      page = [];
      pageNumber++;
      position = 1;
    }
  }
  if (page.length) yield page;
}

/** How many pages `count` labels take from `startPosition`. */
export function pageCount(format: LabelFormat, count: number, startPosition = 1): number {
  return Math.ceil((startPosition - 1 + count) / labelsPerPage(format));
}
