import { createPdf, mm } from '../../pdf/document.js';
import { drawHeader, drawSignatureBoxes, drawTable, frDate, numberPages } from '../../pdf/layout.js';
import { renderPdf } from '../../pdf/send.js';
import { frLongDate, sentenceStart } from '../../shared/french.js';
import { inSentence, programmeIdentity } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { loanOutstanding, type AccessorySettlement } from './outstanding.js';

export interface ReceiptData {
  contractNumber: string;
  installedOn: string | null;
  beneficiaryReference: string;
  /** Null once the beneficiary is anonymised: the reference stands for the person. */
  borrower: string | null;
  /** Every device lent under the contract, with its return when it came back. */
  lent: {
    assetTag: string;
    kind: string;
    brand: string | null;
    model: string | null;
    serialNumber: string | null;
    returned: { on: string; reason: string; condition: string; accessories: string[]; receivedBy: string } | null;
  }[];
  /** The accessories lent with the kit, as written on the contract. */
  accessoriesLent: string[];
  /** Accessories recorded returned or written off after the devices came back. */
  settlements: AccessorySettlement[];
}

/**
 * The return slip both parties sign when equipment on loan comes back: every device and
 * accessory lent, which came back and which did not. It says the loan is closed only when
 * everything is back or written off (the reason printed); otherwise it lists what is still out.
 */
export function renderReturnReceipt(data: ReceiptData): Promise<Buffer> {
  const identity = programmeIdentity();
  const doc = createPdf({ title: `Bon de restitution — contrat n° ${data.contractNumber}`, bufferPages: true });
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const who = data.borrower ? `${data.borrower} (dossier ${data.beneficiaryReference})` : `l’emprunteur du dossier ${data.beneficiaryReference}`;
  const back = data.lent.filter((d) => d.returned);
  const describe = (d: ReceiptData['lent'][number]) => [kindLabelFr(d.kind), d.brand, d.model].filter(Boolean).join(' ');
  const { accessoriesOut, writtenOff, extraBack, summary } = loanOutstanding(
    data.lent.map((d) => ({ label: `${d.assetTag} (${describe(d)})`, returned: d.returned !== null, accessoriesReturned: d.returned?.accessories ?? [] })),
    data.accessoriesLent,
    data.settlements,
  );
  const accessoryState = (a: string) => {
    if (accessoriesOut.includes(a)) return 'Non restitué';
    const lost = writtenOff.find((w) => w.accessory === a);
    if (lost) return `Non restitué, passé en perte le ${frDate(lost.on)} : ${lost.reason}`;
    const later = data.settlements.find((s) => s.outcome === 'returned' && s.accessory === a);
    return later ? `Restitué le ${frDate(later.on)}` : 'Restitué';
  };
  return renderPdf(doc, () => {
    drawHeader(doc, identity.lender, 'Bon de restitution de matériel prêté', `Contrat de prêt n° ${data.contractNumber}${data.installedOn ? ` du ${frLongDate(data.installedOn)}` : ''}`);
    doc.font('regular').fontSize(9.5).text(
      `${sentenceStart(inSentence(identity.lender))} reconnaît avoir reçu de ${who} le matériel marqué « restitué » ci-dessous, prêté dans le cadre du programme ${identity.programmeName}.`,
      { width },
    );
    doc.moveDown(0.6).font('bold').fontSize(10).text('Appareils prêtés', { width }).moveDown(0.3);
    drawTable(doc, [
      { header: 'Étiquette', width: mm(22) },
      { header: 'Matériel', width: mm(46) },
      { header: 'N° de série', width: mm(30) },
      { header: 'Restitution', width: mm(26) },
      { header: 'État constaté', width: mm(50) },
    ], data.lent.map((d) => [
      d.assetTag, describe(d), d.serialNumber ?? '—',
      d.returned ? `Restitué le ${frDate(d.returned.on)}` : 'Non restitué',
      d.returned ? d.returned.condition : '—',
    ]), 8);
    doc.moveDown(0.3).font('bold').fontSize(10).text('Accessoires prêtés', doc.page.margins.left, doc.y, { width }).moveDown(0.3);
    if (data.accessoriesLent.length === 0 && extraBack.length === 0) {
      doc.font('regular').fontSize(9.5).text('Aucun accessoire prêté.', { width });
    } else {
      drawTable(doc, [{ header: 'Accessoire', width: mm(70) }, { header: 'Restitution', width: mm(104) }], [
        ...data.accessoriesLent.map((a) => [a, accessoryState(a)]),
        ...extraBack.map((a) => [`${a} (non mentionné au contrat)`, 'Restitué']),
      ], 8);
    }
    const reasons = [...new Set(back.map((d) => d.returned!.reason).filter(Boolean))];
    doc.moveDown(0.3).font('regular').fontSize(9.5);
    if (reasons.length) doc.text(`Motif : ${reasons.join(' ; ')}`, { width });
    doc.font('bold').text(summary, { width }).font('regular');
    doc.moveDown(1);
    const receivedBy = [...new Set(back.map((d) => d.returned!.receivedBy).filter(Boolean))].join(', ');
    drawSignatureBoxes(doc, [
      { caption: 'Remis par l’emprunteur', name: data.borrower ?? data.beneficiaryReference },
      { caption: `Reçu pour ${inSentence(identity.lender)}`, name: receivedBy },
    ]);
    numberPages(doc, (page, total) => `Bon de restitution — contrat n° ${data.contractNumber} — page ${page}/${total}`);
  });
}
