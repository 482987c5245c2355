import type { Db } from '../../db/connection.js';
import { createPdf, mm } from '../../pdf/document.js';
import { drawKindTotals, drawReceivedTotals, SIGNATURE_BLOCK_HEIGHT, weightCell } from '../../pdf/kind-totals.js';
import { drawHeader, drawSignatureBoxes, drawTable, numberPages } from '../../pdf/layout.js';
import { renderPdf } from '../../pdf/send.js';
import { count, de, frLongDate } from '../../shared/french.js';
import { programmeIdentity } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { getShipment } from './service.js';

/** The handover slip, in French: one line per device, totals by kind and weight, both parties' signatures. */
export async function renderManifest(db: Db, shipmentId: string): Promise<{ bytes: Buffer; filename: string }> {
  const shipment = await getShipment(db, shipmentId);
  const identity = programmeIdentity();
  const doc = createPdf({ title: `Bordereau d’expédition ${shipment.reference}`, bufferPages: true });
  const bytes = await renderPdf(doc, () => {
    const subtitle = shipment.dispatchedOn
      ? `Expédition ${shipment.reference} du ${frLongDate(shipment.dispatchedOn)}`
      : `Expédition ${shipment.reference} — brouillon, non encore expédiée`;
    drawHeader(doc, identity.collector, 'Bordereau de remise au reconditionneur', subtitle);
    const r = identity.reconditioner;
    doc.font('regular').fontSize(9.5)
      .text(`Remis par : ${identity.collector.name}, ${identity.collector.addressLine}, ${identity.collector.postcode} ${identity.collector.city}`)
      .text(`Reçu par : ${r.name}, ${r.addressLine}, ${r.postcode} ${r.city} · ${r.phone}`)
      .text(`Programme : ${identity.programmeName}`);
    if (shipment.notes) remark(doc, 'Remarques à l’expédition', shipment.notes);
    if (shipment.acknowledgedAt) {
      const missing = shipment.missingCount ? ` — ${count(shipment.missingCount, 'appareil non reçu', 'appareils non reçus')}` : '';
      doc.text(`Reçue le ${frLongDate(shipment.receivedOn ?? shipment.acknowledgedAt)} (réception confirmée par ${shipment.acknowledgedBy})${missing}`);
      if (shipment.acknowledgeNotes) remark(doc, `Remarques ${de(r.name)} à la réception`, shipment.acknowledgeNotes);
    }
    doc.moveDown(0.8);
    drawTable(
      doc,
      [
        { header: 'N°', width: mm(9), align: 'right' },
        { header: 'Étiquette', width: mm(22) },
        { header: 'Type', width: mm(30) },
        { header: 'Marque / modèle', width: mm(40) },
        { header: 'N° de série', width: mm(36) },
        { header: 'Poids (kg)', width: mm(16), align: 'right' },
        { header: 'Reçu', width: mm(21) },
      ],
      shipment.items.map((item, i) => [
        String(i + 1),
        item.assetTag,
        kindLabelFr(item.kind),
        [item.brand, item.model].filter(Boolean).join(' ') || '—',
        item.serialNumber ?? '—',
        weightCell(item.weightKg),
        shipment.acknowledgedAt ? (item.missing ? 'manquant' : 'oui') : '',
      ]),
      // A box to tick while the receipt is to be confirmed; once it is, the column says what happened.
      shipment.acknowledgedAt ? {} : { checkboxColumn: 6 },
    );
    if (shipment.acknowledgedAt && shipment.missingCount) drawReceivedTotals(doc, shipment.items, SIGNATURE_BLOCK_HEIGHT);
    else drawKindTotals(doc, shipment.items, { count: shipment.itemCount, weightKg: shipment.totalWeightKg }, SIGNATURE_BLOCK_HEIGHT);
    doc.moveDown(1);
    drawSignatureBoxes(doc, [
      { caption: 'Remis par (la régie)', name: identity.collector.name },
      { caption: 'Reçu par (le reconditionneur)', name: r.name },
    ]);
    numberPages(doc, (n, total) => `Bordereau ${shipment.reference} — page ${n}/${total}`);
  });
  return { bytes, filename: `bordereau-${shipment.reference}.pdf` };
}

/** A remark typed by one party, its label in bold; a long one wraps over as many lines as it needs. */
function remark(doc: PDFKit.PDFDocument, label: string, text: string): void {
  doc.font('bold').text(`${label} : `, { continued: true }).font('regular').text(text);
}
