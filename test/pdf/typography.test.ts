import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { documentRequests } from '../../scripts/documents.js';
import { useTestApp } from '../helpers/app.js';
import { binaryParser, pdfRuns, pdfText, pdfUnmappedGlyphs } from '../helpers/pdf.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ctx = useTestApp();

describe('French typography of every document', () => {
  it('when every document type is rendered from the demo data, then none holds a straight apostrophe, the programme file’s and the template’s included, and every glyph drawn has its text', async () => {
    // The demo, seeded as `npm run seed:demo` does; the programme file (test/fixtures) writes Ordi'Pratique with a straight one.
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/seed-demo.ts'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: ctx.config.databaseUrl } });
    const documents = await documentRequests(ctx.db);
    expect(documents?.map(([name]) => name)).toEqual([
      '01-attestation-de-collecte', '02-certificat-effacement', '03-bordereau-expedition', '04-contrat-projet', '05-contrat-signe', '06-bon-de-restitution',
      '07-rapport-programme', '08-etiquettes-avery-l7163', '09-etiquettes-avery-l7160', '10-etiquette-rouleau-dk11209', '11-calibrage-avery-l7163', '12-feuille-emargement',
    ]);
    const texts: Record<string, string> = {};
    const runs: Record<string, string> = {};
    const unmapped: Record<string, string[]> = {};
    for (const [name, url, body] of documents!) {
      const res = body
        ? await ctx.api().post(url).set('content-type', 'application/json').send(body).buffer(true).parse(binaryParser)
        : await ctx.api().get(url).buffer(true).parse(binaryParser);
      expect(res.status, `${name}: ${String(res.body).slice(0, 200)}`).toBe(200);
      texts[name] = await pdfText(res.body as Buffer);
      runs[name] = (await pdfRuns(res.body as Buffer)).flat().join('\n');
      unmapped[name] = pdfUnmappedGlyphs(res.body as Buffer);
    }
    // One process renders them one after another, as `npm run documents:preview` does: every glyph a
    // document draws can be copied, whatever the documents before it drew (a "ç" drawn earlier
    // once left the next documents' "c" without text: "Cara téristiques").
    expect(unmapped).toEqual(Object.fromEntries(Object.keys(texts).map((name) => [name, []])));
    const words: Record<string, string[]> = {
      '02-certificat-effacement': ['Étiquette Type N° de série Méthode Outil Date Opérateur Résultat', 'Empreinte SHA-256 du contenu certifié'],
      '04-contrat-projet': ['Caractéristiques', 'Contrat de prêt'],
      '06-bon-de-restitution': ['Accessoire', 'État constaté'],
      '07-rapport-programme': ['Collecte et reconditionnement'],
      '11-calibrage-avery-l7163': ['Décalage appliqué : aucun'],
      '12-feuille-emargement': ['Référence'],
    };
    for (const [name, expected] of Object.entries(words)) for (const word of expected) expect(texts[name], name).toContain(word);
    for (const [name, text] of Object.entries(texts)) {
      expect(text.match(/.{0,30}'.{0,30}/g), name).toBeNull();
      // "n° 2026-000001" never splits across lines: a no-break space follows n° (the extracted text shows a space).
      expect(runs[name].match(/.{0,30}[nN]° .{0,30}/g), name).toBeNull();
    }
    expect(runs['05-contrat-signe']).toContain('Contrat n°\u00a0');
    // Elisions where each document has them: the typographic apostrophe, never lost.
    expect(texts['04-contrat-projet']).toContain('L’emprunteur');
    expect(texts['04-contrat-projet']).toContain('d’un équipement informatique');
    expect(texts['12-feuille-emargement']).toContain('Feuille d’émargement');
    expect(texts['07-rapport-programme']).toContain('Ordi’Pratique');
    // The table by neighbourhood covers one month, never the whole period: it names it.
    expect(texts['07-rapport-programme']).toMatch(/Installations en (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4} seulement, le dernier mois entier et terminé de la période/);
    expect(texts['07-rapport-programme']).not.toContain('sur la période');
  }, 300_000); // seeding the demo and rendering twelve documents
});
