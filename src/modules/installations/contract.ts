import { createPdf, mm } from '../../pdf/document.js';
import { drawHeader, drawSignatureBoxes, drawTable, eachBufferedPage, frNumber, numberPages } from '../../pdf/layout.js';
import { renderPdf } from '../../pdf/send.js';
import { frDateTime, frLongDate } from '../../shared/french.js';
import { inSentence, type ProgrammeIdentity } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { fill, type Block, type ContractTemplate, type Placeholder } from './template.js';

export interface KitItem {
  assetTag: string;
  role: 'main' | 'extra';
  kind: string;
  brand: string | null;
  model: string | null;
  serialNumber: string | null;
  cpu: string | null;
  ramGb: number | null;
  storageGb: number | null;
  storageType: string | null;
  os: string | null;
  grade: string | null;
}

/** What a contract says apart from the person: stored with the frozen PDF, so it holds no personal data. */
export interface ContractFacts {
  number: string | null;
  scheduledOn: string;
  installedOn: string | null;
  staffName: string | null;
  beneficiaryReference: string;
  kit: KitItem[];
  accessories: string[];
  retentionMonths: number;
  identity: ProgrammeIdentity;
}

export interface ContractPerson {
  fullName: string;
  addressLine: string | null;
  postcode: string | null;
  city: string | null;
  phone: string | null;
}

export interface ContractSignature {
  png: Buffer;
  signedBy: string;
  signedAt: string;
}

export type ContractRendering =
  | { mode: 'draft'; person: ContractPerson }
  | { mode: 'final'; person: ContractPerson; signature: ContractSignature | null; staffSignature?: ContractSignature | null }
  | { mode: 'redacted'; redactedOn: string; originalSha256: string | null; staffSignature?: ContractSignature | null };

const GRADE_LABELS: Record<string, string> = { A: 'A', B: 'B', C: 'C', parts: 'pièces' };
const REMOVED = 'donnée supprimée (RGPD)';

export function describeSpecs(item: KitItem): string {
  const storage = item.storageGb ? `${frNumber(item.storageGb, 0)} Go${item.storageType ? ` ${item.storageType.toUpperCase()}` : ''}` : null;
  return [item.cpu, item.ramGb ? `${frNumber(item.ramGb)} Go RAM` : null, storage, item.os].filter(Boolean).join(' · ') || '—';
}

function values(facts: ContractFacts, rendering: ContractRendering): Record<Placeholder, string> {
  const { identity } = facts;
  const person = rendering.mode === 'redacted' ? null : rendering.person;
  const address = person ? [person.addressLine, [person.postcode, person.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') : REMOVED;
  const lender = identity.lender;
  return {
    'programme.name': identity.programmeName,
    'programme.funding': identity.funding,
    'lender.name': lender.name,
    'lender.inSentence': inSentence(lender),
    'lender.address': `${lender.addressLine}, ${lender.postcode} ${lender.city}`,
    'lender.city': lender.city,
    'lender.phone': lender.phone,
    'lender.email': lender.email ?? identity.coordinator.email ?? '—',
    'coordinator.name': identity.coordinator.name,
    'coordinator.inSentence': inSentence(identity.coordinator),
    'coordinator.phone': identity.coordinator.phone,
    'coordinator.email': identity.coordinator.email ?? identity.coordinator.phone,
    'beneficiary.name': person?.fullName ?? REMOVED,
    'beneficiary.address': address || '—',
    'beneficiary.phone': person ? (person.phone ?? '—') : REMOVED,
    'beneficiary.reference': facts.beneficiaryReference,
    'contract.number': facts.number ?? 'PROJET (numéro attribué à la signature)',
    'contract.date': facts.installedOn ? frLongDate(facts.installedOn) : '____ / ____ / ________',
    'installation.scheduledOn': frLongDate(facts.scheduledOn),
    'installation.date': facts.installedOn ? frLongDate(facts.installedOn) : `prévue le ${frLongDate(facts.scheduledOn)}`,
    'staff.name': facts.staffName ?? '______________________',
    'kit.accessories': facts.accessories.length ? facts.accessories.join(', ') : 'aucun',
    'found.phone': identity.foundPhone,
    'retention.months': String(facts.retentionMonths),
  };
}

/** Renders the loan contract: a draft marked PROJET on every page, the final signed copy, or its redacted copy. */
export function renderContract(template: ContractTemplate, facts: ContractFacts, rendering: ContractRendering): Promise<Buffer> {
  const doc = createPdf({ title: facts.number ? `Contrat de prêt n° ${facts.number}` : 'Contrat de prêt (projet)', subject: template.title, bufferPages: true });
  const vals = values(facts, rendering);
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  return renderPdf(doc, () => {
    const title = template.blocks.find((b): b is Extract<Block, { kind: 'title' }> => b.kind === 'title')?.text ?? template.title;
    const subtitle = rendering.mode === 'draft'
      ? 'PROJET — à signer ; le numéro de contrat est attribué à la signature'
      : `Contrat n° ${facts.number}${rendering.mode === 'redacted' ? ' — copie anonymisée' : ''}`;
    drawHeader(doc, facts.identity.lender, fill(title, vals), subtitle);
    if (rendering.mode === 'redacted') {
      doc.font('regular').fontSize(8.5).fillColor('#555555').text(
        `Copie anonymisée le ${frLongDate(rendering.redactedOn)} : l’identité, l’adresse, les coordonnées et la signature de l’emprunteur ont été supprimées.` +
          (rendering.originalSha256 ? ` Empreinte SHA-256 du contrat signé : ${rendering.originalSha256}.` : ''),
        { width },
      ).fillColor('black').moveDown(0.8);
    }
    // The last article, "Fait à …" and the signatures stay on one page: never the signatures alone.
    const signaturesAt = template.blocks.findIndex((b) => b.kind === 'signatures');
    const lastArticle = signaturesAt < 0 ? -1 : template.blocks.slice(0, signaturesAt).map((b) => b.kind).lastIndexOf('heading');
    template.blocks.forEach((block, index) => {
      if (index === lastArticle) {
        const needed = template.blocks.slice(index, signaturesAt + 1).reduce((sum, b) => sum + blockHeight(doc, b, vals, width), 0);
        if (doc.y + needed > doc.page.height - doc.page.margins.bottom) doc.addPage();
      }
      if (block.kind === 'title') return;
      if (block.kind === 'heading') {
        if (index !== lastArticle && doc.y > doc.page.height - doc.page.margins.bottom - mm(25)) doc.addPage();
        doc.moveDown(0.4).font('bold').fontSize(10.5).text(fill(block.text, vals), doc.page.margins.left, doc.y, { width }).moveDown(0.3);
      } else if (block.kind === 'paragraph') {
        drawRich(doc, fill(block.text, vals), width);
        doc.moveDown(0.5);
      } else if (block.kind === 'bullets') {
        doc.font('regular').fontSize(9.5).list(block.items.map((item) => fill(item, vals).replace(/\*\*/g, '')), doc.page.margins.left, doc.y, { width, bulletRadius: 1.5, textIndent: mm(4) });
        doc.moveDown(0.5);
      } else if (block.kind === 'kit') {
        drawKit(doc, facts);
      } else {
        drawSignatures(doc, facts, rendering);
      }
    });
    if (rendering.mode === 'draft') watermark(doc, 'PROJET');
    const numberText = rendering.mode === 'draft' ? 'PROJET — contrat non numéroté' : `Contrat n° ${facts.number}${rendering.mode === 'redacted' ? ' (copie anonymisée)' : ''}`;
    numberPages(doc, (page, total) => `${numberText} — page ${page}/${total}`);
  });
}

/** How tall a block will be once drawn (slightly over rather than under), to keep the end together. */
function blockHeight(doc: PDFKit.PDFDocument, block: Block, vals: Record<Placeholder, string>, width: number): number {
  const line = (size: number) => doc.fontSize(size).currentLineHeight(true);
  if (block.kind === 'heading') return doc.font('bold').fontSize(10.5).heightOfString(fill(block.text, vals), { width }) + line(10.5) * 0.7;
  if (block.kind === 'paragraph') return doc.font('bold').fontSize(9.5).heightOfString(fill(block.text, vals).replace(/\*\*/g, ''), { width }) + line(9.5) * 0.5;
  if (block.kind === 'bullets') {
    return block.items.reduce((sum, item) => sum + doc.font('regular').fontSize(9.5).heightOfString(fill(item, vals), { width: width - mm(4) }), 0) + line(9.5) * 0.5;
  }
  if (block.kind === 'signatures') return mm(58);
  return 0;
}

/** A paragraph where `**…**` is bold. */
function drawRich(doc: PDFKit.PDFDocument, text: string, width: number): void {
  const parts = text.split('**');
  doc.fontSize(9.5);
  doc.x = doc.page.margins.left;
  parts.forEach((part, i) => {
    if (part === '' && i < parts.length - 1) return;
    doc.font(i % 2 === 1 ? 'bold' : 'regular').text(part, { width, continued: i < parts.length - 1, align: 'left' });
  });
  doc.font('regular');
}

function drawKit(doc: PDFKit.PDFDocument, facts: ContractFacts): void {
  const rows = facts.kit.map((item) => [
    item.assetTag,
    [kindLabelFr(item.kind), item.brand, item.model].filter(Boolean).join(' '),
    item.serialNumber ?? '—',
    describeSpecs(item),
    item.grade ? (GRADE_LABELS[item.grade] ?? item.grade) : '—',
  ]);
  doc.moveDown(0.3);
  drawTable(doc, [
    { header: 'Étiquette', width: mm(21) },
    { header: 'Matériel', width: mm(39) },
    { header: 'N° de série', width: mm(30) },
    { header: 'Caractéristiques', width: mm(70) },
    { header: 'État', width: mm(14) },
  ], rows, 8);
  doc.moveDown(0.3);
}

function drawSignatures(doc: PDFKit.PDFDocument, facts: ContractFacts, rendering: ContractRendering): void {
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  doc.moveDown(0.5);
  const borrower = rendering.mode === 'redacted' ? REMOVED : rendering.person.fullName;
  const [lenderBox, borrowerBox] = drawSignatureBoxes(doc, [
    { caption: `Pour le prêteur (${inSentence(facts.identity.lender)})`, name: facts.staffName ?? 'Nom : ______________________' },
    { caption: 'L’emprunteur', name: borrower },
  ]);
  const staff = rendering.mode === 'draft' ? null : rendering.staffSignature ?? null;
  const signature = rendering.mode === 'final' ? rendering.signature : null;
  const pad = mm(1.5);
  for (const [box, image] of [[lenderBox, staff], [borrowerBox, signature]] as const) {
    if (image) doc.image(image.png, box.x + pad, box.y + pad, { fit: [box.width - 2 * pad, box.height - 2 * pad], align: 'center', valign: 'center' });
  }
  doc.font('regular').fontSize(8).fillColor('#555555');
  const notes = [
    staff ? `Signature du prêteur recueillie sur tablette : ${staff.signedBy}, le ${frDateTime(staff.signedAt)}.` : '',
    signature ? `Signature de l’emprunteur recueillie sur tablette : ${signature.signedBy}, le ${frDateTime(signature.signedAt)}.` : '',
    rendering.mode === 'redacted' ? 'Signature manuscrite ou tablette de l’emprunteur supprimée lors de l’anonymisation.' : '',
  ].filter(Boolean);
  for (const note of notes) doc.text(note, doc.page.margins.left, doc.y, { width });
  doc.fillColor('black');
}

/** A large, light, diagonal word across every buffered page. */
function watermark(doc: PDFKit.PDFDocument, word: string): void {
  eachBufferedPage(doc, () => {
    const { width, height } = doc.page;
    doc.save();
    doc.rotate(-45, { origin: [width / 2, height / 2] });
    doc.font('bold').fontSize(110).fillColor('#c8102e').fillOpacity(0.12);
    const textWidth = doc.widthOfString(word);
    doc.text(word, width / 2 - textWidth / 2, height / 2 - 55, { lineBreak: false });
    doc.restore();
  });
  doc.fillColor('black').fillOpacity(1);
}
