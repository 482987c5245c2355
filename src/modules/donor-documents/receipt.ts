import type { Db } from '../../db/connection.js';
import { createPdf, mm } from '../../pdf/document.js';
import { drawKindTotals, SIGNATURE_BLOCK_HEIGHT, weightCell } from '../../pdf/kind-totals.js';
import { drawHeader, drawSignatureBoxes, drawTable, frDate, numberPages } from '../../pdf/layout.js';
import { frLongDate, sentenceStart } from '../../shared/french.js';
import { renderPdf } from '../../pdf/send.js';
import { inSentence, programmeIdentity } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { collectionData, donorLines } from './collection-data.js';

/** Attestation de collecte: what the régie took from the donor, device by device, with totals. */
export async function renderCollectionReceipt(db: Db, collectionId: string): Promise<{ bytes: Buffer; filename: string }> {
  const { collection, donor, devices } = await collectionData(db, collectionId);
  const identity = programmeIdentity();
  const totalWeight = Math.round(devices.reduce((sum, d) => sum + (d.weight_kg ?? 0), 0) * 1000) / 1000;
  const doc = createPdf({ title: `Attestation de collecte — ${donor.name}`, bufferPages: true });
  const bytes = await renderPdf(doc, () => {
    drawHeader(doc, identity.collector, 'Attestation de collecte', `Collecte du ${frLongDate(collection.collected_on)}`);
    doc.font('regular').fontSize(9.5);
    for (const text of donorLines(donor)) doc.text(text);
    const place = [collection.address_line, [collection.postcode, collection.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
    if (place) doc.text(`Lieu de collecte : ${place}`);
    doc.moveDown(0.6).text(
      `${sentenceStart(inSentence(identity.collector))} atteste avoir collecté le ${frLongDate(collection.collected_on)} auprès du donateur désigné ci-dessus ${devices.length === 1 ? 'l’appareil' : `les ${devices.length} appareils`} ` +
        `ci-dessous, d’un poids total de ${weightCell(totalWeight)} kg, en vue de leur réemploi dans le cadre du programme ${identity.programmeName}.`,
    );
    doc.moveDown(0.8);
    drawTable(
      doc,
      [
        { header: 'N°', width: mm(10), align: 'right' },
        { header: 'Étiquette', width: mm(24) },
        { header: 'Type', width: mm(30) },
        { header: 'Marque / modèle', width: mm(50) },
        { header: 'N° de série', width: mm(42) },
        { header: 'Poids (kg)', width: mm(18), align: 'right' },
      ],
      devices.map((d, i) => [String(i + 1), d.asset_tag, kindLabelFr(d.kind), [d.brand, d.model].filter(Boolean).join(' ') || '—', d.serial_number ?? '—', weightCell(d.weight_kg)]),
    );
    drawKindTotals(doc, devices.map((d) => ({ kind: d.kind, weightKg: d.weight_kg })), { count: devices.length, weightKg: totalWeight }, SIGNATURE_BLOCK_HEIGHT);
    doc.moveDown(1);
    drawSignatureBoxes(doc, [
      { caption: 'Pour le donateur', name: donor.name },
      { caption: `Pour ${inSentence(identity.collector)}`, name: identity.collector.signatory ? `${identity.collector.signatory.name}, ${identity.collector.signatory.role}` : undefined },
    ]);
    numberPages(doc, (n, total) => `Attestation de collecte — ${donor.name} — ${frDate(collection.collected_on)} — page ${n}/${total}`);
  });
  return { bytes, filename: `attestation-collecte-${collection.collected_on}.pdf` };
}
