import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../../http/problem.js';
import { normaliseSerial } from '../../modules/devices/schemas.js';
import { resolveCode } from '../../modules/devices/service.js';
import { statusLabel } from '../messages.js';

/** Asset tags look like `OP-000042`; anything else a scanner types is taken for a serial number. */
const TAG_LIKE = /^[A-Z0-9]{1,8}-\d+$/i;

export async function scannerPages(app: FastifyInstance) {
  // For the intake grid: is this serial number already registered? (JSON, for the page's script.)
  app.get('/appareils/numero-de-serie', async (request, reply) => {
    const raw = (request.query as Record<string, unknown>).valeur;
    const serial = typeof raw === 'string' ? normaliseSerial(raw.slice(0, 100)) : '';
    const row = serial ? await Promise.resolve(resolveCode(app.db, serial)).catch(() => undefined) : undefined;
    reply.header('Cache-Control', 'private, no-store');
    if (!row || row.serial_number !== serial) return reply.code(404).send({ known: false });
    return reply.send({ known: true, assetTag: row.asset_tag, status: statusLabel(row.status) });
  });

  app.get('/scanner', async (request, reply) => {
    const raw = (request.query as Record<string, unknown>).code;
    const code = typeof raw === 'string' ? raw.trim().slice(0, 500) : '';
    if (!code) return reply.page('scanner', { title: 'Scanner', scripts: ['scanner.js'] });
    try {
      const row = await resolveCode(app.db, code);
      return reply.redirect(`/appareils/${row.id}?scan=1`, 303);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 404) throw error;
      const serial = !TAG_LIKE.test(code) && !code.includes('/d/');
      return reply.code(404).page('scanner', { title: 'Code inconnu', scripts: ['scanner.js'], notFound: code, serial });
    }
  });
}
