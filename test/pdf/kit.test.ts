import { describe, expect, it } from 'vitest';
import { createPdf, fitText, mm } from '../../src/pdf/document.js';
import { drawHeader, drawTable, numberPages } from '../../src/pdf/layout.js';
import { renderPdf } from '../../src/pdf/send.js';
import { programmeIdentity } from '../../src/shared/identity.js';
import { pdfPages } from '../helpers/pdf.js';

describe('shared PDF kit', () => {
  it('when a long table is drawn, then it spans pages with numbered footers, French text intact, and long cells wrapped whole (never cut)', async () => {
    const doc = createPdf({ title: 'Essai', bufferPages: true });
    const bytes = await renderPdf(doc, () => {
      drawHeader(doc, programmeIdentity().collector, 'Attestation de collecte', 'Donateur : Hélène Dupré');
      const rows = Array.from({ length: 120 }, (_, i) => [`OP-${String(i + 1).padStart(6, '0')}`, 'Ordinateur portable', 'Numéro de série très très long qui ne tient pas sur une seule ligne du tableau']);
      drawTable(doc, [{ header: 'Étiquette', width: mm(30) }, { header: 'Type', width: mm(40) }, { header: 'N° de série', width: mm(60) }], rows);
      numberPages(doc, (n, total) => `Document 42 — page ${n}/${total}`);
    });
    const pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]).toContain('Hélène Dupré');
    expect(pages[0]).toContain('Régie de quartier');
    expect(pages.at(-1)).toContain(`page ${pages.length}/${pages.length}`);
    expect(pages.join(' ')).toContain('OP-000120');
    expect(pages.join(' ')).not.toContain('…');
    expect(pages.join(' ').split('Numéro de série très très long qui ne tient pas sur une seule ligne du tableau').length).toBe(121);
    for (const page of pages.slice(1)) expect(page).toContain('Étiquette Type N° de série');
  });

  it('when text is too wide, then fitText shrinks it and cuts it with an ellipsis', () => {
    const doc = createPdf({ title: 'x' });
    const fitted = fitText(doc, 'Un nom de modèle extrêmement long pour une étiquette', mm(20), 10, 7);
    expect(fitted.size).toBe(7);
    expect(fitted.text.endsWith('…')).toBe(true);
    doc.fontSize(fitted.size);
    expect(doc.widthOfString(fitted.text)).toBeLessThanOrEqual(mm(20));
  });
});
