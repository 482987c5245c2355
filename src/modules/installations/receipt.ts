import { createPdf, mm } from '../../pdf/document.js';
import { drawHeader, drawSignatureBoxes, drawTable, frDate, numberPages } from '../../pdf/layout.js';
import { renderPdf } from '../../pdf/send.js';
import { programmeIdentity } from '../../shared/identity.js';
import { KIND_LABELS } from './contract.js';

export interface ReceiptData {
  contractNumber: string;
  installedOn: string | null;
  beneficiaryReference: string;
  /** Null once the beneficiary is anonymised: the reference stands for the person. */
  borrower: string | null;
  returned: {
    assetTag: string;
    kind: string;
    brand: string | null;
    model: string | null;
    serialNumber: string | null;
    returnedOn: string;
    reason: string;
    condition: string;
    accessoriesReturned: string[];
    receivedBy: string;
  }[];
  stillOut: string[];
}

/** The return slip both parties sign when equipment on loan comes back. */
export function renderReturnReceipt(data: ReceiptData): Promise<Buffer> {
  const identity = programmeIdentity();
  const doc = createPdf({ title: `Bon de restitution — contrat n° ${data.contractNumber}`, bufferPages: true });
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const who = data.borrower ? `${data.borrower} (dossier ${data.beneficiaryReference})` : `l'emprunteur du dossier ${data.beneficiaryReference}`;
  return renderPdf(doc, () => {
    drawHeader(doc, identity.lender, 'Bon de restitution de matériel prêté', `Contrat de prêt n° ${data.contractNumber}${data.installedOn ? ` du ${frDate(data.installedOn)}` : ''}`);
    doc.font('regular').fontSize(9.5).text(`${identity.lender.name} reconnaît avoir reçu de ${who} le matériel suivant, prêté dans le cadre du programme ${identity.programmeName} :`, { width });
    doc.moveDown(0.6);
    drawTable(doc, [
      { header: 'Étiquette', width: mm(23) },
      { header: 'Matériel', width: mm(48) },
      { header: 'N° de série', width: mm(33) },
      { header: 'Restitué le', width: mm(22) },
      { header: 'État constaté', width: mm(48) },
    ], data.returned.map((d) => [d.assetTag, [KIND_LABELS[d.kind] ?? d.kind, d.brand, d.model].filter(Boolean).join(' '), d.serialNumber ?? '—', frDate(d.returnedOn), d.condition]), 8);
    const reasons = [...new Set(data.returned.map((d) => d.reason))].join(' ; ');
    const accessories = [...new Set(data.returned.flatMap((d) => d.accessoriesReturned))];
    doc.font('regular').fontSize(9.5);
    doc.text(`Motif : ${reasons}`, { width });
    doc.text(`Accessoires restitués : ${accessories.length ? accessories.join(', ') : 'aucun'}`, { width });
    doc.text(
      data.stillOut.length
        ? `Matériel restant prêté au titre du contrat : ${data.stillOut.join(', ')}.`
        : 'Tout le matériel prêté a été restitué : le prêt est clos.',
      { width },
    );
    doc.moveDown(1);
    const receivedBy = [...new Set(data.returned.map((d) => d.receivedBy))].join(', ');
    drawSignatureBoxes(doc, [
      { caption: "Remis par l'emprunteur", name: data.borrower ?? data.beneficiaryReference },
      { caption: `Reçu pour ${identity.lender.name}`, name: receivedBy },
    ]);
    numberPages(doc, (page, total) => `Bon de restitution — contrat n° ${data.contractNumber} — page ${page}/${total}`);
  });
}
