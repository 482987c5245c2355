import type { Db } from '../../db/connection.js';
import { createPdf, mm } from '../../pdf/document.js';
import { drawHeader, drawSignatureBoxes, drawTable, eachBufferedPage, frDate, MIN_FONT_SIZE } from '../../pdf/layout.js';
import { renderPdf } from '../../pdf/send.js';
import { frTime } from '../../shared/french.js';
import { inSentence, programmeIdentity } from '../../shared/identity.js';
import type { Actor } from '../api-keys/service.js';
import { requireNames } from './access.js';
import { sessionPeople, type SheetPerson } from './attendance.js';
import { getCycleRow, getSessionRow } from './store.js';

export interface SheetFacts {
  cycleTitle: string;
  organiser: string;
  date: string;
  startTime: string;
  endTime: string;
  place: string;
  theme: string;
  trainer: string | null;
  people: SheetPerson[];
}

const WEEKDAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** `2027-03-09` → `mardi 9 mars 2027`. */
export function frLongDate(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `14:00` to `16:30` → `2 h 30`, with no-break spaces like the times (`frTime`). */
function duration(start: string, end: string): string {
  const minutes = Number(end.slice(0, 2)) * 60 + Number(end.slice(3)) - (Number(start.slice(0, 2)) * 60 + Number(start.slice(3)));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h}\u00a0h\u00a0${String(m).padStart(2, '0')}` : `${h}\u00a0h`;
}

const STATUS_NOTE = { absent: 'Absent(e)', excused: 'Excusé(e)', present: '' } as const;

export async function sheetFacts(db: Db, sessionId: string, actor: Actor): Promise<SheetFacts> {
  const session = await getSessionRow(db.kysely, sessionId);
  await requireNames(db.kysely, session.cycle_id, actor, `Training session ${sessionId}`);
  const cycle = await getCycleRow(db.kysely, session.cycle_id);
  const organiser = await db.kysely.selectFrom('training_partners').select('name').where('id', '=', cycle.organiser_id).executeTakeFirstOrThrow();
  return {
    cycleTitle: cycle.title,
    organiser: organiser.name,
    date: session.held_on,
    startTime: session.start_time,
    endTime: session.end_time,
    place: session.place ?? cycle.place,
    theme: session.theme,
    trainer: session.trainer,
    people: await sessionPeople(db.kysely, session),
  };
}

/**
 * The feuille d'émargement the EU fund asks for as proof of each workshop: programme and
 * funding, the session's date, times, place, theme and trainer, one line per person expected
 * with a box to sign, the trainer's signature, and "page n/N" with the funding on every page.
 */
export async function renderAttendanceSheet(facts: SheetFacts): Promise<Buffer> {
  const identity = programmeIdentity();
  const doc = createPdf({ title: `Feuille d’émargement du ${frDate(facts.date)} — ${facts.cycleTitle}`, bufferPages: true, margin: mm(15) });
  return renderPdf(doc, () => {
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    drawHeader(doc, identity.lender, 'Feuille d’émargement', `Programme ${identity.programmeName} — ${facts.cycleTitle}`);

    const details: [string, string][] = [
      ['Date', frLongDate(facts.date)],
      ['Horaires', `de ${frTime(facts.startTime)} à ${frTime(facts.endTime)} (${duration(facts.startTime, facts.endTime)})`],
      ['Lieu', facts.place],
      ['Thème', facts.theme],
      ['Formateur / formatrice', facts.trainer ?? '________________________'],
      ['Organisé par', facts.organiser],
    ];
    const labelWidth = mm(50);
    for (const [label, value] of details) {
      const y = doc.y;
      doc.font('bold').fontSize(9.5).text(`${label} :`, left, y, { width: labelWidth, lineBreak: false });
      doc.font('regular').fontSize(9.5).text(value, left + labelWidth, y, { width: width - labelWidth });
      doc.moveDown(0.15);
    }
    doc.moveDown(0.6);
    doc.font('regular').fontSize(8.5).fillColor('#333333')
      .text('Chaque participant(e) signe dans la case à côté de son nom. Les personnes absentes ou excusées ne signent pas.', left, doc.y, { width });
    doc.fillColor('black').moveDown(0.5);

    drawSignatureTable(doc, facts.people);

    // The count and the two signature boxes stay together, never split over a page break.
    if (doc.y + mm(48) > doc.page.height - doc.page.margins.bottom) doc.addPage();
    else doc.moveDown(0.8);
    const present = facts.people.filter((p) => p.status === 'present').length;
    doc.font('regular').fontSize(9.5)
      .text(`Nombre de personnes inscrites : ${facts.people.length}        Nombre de présents : ${present ? String(present) : '________'}`, left, doc.y, { width });
    doc.moveDown(0.8);
    drawSignatureBoxes(doc, [{ caption: 'Le formateur / la formatrice', name: facts.trainer ?? undefined }, { caption: `Pour ${inSentence(identity.lender)}` }]);

    eachBufferedPage(doc, (page, total, bottom) => {
      const y = doc.page.height - bottom + mm(3);
      doc.font('regular').fontSize(MIN_FONT_SIZE).fillColor('#555555')
        .text(identity.funding, left, y, { width, align: 'center', lineBreak: false })
        .text(`Feuille d’émargement du ${frDate(facts.date)} — page ${page}/${total}`, left, y + mm(4), { width, align: 'center', lineBreak: false });
      doc.fillColor('black');
    });
  });
}

/**
 * One row a person, through the shared table routine: a long name wraps (never shrunk below
 * 8 pt, never cut), every row is tall enough to sign in, the header repeats on each page.
 */
function drawSignatureTable(doc: PDFKit.PDFDocument, people: SheetPerson[]): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  if (!people.length) {
    doc.font('regular').fontSize(9.5).text('Aucune personne inscrite à cette séance.', left, doc.y, { width });
    doc.moveDown(0.5);
    return;
  }
  const fixed = [mm(9), mm(42), mm(36), mm(27)];
  const columns = [
    { header: 'N°', width: fixed[0], align: 'right' as const },
    { header: 'Nom', width: fixed[1] },
    { header: 'Prénom', width: fixed[2] },
    { header: 'Référence', width: fixed[3] },
    { header: 'Signature', width: width - fixed.reduce((a, b) => a + b, 0), align: 'center' as const },
  ];
  const rows = people.map((person, i) => [
    String(i + 1),
    person.lastName ?? '(anonymisé)',
    person.firstName ?? '',
    person.reference,
    person.status ? STATUS_NOTE[person.status] : '',
  ]);
  drawTable(doc, columns, rows, { fontSize: 9.5, minRowHeight: mm(12), grid: true, left });
}
