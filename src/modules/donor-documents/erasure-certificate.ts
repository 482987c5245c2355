import { createHash } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { dayInParis } from '../../clock.js';
import { createPdf, mm } from '../../pdf/document.js';
import { drawHeader, drawSignatureBoxes, drawTable, frDate, numberPages } from '../../pdf/layout.js';
import { agree, count, frLongDate, sentenceStart } from '../../shared/french.js';
import { renderPdf } from '../../pdf/send.js';
import { inSentence, programmeIdentity } from '../../shared/identity.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { DATA_BEARING_KINDS } from '../devices/schemas.js';
import { countingRecord, erasureRecordsOf } from '../erasure/service.js';
import { certificateFor, formatCertificateNumber } from './certificate-number.js';
import { collectionData, donorLines } from './collection-data.js';

interface CertificateLine {
  assetTag: string;
  kind: string;
  serialNumber: string | null;
  erasure: { method: string; tool: string; performedAt: string; operator: string; result: string } | null;
  /** Without a passing erasure: scrapped with the recycler's destruction certificate, or reported missing. */
  disposal: { outcome: 'destroyed'; reference: string; on: string } | { outcome: 'missing'; on: string } | null;
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
    devices: lines.map((l) => ({ assetTag: l.assetTag, kind: l.kind, serialNumber: l.serialNumber, erasure: l.erasure, ...(l.disposal ? { disposal: l.disposal } : {}) })),
  });
}

const STANDARD_NAME = 'NIST SP 800-88 Rév. 2 (septembre 2025)';
const METHODS_FR: Record<string, string> = { 'nist-800-88-clear': 'Clear', 'nist-800-88-purge': 'Purge', 'nist-800-88-destroy': 'Destroy' };
const methodFr = (method: string) => METHODS_FR[method] ?? method;

/** Each device's latest event of this type: its business date (`occurred_on`, not the day it was typed in) and details. */
async function latestEventsOf(db: Db, deviceIds: string[], type: 'scrap' | 'missing'): Promise<Map<string, { on: string; data: string | null }>> {
  const out = new Map<string, { on: string; data: string | null }>();
  for (let i = 0; i < deviceIds.length; i += 500) {
    const rows = await db.kysely.selectFrom('device_events').select(['device_id', 'occurred_on', 'data'])
      .where('device_id', 'in', deviceIds.slice(i, i + 500)).where('type', '=', type).orderBy('id').execute();
    for (const row of rows) out.set(row.device_id, { on: String(row.occurred_on), data: row.data });
  }
  return out;
}

/** The latest `scrap` event of each device (its `scrappedOn`), with the recycler's certificate reference when one was given. */
async function scrapEvents(db: Db, deviceIds: string[]): Promise<Map<string, { on: string; reference: string | null }>> {
  const out = new Map<string, { on: string; reference: string | null }>();
  for (const [id, { on, data }] of await latestEventsOf(db, deviceIds, 'scrap')) {
    const details = data ? (JSON.parse(data) as { destructionCertificate?: string }) : {};
    out.set(id, { on, reference: details.destructionCertificate ?? null });
  }
  return out;
}

/** Certificat d'effacement des données: each data-bearing device, erased or pending; "partiel" until all have passed. */
export async function renderErasureCertificate(db: Db, collectionId: string): Promise<{ bytes: Buffer; filename: string; number: string; sha256: string }> {
  const { collection, donor, devices } = await collectionData(db, collectionId);
  const bearing = devices.filter((d) => DATA_BEARING_KINDS.includes(d.kind));
  const records = await erasureRecordsOf(db.kysely, bearing.map((d) => d.id));
  const scraps = await scrapEvents(db, bearing.filter((d) => d.status === 'scrapped').map((d) => d.id));
  // A missing unit's `missing` event carries its shipment's reception day, not the day TRIRA typed it.
  const missingOn = await latestEventsOf(db, bearing.filter((d) => d.missing_since).map((d) => d.id), 'missing');
  const lines: CertificateLine[] = bearing.map((d) => {
    const all = records.get(d.id) ?? [];
    const counting = countingRecord(all);
    const scrap = scraps.get(d.id);
    return {
      assetTag: d.asset_tag,
      kind: d.kind,
      serialNumber: d.serial_number,
      erasure: counting ? { method: counting.method, tool: counting.tool, performedAt: counting.performed_at, operator: counting.operator, result: counting.result } : null,
      disposal: counting
        ? null
        : scrap?.reference
        ? { outcome: 'destroyed', reference: scrap.reference, on: scrap.on }
        : d.missing_since
        ? { outcome: 'missing', on: missingOn.get(d.id)?.on ?? dayInParis(new Date(d.missing_since)) }
        : null,
      lastFailed: !counting && all.some((r) => r.result === 'failed'),
    };
  });
  const erased = lines.filter((l) => l.erasure).length;
  const destroyed = lines.filter((l) => l.disposal?.outcome === 'destroyed').length;
  const missing = lines.filter((l) => l.disposal?.outcome === 'missing').length;
  const pending = lines.length - erased - destroyed - missing;
  // Complete only when the data of every device is gone: erased, or its media destroyed.
  const complete = pending === 0 && missing === 0;
  const sha256 = createHash('sha256').update(certificateContent(collection.id, collection.collected_on, donor, lines)).digest('hex');
  const issued = await certificateFor(db, collection.id, sha256, complete, lines.length);
  const number = formatCertificateNumber(issued.number);
  const identity = programmeIdentity();

  const doc = createPdf({ title: `Certificat d’effacement des données ${number}`, bufferPages: true });
  const bytes = await renderPdf(doc, () => {
    const title = complete ? 'Certificat d’effacement des données' : 'Certificat d’effacement des données — partiel';
    drawHeader(doc, identity.collector, title, `Certificat n° ${number} — établi le ${frLongDate(issued.issuedAt)}`);
    doc.font('regular').fontSize(9.5);
    for (const text of donorLines(donor)) doc.text(text);
    doc.text(`Collecte du ${frLongDate(collection.collected_on)} — ${count(devices.length, 'appareil')}, dont ${lines.length} ${agree(lines.length, 'porteur')} de données`);
    const outcomes = [
      erased ? `${count(erased, 'appareil effacé', 'appareils effacés')}` : '',
      destroyed ? `${destroyed} ${agree(destroyed, 'appareil dont le support a été détruit', 'appareils dont le support a été détruit')} par le recycleur` : '',
      missing ? `${missing} ${agree(missing, 'appareil déclaré manquant', 'appareils déclarés manquants')}` : '',
      pending ? `${pending} en attente d’un effacement réussi` : '',
    ].filter(Boolean);
    doc.moveDown(0.6).text(
      lines.length === 0
        ? 'Aucun appareil de cette collecte ne porte de données (écrans, imprimantes, périphériques) : aucun effacement n’est requis.'
        : `${sentenceStart(inSentence(identity.collector))} atteste que les supports de données des appareils ci-dessous ont été traités selon la norme ${STANDARD_NAME}, avec la méthode indiquée pour chacun. `
          + (complete
            ? destroyed
              ? `Tous l’ont été : ${outcomes.join(', ')}.`
              : `Tous ont été effacés avec le résultat « réussi ».`
            : `Certificat partiel : ${outcomes.join(', ')}.${pending ? ' Un certificat complet sera établi lorsque tous auront été effacés.' : ''}`),
    );
    doc.moveDown(0.8);
    drawTable(
      doc,
      [
        { header: 'Étiquette', width: mm(18) },
        { header: 'Type', width: mm(20) },
        { header: 'N° de série', width: mm(24) },
        // pdfkit cuts a word that does not fit its column, without a hyphen: Méthode is wide
        // enough for "reconditionneur" (the missing unit's line), Opérateur for "reconditionnement".
        { header: 'Méthode', width: mm(24) },
        { header: 'Outil', width: mm(23) },
        { header: 'Date', width: mm(18) },
        { header: 'Opérateur', width: mm(29) },
        { header: 'Résultat', width: mm(18) },
      ],
      lines.map((l) => {
        const device = [l.assetTag, kindLabelFr(l.kind), l.serialNumber ?? '—'];
        if (l.erasure) return [...device, methodFr(l.erasure.method), l.erasure.tool, frDate(l.erasure.performedAt), l.erasure.operator, 'Réussi'];
        if (l.disposal?.outcome === 'destroyed') {
          return [...device, 'Destruction par le recycleur', `Certificat de destruction n° ${l.disposal.reference}`, frDate(l.disposal.on), '—', 'Détruit (recyclé)'];
        }
        if (l.disposal?.outcome === 'missing') return [...device, 'Aucune : appareil non reçu par le reconditionneur', '—', frDate(l.disposal.on), '—', 'Manquant'];
        return [...device, l.lastFailed ? 'Échec — à reprendre' : 'Aucune pour l’instant', '—', '—', '—', 'En attente'];
      }),
      8,
    );
    doc.moveDown(0.8).font('regular').fontSize(8.5).fillColor('#333333')
      .text(`Méthodes de la norme ${STANDARD_NAME} — Clear : réécriture par les commandes de l’appareil ; Purge : effacement résistant aux techniques de laboratoire (effacement cryptographique, commandes de nettoyage du support) ; Destroy : destruction physique du support.`)
      .fillColor('black');
    doc.moveDown(0.8).font('bold').fontSize(9).text('Empreinte SHA-256 du contenu certifié :');
    doc.font('regular').fontSize(8.5).text(sha256);
    doc.fontSize(8).fillColor('#555555').text(`À comparer avec le registre des certificats (n° ${number}) pour vérifier une copie.`).fillColor('black');
    doc.moveDown(1);
    const signatory = identity.collector.signatory;
    drawSignatureBoxes(doc, [{
      caption: `Pour ${inSentence(identity.collector)}`,
      name: signatory ? `${signatory.name}, ${signatory.role}` : 'Nom et fonction :',
    }]);
    numberPages(doc, (n, total) => `Certificat ${number} — ${donor.name} — page ${n}/${total}`);
  });
  return { bytes, filename: `certificat-effacement-${number}.pdf`, number, sha256 };
}
