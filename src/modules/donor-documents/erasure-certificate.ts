import { createHash } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { createPdf, mm } from '../../pdf/document.js';
import { drawHeader, drawTable, frDate, numberPages } from '../../pdf/layout.js';
import { renderPdf } from '../../pdf/send.js';
import { programmeIdentity } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { DATA_BEARING_KINDS, type DeviceKind } from '../devices/schemas.js';
import { countingRecord, erasureRecordsOf, standardOf } from '../erasure/service.js';
import { certificateFor, formatCertificateNumber } from './certificate-number.js';
import { collectionData, donorLines } from './collection-data.js';

interface CertificateLine {
  assetTag: string;
  kind: string;
  serialNumber: string | null;
  erasure: { method: string; tool: string; performedAt: string; operator: string; result: string } | null;
  lastFailed: boolean;
}

/**
 * The certified content in a canonical form: its SHA-256 is printed on the certificate and
 * kept with the number, so a copy can be checked against the register.
 */
export function certificateContent(collectionId: string, collectedOn: string, donor: { name: string; siret: string | null }, lines: CertificateLine[]): string {
  return JSON.stringify({
    collectionId,
    collectedOn,
    donor: { name: donor.name, siret: donor.siret },
    devices: lines.map((l) => ({ assetTag: l.assetTag, kind: l.kind, serialNumber: l.serialNumber, erasure: l.erasure })),
  });
}

const frDateTime = (iso: string) => frDate(iso.slice(0, 10));

/** Certificat d'effacement des données: each data-bearing device, erased or pending; "partiel" until all have passed. */
export async function renderErasureCertificate(db: Db, collectionId: string): Promise<{ bytes: Buffer; filename: string; number: string; sha256: string }> {
  const { collection, donor, devices } = await collectionData(db, collectionId);
  const bearing = devices.filter((d) => DATA_BEARING_KINDS.includes(d.kind as DeviceKind));
  const records = await erasureRecordsOf(db.kysely, bearing.map((d) => d.id));
  const lines: CertificateLine[] = bearing.map((d) => {
    const all = records.get(d.id) ?? [];
    const counting = countingRecord(all);
    return {
      assetTag: d.asset_tag,
      kind: d.kind,
      serialNumber: d.serial_number,
      erasure: counting ? { method: counting.method, tool: counting.tool, performedAt: counting.performed_at, operator: counting.operator, result: counting.result } : null,
      lastFailed: !counting && all.some((r) => r.result === 'failed'),
    };
  });
  const pending = lines.filter((l) => !l.erasure).length;
  const complete = pending === 0;
  const sha256 = createHash('sha256').update(certificateContent(collection.id, collection.collected_on, donor, lines)).digest('hex');
  const issued = await certificateFor(db, collection.id, sha256, complete, lines.length);
  const number = formatCertificateNumber(issued.number);
  const identity = programmeIdentity();

  const doc = createPdf({ title: `Certificat d'effacement des données ${number}`, bufferPages: true });
  const bytes = await renderPdf(doc, () => {
    const title = complete ? 'Certificat d’effacement des données' : 'Certificat d’effacement des données — partiel';
    drawHeader(doc, identity.collector, title, `Certificat n° ${number} — établi le ${frDateTime(issued.issuedAt)}`);
    doc.font('regular').fontSize(9.5);
    for (const text of donorLines(donor)) doc.text(text);
    doc.text(`Collecte du ${frDate(collection.collected_on)} — ${devices.length} appareil(s), dont ${lines.length} porteur(s) de données`);
    doc.moveDown(0.6).text(
      lines.length === 0
        ? 'Aucun appareil de cette collecte ne porte de données (écrans, imprimantes, périphériques) : aucun effacement n’est requis.'
        : complete
        ? `Les supports de données des ${lines.length} appareil(s) ci-dessous ont été effacés selon les méthodes de la norme NIST SP 800-88 Rév. 2 (septembre 2025) indiquées, avec le résultat « réussi ».`
        : `Certificat partiel : ${lines.length - pending} appareil(s) effacé(s), ${pending} en attente d’un effacement réussi. Un certificat complet sera établi lorsque tous auront été effacés.`,
    );
    doc.moveDown(0.8);
    drawTable(
      doc,
      [
        { header: 'Étiquette', width: mm(20) },
        { header: 'Type', width: mm(20) },
        { header: 'N° de série', width: mm(28) },
        { header: 'Méthode et norme', width: mm(36) },
        { header: 'Outil', width: mm(24) },
        { header: 'Date', width: mm(16) },
        { header: 'Opérateur', width: mm(17) },
        { header: 'Résultat', width: mm(13) },
      ],
      lines.map((l) =>
        l.erasure
          ? [l.assetTag, kindLabelFr(l.kind), l.serialNumber ?? '—', standardOf(l.erasure.method), l.erasure.tool, frDateTime(l.erasure.performedAt), l.erasure.operator, 'Réussi']
          : [l.assetTag, kindLabelFr(l.kind), l.serialNumber ?? '—', l.lastFailed ? 'Échec — à reprendre' : 'En attente', '—', '—', '—', 'En attente'],
      ),
      7.5,
    );
    doc.moveDown(0.8).font('regular').fontSize(8.5).fillColor('#333333')
      .text('Clear : réécriture par les commandes de l’appareil ; Purge : effacement résistant aux techniques de laboratoire (effacement cryptographique, commandes de nettoyage du support) ; Destroy : destruction physique du support.')
      .fillColor('black');
    doc.moveDown(0.8).font('bold').fontSize(9).text('Empreinte SHA-256 du contenu certifié :');
    doc.font('regular').fontSize(8.5).text(sha256);
    doc.fontSize(8).fillColor('#555555').text(`À comparer avec le registre des certificats (n° ${number}) pour vérifier une copie.`).fillColor('black');
    numberPages(doc, (n, total) => `Certificat ${number} — ${donor.name} — page ${n}/${total}`);
  });
  return { bytes, filename: `certificat-effacement-${number}.pdf`, number, sha256 };
}
