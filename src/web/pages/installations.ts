import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { today } from '../../clock.js';
import { ProblemError } from '../../http/problem.js';
import { WRITERS } from '../../http/roles.js';
import { sendPdfBuffer } from '../../pdf/send.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { frDateTime, frLongDate } from '../../shared/french.js';
import type { Beneficiary } from '../../modules/beneficiaries/schemas.js';
import { findBeneficiaryByReference, getBeneficiary, listBeneficiaries, namesOf } from '../../modules/beneficiaries/service.js';
import type { Db } from '../../db/connection.js';
import { resolveCode } from '../../modules/devices/service.js';
import { returnReceiptPdf } from '../../modules/installations/returns.js';
import { loanOutstanding } from '../../modules/installations/outstanding.js';
import { cancelSchema, scheduleSchema, type Installation, type InstallationStatus } from '../../modules/installations/schemas.js';
import { cancelInstallation, contractPdf, getInstallation, recentInstallations, scheduleInstallation } from '../../modules/installations/service.js';
import { fieldErrorsOf, frenchDetail, statusLabel, zodFieldErrors, type FieldErrors, isFormProblem } from '../messages.js';
import { parseId } from './devices.js';

/** Installer and admin only: these pages show the person's name, address and phone. */
export const installers = { web: { roles: WRITERS.installations } };

/** What the installer ticks at scheduling; anything else goes in "Autres accessoires". */
export const ACCESSORIES = ['chargeur', 'souris', 'clavier', 'sacoche', 'câble secteur', 'câble vidéo', 'casque avec micro', 'webcam', 'clé Wi-Fi'];

const INSTALLATION_STATUS_FR: Record<InstallationStatus, string> = { scheduled: 'prévue', completed: 'installée, en prêt', cancelled: 'annulée', closed: 'restituée, prêt clos' };

export const frDay = (date: string | null | undefined) => (date ? date.split('-').reverse().join('/') : '—');

/** A list of strings from a form field sent once, several times or not at all. */
export function many(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String).map((v) => v.trim()).filter(Boolean);
}

export function text(body: Record<string, unknown>, name: string, max = 500): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

const SCHEDULE_FIELDS = ['beneficiaryId', 'code', 'extraDevices', 'accessories', 'accessoriesOther', 'scheduledOn', 'overrideReason', 'q'] as const;
type ScheduleForm = Partial<Record<(typeof SCHEDULE_FIELDS)[number], string>> & { ticked?: string[] };

function trainingNote(b: Beneficiary): string {
  if (b.anonymisedAt) return 'dossier anonymisé';
  return b.trainingCompletedOn ? `formation terminée le ${frDay(b.trainingCompletedOn)}` : 'formation non terminée';
}

/** The scheduling page's French for the service's refusals, placed next to the field they concern. */
function scheduleRefusal(error: ProblemError, mainTag: string | undefined, isAdmin: boolean): FieldErrors {
  const extra = error.extra as { rules?: string[]; assetTag?: string; currentStatus?: string };
  if (extra.rules) {
    const reasons: string[] = [];
    if (extra.rules.includes('training_not_completed')) reasons.push('Cette personne n’a terminé aucun cycle de formation : l’installation ne peut pas être planifiée.');
    if (extra.rules.includes('active_installation')) reasons.push('Cette personne a déjà une installation prévue ou en cours.');
    if (isAdmin) reasons.push('En tant qu’administrateur, vous pouvez passer outre en indiquant un motif de dérogation.');
    return { beneficiaryId: reasons.join(' '), ...(isAdmin ? { overrideReason: 'Indiquez le motif de la dérogation.' } : {}) };
  }
  if (extra.currentStatus) return { [extra.assetTag && extra.assetTag !== mainTag ? 'extraDevices' : 'code']: `${frenchDetail(error)} Seul un appareil prêt peut partir en installation.` };
  const fields = fieldErrorsOf(error.errors);
  return Object.keys(fields).length ? renameScheduleFields(fields) : { code: frenchDetail(error) };
}

function renameScheduleFields(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const field = path.startsWith('extraDevices') ? 'extraDevices' : path.startsWith('accessories') ? 'accessoriesOther' : path.startsWith('override') ? 'overrideReason' : path;
    out[field] ??= message;
  }
  return out;
}

/** A dossier reference goes straight to its person (unique index); anything else searches names and references. */
async function searchPeople(db: Db, q: string): Promise<Beneficiary[]> {
  if (/^B-\d{4}-\d+$/i.test(q)) {
    const exact = await findBeneficiaryByReference(db, q);
    if (exact) return [exact];
  }
  return (await listBeneficiaries(db, { q, limit: 20 })).items;
}

export async function installationPages(app: FastifyInstance) {
  app.get('/installations', { config: installers }, async (_request, reply) => {
    const [scheduled, completed, closed] = await Promise.all([
      recentInstallations(app.db, 'scheduled', 100),
      recentInstallations(app.db, 'completed', 30),
      recentInstallations(app.db, 'closed', 10),
    ]);
    const all = [...scheduled, ...completed, ...closed];
    const names = await namesOf(app.db, all.map((i) => i.beneficiaryId));
    const byDate = (a: Installation, b: Installation) => a.scheduledOn.localeCompare(b.scheduledOn);
    return reply.page('installations', {
      title: 'Installations',
      scheduled: scheduled.sort(byDate),
      completed,
      closed,
      names,
      frDay,
    });
  });

  async function scheduleForm(request: FastifyRequest, reply: FastifyReply, form: ScheduleForm, errors: FieldErrors = {}, status = 200) {
    const query = request.query as Record<string, unknown>;
    const q = (form.q ?? (typeof query.q === 'string' ? query.q : '')).trim().slice(0, 100);
    const chosenId = form.beneficiaryId ?? (typeof query.beneficiaire === 'string' ? query.beneficiaire : undefined);
    const found = q ? await searchPeople(app.db, q) : [];
    let chosen: Beneficiary | undefined;
    if (chosenId && !found.some((b) => b.id === chosenId)) chosen = await getBeneficiary(app.db, chosenId).catch(() => undefined);
    const candidates = [...(chosen ? [chosen] : []), ...found].filter((b) => !b.anonymisedAt);
    const selected = chosenId ?? (candidates.length === 1 ? candidates[0].id : undefined);
    return reply.code(status).page('installation-new', {
      title: 'Planifier une installation',
      q,
      searched: Boolean(q),
      candidates: candidates.map((b) => ({ id: b.id, label: `${[b.firstName, b.lastName].filter(Boolean).join(' ')} (${b.reference})`, note: trainingNote(b), trained: Boolean(b.trainingCompletedOn) })),
      selected,
      form: { scheduledOn: today(), ...form },
      ticked: new Set(form.ticked ?? []),
      accessories: ACCESSORIES,
      errors,
      isAdmin: request.staff?.actor.role === 'admin',
      scripts: ['installation.js'],
    });
  }

  app.get('/installations/nouvelle', { config: installers }, async (request, reply) => scheduleForm(request, reply, {}));

  app.post('/installations/nouvelle', { config: installers }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: ScheduleForm = Object.fromEntries(SCHEDULE_FIELDS.map((f) => [f, text(body, f, f === 'extraDevices' ? 12_000 : 500)]));
    form.ticked = many(body.accessories).filter((a) => ACCESSORIES.includes(a));
    const isAdmin = request.actor.role === 'admin';
    const extraDevices = (form.extraDevices ?? '').split(/\r?\n/).map((c) => c.trim()).filter(Boolean);
    const accessories = [...form.ticked, ...(form.accessoriesOther ?? '').split(/[,;\n]/).map((a) => a.trim()).filter(Boolean)];
    const input = {
      beneficiaryId: form.beneficiaryId || undefined,
      code: form.code || undefined,
      scheduledOn: form.scheduledOn || undefined,
      accessories,
      extraDevices,
      ...(isAdmin && form.overrideReason ? { override: { reason: form.overrideReason } } : {}),
    };
    const parsed = scheduleSchema.safeParse(input);
    if (!parsed.success) {
      const errors = renameScheduleFields(zodFieldErrors(parsed.error));
      if (errors.beneficiaryId) errors.beneficiaryId = 'Cherchez la personne puis choisissez-la dans la liste.';
      if (!input.code) errors.code = 'Scannez l’ordinateur à installer.';
      return scheduleForm(request, reply, form, errors, 422);
    }
    // Each code resolved first, so an unknown one is named next to its own field.
    const unknown: FieldErrors = {};
    let mainTag: string | undefined;
    for (const [field, code] of [['code', parsed.data.code!], ...extraDevices.map((c) => ['extraDevices', c])] as [string, string][]) {
      try {
        const device = await resolveCode(app.db, code);
        if (field === 'code') mainTag = device.asset_tag;
      } catch (error) {
        if (!(error instanceof ProblemError) || error.status !== 404) throw error;
        unknown[field] ??= `${code} : aucun appareil ne porte ce code.`;
      }
    }
    if (Object.keys(unknown).length) return scheduleForm(request, reply, form, unknown, 422);
    try {
      const installation = await scheduleInstallation(app.db, parsed.data, request.actor);
      return reply.redirect(`/installations/${installation.id}?planifiee=1`, 303);
    } catch (error) {
      if (!isFormProblem(error, { notFound: 'form' })) throw error;
      if (error.status === 404) return scheduleForm(request, reply, form, { beneficiaryId: 'Cette personne est introuvable : cherchez-la à nouveau.' }, 422);
      return scheduleForm(request, reply, form, scheduleRefusal(error, mainTag, isAdmin), error.status);
    }
  });

  app.get('/installations/:id', { config: installers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const installation = await getInstallation(app.db, id);
    const person = await getBeneficiary(app.db, installation.beneficiaryId);
    const query = request.query as Record<string, unknown>;
    const anyReturned = installation.devices.some((d) => d.returnedOn) || installation.accessorySettlements.length > 0;
    const devicesOut = installation.devices.some((d) => !d.returnedOn);
    const outstanding = loanOutstanding(
      installation.devices.map((d) => ({ label: `${d.assetTag} (${kindLabelFr(d.kind)})`, returned: d.returnedOn !== null, accessoriesReturned: d.accessoriesReturned ?? [] })),
      installation.accessories,
      installation.accessorySettlements,
    );
    return reply.page('installation', {
      title: `Installation ${person.reference}`,
      installation,
      person,
      name: [person.firstName, person.lastName].filter(Boolean).join(' ') || person.reference,
      statusFr: installation.status === 'completed' && anyReturned && !devicesOut ? 'appareils restitués, accessoires attendus : prêt non clos' : INSTALLATION_STATUS_FR[installation.status],
      flash: query.annulee === '1' ? 'cancelled' : query.planifiee === '1' ? 'scheduled' : query.validee === '1' ? 'completed' : query.restituee === '1' ? 'returned' : query.accessoires === '1' ? 'accessories' : undefined,
      anyReturned,
      devicesOut,
      accessoriesMissing: anyReturned ? outstanding.accessoriesOut : [],
      writtenOff: outstanding.writtenOff,
      returnSummary: anyReturned ? outstanding.summary : null,
      kindLabel: kindLabelFr,
      statusLabel,
      frDay,
      frLongDate,
      frDateTime,
    });
  });

  /**
   * Calling off a scheduled installation: a page of its own is the confirmation (it names the
   * person, the date and the kit that goes back to "prêt"), and the reason is asked for there:
   * the API leaves it optional, a person at the desk must say why.
   */
  async function cancelPage(request: FastifyRequest, reply: FastifyReply, id: string, extra: { reason?: string; errors?: FieldErrors; message?: string; status?: number } = {}) {
    const installation = await getInstallation(app.db, id);
    const person = await getBeneficiary(app.db, installation.beneficiaryId);
    return reply.code(extra.status ?? 200).page('installation-cancel', {
      title: `Annuler l’installation ${person.reference}`,
      installation,
      person,
      name: [person.firstName, person.lastName].filter(Boolean).join(' ') || person.reference,
      statusFr: INSTALLATION_STATUS_FR[installation.status],
      reason: extra.reason,
      errors: extra.errors ?? {},
      message: extra.message,
      kindLabel: kindLabelFr,
      frLongDate,
    });
  }

  app.get('/installations/:id/annulation', { config: installers }, async (request, reply) => cancelPage(request, reply, parseId(request.params).id));

  app.post('/installations/:id/annulation', { config: installers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const reason = text((request.body ?? {}) as Record<string, unknown>, 'reason', 600);
    const parsed = cancelSchema.safeParse({ reason: reason || undefined });
    if (!reason || !parsed.success) {
      const message = !reason ? 'Indiquez le motif de l’annulation.' : (zodFieldErrors(parsed.error!).reason ?? 'Motif invalide.');
      return cancelPage(request, reply, id, { reason, errors: { reason: message }, status: 422 });
    }
    try {
      await cancelInstallation(app.db, id, parsed.data.reason, request.actor);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) {
        return cancelPage(request, reply, id, { reason, message: 'Cette installation n’est plus prévue (validée ou déjà annulée entre-temps) : rien n’a été annulé.', status: 409 });
      }
      throw error;
    }
    return reply.redirect(`/installations/${id}?annulee=1`, 303);
  });

  app.get('/installations/:id/contrat.pdf', { config: installers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const contract = await contractPdf(app.db, id, app.config);
    return sendPdfBuffer(reply, contract.bytes, contract.filename);
  });

  app.get('/installations/:id/restitution.pdf', { config: installers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const receipt = await returnReceiptPdf(app.db, id);
    return sendPdfBuffer(reply, receipt.bytes, receipt.filename);
  });
}
