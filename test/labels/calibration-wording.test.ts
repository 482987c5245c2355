import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { binaryParser, pdfPages } from '../helpers/pdf.js';
import { PT_PER_MM, rasterise, textBoxes, type RectMm } from './pdf-geometry.js';

const ctx = useTestApp();

const SHEETS = {
  'avery-l7160': { columns: 3, rows: 7, width: 63.5, height: 38.1, top: 15.15, left: 7.21, pitchX: 66.04, pitchY: 38.1 },
  'avery-l7163': { columns: 2, rows: 7, width: 99.1, height: 38.1, top: 15.15, left: 4.65, pitchX: 101.6, pitchY: 38.1 },
  'avery-l7651': { columns: 5, rows: 13, width: 38.1, height: 21.2, top: 10.7, left: 4.75, pitchX: 40.6, pitchY: 21.2 },
} as const;

async function calibration(query: string): Promise<Buffer> {
  const res = await ctx.api('collector').get(`/api/v1/labels/calibration.pdf?${query}`).buffer(true).parse(binaryParser);
  expect(res.status).toBe(200);
  return res.body as Buffer;
}

/** Pixels of the rulers' blue (#0b5cad) inside a rectangle of a page rendered at `dpi`. */
function bluePixels(png: { width: number; height: number; data: Buffer }, rect: RectMm, dpi: number): number {
  const px = (value: number) => Math.round((value * dpi) / 25.4);
  let found = 0;
  for (let y = Math.max(0, px(rect.y)); y < Math.min(png.height, px(rect.y + rect.height)); y++) {
    for (let x = Math.max(0, px(rect.x)); x < Math.min(png.width, px(rect.x + rect.width)); x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i + 2] > 120 && png.data[i + 2] - png.data[i] > 60) found++;
    }
  }
  return found;
}

describe('calibration sheet wording and rulers', () => {
  it('when a sheet calibration is printed, then page 2 tells what to do in plain French, with no parameter names, nothing cut', async () => {
    const pages = await pdfPages(await calibration('format=avery-l7163'));
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain('Calibrage — Avery L7163 · Décalage appliqué : aucun · Mode d’emploi en page 2.');
    expect(pages[1]).toContain('Comment régler l’imprimante');
    expect(pages[1]).toContain('Imprimez la première page en taille réelle');
    expect(pages[1]).toContain('des cadres trop à gauche de 1,5 mm se corrigent par 1,5 mm vers la droite');
    expect(pages.join('\n')).not.toMatch(/offset[XY]Mm|X \+|Y \+|…/);
  });

  it('when offsets are applied, then the page says in words which way the print moved', async () => {
    const [page] = await pdfPages(await calibration('format=avery-l7160&offsetXMm=1.5&offsetYMm=-1'));
    expect(page).toContain('Décalage appliqué : 1,5 mm vers la droite et 1 mm vers le haut');
    const [roll] = await pdfPages(await calibration('format=brother-dk11209&offsetXMm=-2'));
    expect(roll).toContain('Décalage appliqué : 2 mm vers la gauche');
  });

  for (const [id, m] of Object.entries(SHEETS)) {
    it(`when the ${id} calibration is printed, then no text is below 8 pt and the rulers stay off every label`, async () => {
      for (const [dx, dy] of [[0, 0], [2.5, -1.5]]) {
        const pdf = await calibration(`format=${id}&offsetXMm=${dx}&offsetYMm=${dy}`);
        for (const box of await textBoxes(pdf)) {
          expect((box.height * PT_PER_MM) / 1.17, `"${box.text}" on page ${box.page}`).toBeGreaterThanOrEqual(7.99);
        }
        const [page] = await rasterise(pdf, 100);
        for (let i = 0; i < m.columns * m.rows; i++) {
          // The label and a quarter millimetre around it, its outline included.
          const cell = {
            x: m.left + (i % m.columns) * m.pitchX + dx - 0.25,
            y: m.top + Math.floor(i / m.columns) * m.pitchY + dy - 0.25,
            width: m.width + 0.5,
            height: m.height + 0.5,
          };
          expect(bluePixels(page, cell, 100), `${id} (${dx}, ${dy}): ruler ink on label ${i + 1}`).toBe(0);
        }
        // The rulers are still there, with their numbers.
        expect(bluePixels(page, { x: 0, y: 0, width: 210, height: m.top + dy }, 100)).toBeGreaterThan(50);
      }
    });
  }
});
