import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { binaryParser, pdfPages, pdfRuns } from '../helpers/pdf.js';
import { PT_PER_MM, textBoxes } from '../labels/pdf-geometry.js';
import { createCycle, enrol, mark, trainees } from '../helpers/training.js';

const ctx = useTestApp();

describe('the attendance sheet (feuille d’émargement)', () => {
  it('when a session of 20 people is printed, then every name, the date, times, place, theme, trainer, the funding and page n/N are on it', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 1, capacity: 20 });
    const people = await trainees(ctx, 21);
    const enrolments = [];
    for (const p of people) enrolments.push(await enrol(ctx, cycle.id, p));
    expect(enrolments[20].status).toBe('waiting');
    await mark(ctx, sessions[0].id, [{ enrolmentId: enrolments[1].id, status: 'absent' }, { enrolmentId: enrolments[2].id, status: 'excused' }]);

    const res = await ctx.api('installer').get(`/api/v1/training/sessions/${sessions[0].id}/attendance-sheet.pdf`).buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('emargement-2027-03-02.pdf');
    const pages = await pdfPages(res.body);
    const text = pages.join('\n');
    expect(pages.length).toBe(2);
    expect(pages[0]).toContain('page 1/2');
    expect(pages[1]).toContain('page 2/2');
    for (const page of pages) expect(page).toContain('Projet cofinancé par l’Union européenne (FEDER)');
    for (const e of enrolments.slice(0, 20)) {
      const person = people.find((p) => p.id === e.beneficiaryId)!;
      expect(text, person.lastName!).toContain(person.lastName!);
      expect(text).toContain(person.firstName!);
      expect(text).toContain(e.beneficiaryReference);
    }
    // The 21st is on the waiting list: not expected at the session.
    expect(text).not.toContain(enrolments[20].beneficiaryReference);
    for (const expected of ['Feuille d’émargement', 'Programme Ordi’Pratique', 'mardi 2 mars 2027', 'Médiathèque Jean-Jacques Rousseau, Chambéry',
      'Atelier 1 : Souris et clavier', 'Sophie Martin', 'Le formateur / la formatrice', 'Absent(e)', 'Excusé(e)', 'Nombre de personnes inscrites : 20']) {
      expect(text, expected).toContain(expected);
    }
    // The hours as the shared frTime writes them: no-break spaces, so a time never splits.
    expect((await pdfRuns(res.body))[0]).toContain('de 14\u00a0h\u00a000 à 16\u00a0h\u00a030 (2\u00a0h\u00a030)');
    // Addresses and phones stay off the sheet.
    for (const value of ['Bon Pasteur', '06 12 34 56 78', 'aicha.benali@example.fr']) expect(text).not.toContain(value);
    if (process.env.SHEET_PDF_OUT) (await import('node:fs')).writeFileSync(process.env.SHEET_PDF_OUT, res.body);
  });

  it('when names and the theme are long, then they wrap whole (never below 8 pt, never cut), each row leaves room to sign, and the signatures stay with the count', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 1, capacity: 20 });
    const theme = 'Atelier 4 : démarches en ligne pas à pas — ameli, CAF, impots.gouv, France Travail et prise de rendez-vous à la préfecture de la Savoie';
    expect((await ctx.api('installer').patch(`/api/v1/training/sessions/${sessions[0].id}`).send({ theme })).status).toBe(200);
    const longLast = 'de La Tour du Pin-Chambly de La Charce-Montmorency';
    const longFirst = 'Marie-Antoinette Geneviève Joséphine';
    const people = await trainees(ctx, 14, (i) => (i === 3 ? { lastName: longLast, firstName: longFirst } : {}));
    for (const p of people) await enrol(ctx, cycle.id, p);

    const res = await ctx.api('installer').get(`/api/v1/training/sessions/${sessions[0].id}/attendance-sheet.pdf`).buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    const pages = await pdfPages(res.body);
    const text = pages.join('\n');
    // Wrapped cells come out line by line: every word of the long values is there, in order.
    const words = (value: string) => new RegExp(value.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/-/g, '-\\s*')).join('\\s+'));
    expect(text).toMatch(words(longLast));
    expect(text).toMatch(words(longFirst));
    expect(text).toMatch(words(theme));
    expect(text).not.toContain('…');
    pages.forEach((page, i) => expect(page).toContain(`page ${i + 1}/${pages.length}`));
    const boxes = await textBoxes(res.body);
    for (const box of boxes) expect((box.height * PT_PER_MM) / 1.17, box.text).toBeGreaterThanOrEqual(7.99);
    // Rows are at least 12 mm apart: room to sign.
    const numbers = boxes.filter((b) => b.page === 1 && /^\d+$/.test(b.text) && b.x < 30).sort((a, b) => a.y - b.y);
    numbers.slice(1).forEach((b, i) => expect(b.y - numbers[i].y).toBeGreaterThanOrEqual(11.9));
    // The count and both signature boxes are on the same page.
    const count = boxes.find((b) => b.text.startsWith('Nombre de personnes inscrites'))!;
    const trainerBox = boxes.find((b) => b.text === 'Le formateur / la formatrice')!;
    expect(trainerBox.page).toBe(count.page);
    if (process.env.SHEET_LONG_PDF_OUT) (await import('node:fs')).writeFileSync(process.env.SHEET_LONG_PDF_OUT, res.body);
  });

  it('when a trainer not assigned or a viewer asks for the sheet, then 404 or 403', async () => {
    const { sessions } = await createCycle(ctx, { sessions: 1 });
    expect((await ctx.api('trainer').get(`/api/v1/training/sessions/${sessions[0].id}/attendance-sheet.pdf`)).status).toBe(404);
    expect((await ctx.api('viewer').get(`/api/v1/training/sessions/${sessions[0].id}/attendance-sheet.pdf`)).status).toBe(403);
    expect((await ctx.api('collector').get(`/api/v1/training/sessions/${sessions[0].id}/attendance-sheet.pdf`)).status).toBe(403);
  });
});
