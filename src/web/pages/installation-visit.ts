import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dayInParis, now, today } from '../../clock.js';
import { ProblemError } from '../../http/problem.js';
import { frLongDate } from '../../shared/french.js';
import { kindLabelFr } from '../../shared/kinds-fr.js';
import { inSentence, programmeIdentity } from '../../shared/identity.js';
import { getBeneficiary } from '../../modules/beneficiaries/service.js';
import { resolveCode } from '../../modules/devices/service.js';
import { currentInstallationOfDevice } from '../../modules/installations/store.js';
import { returnDevice, settleAccessories } from '../../modules/installations/returns.js';
import { completeSchema, returnSchema, settleAccessoriesSchema, type Installation } from '../../modules/installations/schemas.js';
import { completeInstallation, getInstallation } from '../../modules/installations/service.js';
import { PNG_MAGIC, signatureImagePng } from '../../modules/installations/signature.js';
import { fieldErrorsOf, frenchDetail, statusLabel, zodFieldErrors, type FieldErrors, isFormProblem } from '../messages.js';
import { parseId } from './devices.js';
import { frDay, installers, many, text } from './installations.js';

const SIGN_FIELDS = ['installedOn', 'installedBy', 'earlyReason', 'borrowerName', 'borrowerSignature', 'staffSignature'] as const;
type SignForm = Partial<Record<(typeof SIGN_FIELDS)[number], string>>;

/**
 * Where each part of the completion body sits in the form. The page shows the day as text
 * (`#installedOn`), so anything else a refusal names goes there: no error points to a field
 * nobody can see.
 */
const SIGN_PATHS: Record<string, string> = {
  'signature.imagePng': 'borrowerSignature',
  'signature.signedBy': 'borrowerName',
  'signature.signedAt': 'borrowerSignature',
  signature: 'borrowerSignature',
  'staffSignature.imagePng': 'staffSignature',
  'staffSignature.signedBy': 'installedBy',
  'staffSignature.signedAt': 'staffSignature',
  staffSignature: 'staffSignature',
  installedBy: 'installedBy',
  earlyReason: 'earlyReason',
};
type Pad = 'borrowerSignature' | 'staffSignature';

const EMPTY_PAD: Record<Pad, string> = {
  borrowerSignature: 'Le cadre est vide : l’emprunteur doit signer avant la validation.',
  staffSignature: 'Le cadre est vide : le membre de l’équipe doit signer avant la validation.',
};

export const RETURN_REASONS = ['fin du prêt', 'appareil en panne', 'déménagement', 'la personne renonce au prêt'];

const fullName = (b: { firstName: string | null; lastName: string | null; reference: string }) => [b.firstName, b.lastName].filter(Boolean).join(' ') || b.reference;

export async function installationVisitPages(app: FastifyInstance) {
  async function signPage(request: FastifyRequest, reply: FastifyReply, installation: Installation, form: SignForm, errors: FieldErrors = {}, status = 200) {
    const person = await getBeneficiary(app.db, installation.beneficiaryId);
    const identity = programmeIdentity();
    const staffName = request.staff?.actor.name ?? '';
    const day = today();
    return reply.code(status).page('installation-signature', {
      title: `Contrat de prêt — ${person.reference}`,
      installation,
      person,
      name: fullName(person),
      lender: identity.lender.name,
      lenderInSentence: inSentence(identity.lender),
      // A refused form keeps what was drawn: nobody signs twice because a name was missing.
      form: { installedBy: staffName, borrowerName: fullName(person), ...form, borrowerSignature: redisplayable(form.borrowerSignature), staffSignature: redisplayable(form.staffSignature) },
      day,
      early: Boolean(form.earlyReason) || Boolean(errors.earlyReason) || day < installation.scheduledOn,
      errors,
      kindLabel: kindLabelFr,
      frDay,
      frLongDate,
      scripts: ['signature.js'],
    });
  }

  app.get('/installations/:id/signature', { config: installers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const installation = await getInstallation(app.db, id);
    if (installation.status !== 'scheduled') return reply.redirect(`/installations/${id}`, 303);
    return signPage(request, reply, installation, {});
  });

  app.post('/installations/:id/signature', { config: installers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const installation = await getInstallation(app.db, id);
    if (installation.status !== 'scheduled') return reply.redirect(`/installations/${id}`, 303);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: SignForm = Object.fromEntries(SIGN_FIELDS.map((f) => [f, text(body, f, f.endsWith('Signature') ? 800_000 : 500)]));
    // Signed on the screen is signed now: the day is the Paris day of this instant, never typed.
    const at = now();
    const day = dayInParis(at);
    const signedAt = at.toISOString();
    if (form.installedOn && form.installedOn !== day) {
      // The page stated another day (left open overnight): say which day the contract will bear.
      const moved = `La page indiquait le ${frLongDate(form.installedOn)} : le contrat sera daté du ${frLongDate(day)}. Vérifiez puis validez à nouveau ; les signatures sont conservées.`;
      return signPage(request, reply, installation, { ...form, installedOn: day }, { installedOn: moved }, 422);
    }
    const input = {
      installedOn: day,
      installedBy: form.installedBy || undefined,
      ...(form.earlyReason ? { earlyReason: form.earlyReason } : {}),
      signature: { imagePng: form.borrowerSignature || undefined, signedBy: form.borrowerName || undefined, signedAt },
      staffSignature: { imagePng: form.staffSignature || undefined, signedBy: form.installedBy || undefined, signedAt },
    };
    const refuse = (found: FieldErrors) => {
      const refused = signErrors(found, form);
      return signPage(request, reply, installation, refused.form, refused.errors, 422);
    };
    const parsed = completeSchema.safeParse(input);
    if (!parsed.success) return refuse(zodFieldErrors(parsed.error));
    try {
      await completeInstallation(app.db, id, parsed.data, request.actor, app.config);
    } catch (error) {
      if (!isFormProblem(error, { notFound: 'form' })) throw error;
      if (error.status === 409) return reply.redirect(`/installations/${id}`, 303);
      const found = fieldErrorsOf(error.errors);
      if (error.errors?.some((e) => e.path.endsWith('installedOn') && e.message.startsWith('before the scheduled day'))) {
        delete found.installedOn;
        found.earlyReason = `L’installation était prévue le ${frDay(installation.scheduledOn)} : indiquez le motif de l’installation anticipée.`;
      }
      return refuse(Object.keys(found).length ? found : { installedOn: frenchDetail(error) });
    }
    return reply.redirect(`/installations/${id}?validee=1`, 303);
  });

  app.get('/installations/restitution', { config: installers }, async (request, reply) => {
    const code = String((request.query as Record<string, unknown>).code ?? '').trim().slice(0, 500);
    if (!code) return reply.page('installation-return-scan', { title: 'Restitution', scripts: ['scanner.js'] });
    let error: string;
    try {
      const device = await resolveCode(app.db, code);
      const loan = await currentInstallationOfDevice(app.db.kysely, device.id, false);
      if (loan?.status === 'completed') return reply.redirect(`/installations/${loan.id}/restitution?appareil=${device.id}`, 303);
      error = loan
        ? `${device.asset_tag} est réservé pour une installation qui n’a pas encore eu lieu : rien à restituer.`
        : `${device.asset_tag} n’est pas en prêt (statut : ${statusLabel(device.status)}).`;
    } catch (e) {
      if (!(e instanceof ProblemError) || e.status !== 404) throw e;
      error = `${code} : aucun appareil ne porte ce code.`;
    }
    return reply.code(422).page('installation-return-scan', { title: 'Restitution', code, error, scripts: ['scanner.js'] });
  });

  async function returnPage(request: FastifyRequest, reply: FastifyReply, installation: Installation, deviceId: string | undefined, form: Record<string, string> & { ticked?: string[] } = {}, errors: FieldErrors = {}, status = 200) {
    const person = await getBeneficiary(app.db, installation.beneficiaryId);
    const out = installation.devices.filter((d) => d.returnedOn === null);
    const device = out.find((d) => d.deviceId === deviceId) ?? out.find((d) => d.role === 'main') ?? out[0];
    if (!device) return reply.redirect(`/installations/${installation.id}`, 303);
    return reply.code(status).page('installation-return', {
      title: `Restitution — ${person.reference}`,
      installation,
      person,
      name: fullName(person),
      device,
      out,
      reasons: RETURN_REASONS,
      form: { returnedOn: today(), reason: RETURN_REASONS[0], receivedBy: request.staff?.actor.name ?? '', scope: 'kit', ...form },
      ticked: new Set(form.ticked ?? []),
      errors,
      kindLabel: kindLabelFr,
      frDay,
    });
  }

  app.get('/installations/:id/restitution', { config: installers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const installation = await getInstallation(app.db, id);
    if (installation.status !== 'completed') return reply.redirect(`/installations/${id}`, 303);
    const appareil = (request.query as Record<string, unknown>).appareil;
    return returnPage(request, reply, installation, typeof appareil === 'string' ? appareil : undefined);
  });

  app.post('/installations/:id/restitution', { config: installers }, async (request, reply) => {
    const { id } = parseId(request.params);
    const installation = await getInstallation(app.db, id);
    if (installation.status !== 'completed') return reply.redirect(`/installations/${id}`, 303);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: Record<string, string> & { ticked?: string[] } = Object.fromEntries(['deviceId', 'returnedOn', 'reason', 'condition', 'receivedBy', 'scope'].map((f) => [f, text(body, f)]));
    form.ticked = many(body.accessoriesReturned).filter((a) => installation.accessories.includes(a));
    const device = installation.devices.find((d) => d.deviceId === form.deviceId && d.returnedOn === null);
    if (!device) return reply.redirect(`/installations/${id}/restitution`, 303);
    const parsed = returnSchema.safeParse({
      returnedOn: form.returnedOn || undefined,
      reason: form.reason || undefined,
      condition: form.condition || undefined,
      accessoriesReturned: form.ticked,
      scope: form.scope === 'device' ? 'device' : 'kit',
      ...(form.receivedBy ? { receivedBy: form.receivedBy } : {}),
    });
    if (!parsed.success) return returnPage(request, reply, installation, device.deviceId, form, zodFieldErrors(parsed.error), 422);
    try {
      await returnDevice(app.db, device.deviceId, parsed.data, request.actor);
    } catch (error) {
      if (!isFormProblem(error, { notFound: 'form' })) throw error;
      const errors = fieldErrorsOf(error.errors);
      if (error.errors?.some((e) => e.path.endsWith('returnedOn') && e.message.startsWith('before the installation'))) errors.returnedOn = `La restitution ne peut pas précéder l’installation du ${frDay(installation.installedOn)}.`;
      return returnPage(request, reply, installation, device.deviceId, form, Object.keys(errors).length ? errors : { condition: frenchDetail(error) }, 422);
    }
    return reply.redirect(`/installations/${id}?restituee=1`, 303);
  });

  /**
   * Accessories still out once the devices are back: each is marked brought back, written off
   * (with the reason, printed on the slip) or left awaited; the loan closes when none is left.
   */
  async function accessoriesPage(request: FastifyRequest, reply: FastifyReply, installation: Installation, form: Record<string, string> = {}, errors: FieldErrors = {}, status = 200) {
    const person = await getBeneficiary(app.db, installation.beneficiaryId);
    return reply.code(status).page('installation-accessories', {
      title: `Accessoires non restitués — ${person.reference}`,
      installation,
      person,
      name: fullName(person),
      missing: installation.accessoriesOutstanding,
      form: { settledOn: today(), receivedBy: request.staff?.actor.name ?? '', ...form },
      errors,
    });
  }

  app.get('/installations/:id/accessoires', { config: installers }, async (request, reply) => {
    const installation = await getInstallation(app.db, parseId(request.params).id);
    if (installation.status !== 'completed' || !installation.accessoriesOutstanding.length) return reply.redirect(`/installations/${installation.id}`, 303);
    return accessoriesPage(request, reply, installation);
  });

  app.post('/installations/:id/accessoires', { config: installers }, async (request, reply) => {
    const installation = await getInstallation(app.db, parseId(request.params).id);
    if (installation.status !== 'completed' || !installation.accessoriesOutstanding.length) return reply.redirect(`/installations/${installation.id}`, 303);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const missing = installation.accessoriesOutstanding;
    const form: Record<string, string> = { settledOn: text(body, 'settledOn'), receivedBy: text(body, 'receivedBy', 300) };
    missing.forEach((_, n) => {
      form[`outcome-${n}`] = text(body, `outcome-${n}`);
      form[`reason-${n}`] = text(body, `reason-${n}`, 600);
    });
    // Where each entry of the body sits in the form, to put an error next to its accessory.
    const returnedAt: number[] = [];
    const writtenOffAt: number[] = [];
    missing.forEach((_, n) => {
      if (form[`outcome-${n}`] === 'returned') returnedAt.push(n);
      if (form[`outcome-${n}`] === 'writtenOff') writtenOffAt.push(n);
    });
    const errors: FieldErrors = {};
    if (!returnedAt.length && !writtenOffAt.length) errors['outcome-0'] = 'Indiquez au moins un accessoire rendu ou passé en perte.';
    for (const n of writtenOffAt) if (!form[`reason-${n}`]) errors[`reason-${n}`] = 'Indiquez pourquoi cet accessoire est passé en perte.';
    const parsed = settleAccessoriesSchema.safeParse({
      settledOn: form.settledOn || undefined,
      returned: returnedAt.map((n) => missing[n]),
      writtenOff: writtenOffAt.map((n) => ({ accessory: missing[n], reason: form[`reason-${n}`] || undefined })),
      ...(form.receivedBy ? { receivedBy: form.receivedBy } : {}),
    });
    const toForm = (found: FieldErrors) => {
      for (const [path, message] of Object.entries(found)) {
        const [list, index, field] = path.split('.');
        const n = list === 'returned' ? returnedAt[Number(index)] : list === 'writtenOff' ? writtenOffAt[Number(index)] : undefined;
        const key = n === undefined ? (path === 'returned' ? 'outcome-0' : path) : field === 'reason' ? `reason-${n}` : `outcome-${n}`;
        errors[key] ??= path === 'settledOn' && !form.settledOn ? 'Indiquez la date.' : message;
      }
    };
    if (!parsed.success) toForm(zodFieldErrors(parsed.error));
    if (Object.keys(errors).length || !parsed.success) return accessoriesPage(request, reply, installation, form, errors, 422);
    try {
      await settleAccessories(app.db, installation.id, parsed.data, request.actor);
    } catch (error) {
      if (!isFormProblem(error, { notFound: 'form' })) throw error;
      if (error.status === 409) return reply.redirect(`/installations/${installation.id}`, 303);
      toForm(fieldErrorsOf(error.errors));
      if (error.errors?.some((e) => e.path === 'settledOn')) {
        errors.settledOn = form.settledOn < (installation.installedOn ?? '') ? `La date ne peut pas précéder l’installation du ${frDay(installation.installedOn)}.` : 'La date ne peut pas être dans le futur.';
      }
      return accessoriesPage(request, reply, installation, form, Object.keys(errors).length ? errors : { 'outcome-0': frenchDetail(error) }, 422);
    }
    return reply.redirect(`/installations/${installation.id}?accessoires=1`, 303);
  });
}

/**
 * A refusal placed on the page: each error next to what it is about, in French. A signature
 * whose image was refused is taken out of the form so its frame comes back empty; every other
 * drawing stays.
 */
function signErrors(errors: FieldErrors, form: SignForm): { errors: FieldErrors; form: SignForm } {
  const out: FieldErrors = {};
  const kept = { ...form };
  for (const [path, message] of Object.entries(errors)) {
    const field = path === 'borrowerName' ? path : (SIGN_PATHS[path] ?? 'installedOn');
    if (field === 'borrowerSignature' || field === 'staffSignature') {
      if (path.endsWith('.signedAt')) {
        out[field] ??= 'L’heure de la signature ne correspond pas au jour de l’installation : validez à nouveau, la signature est conservée.';
        continue;
      }
      out[field] ??= form[field] ? 'La signature n’a pas pu être lue : signez à nouveau dans le cadre.' : EMPTY_PAD[field];
      kept[field] = '';
    } else {
      out[field] ??= message;
    }
  }
  return { errors: out, form: kept };
}

/**
 * A drawing posted back, shown again as kept only if it is one: the same checks as the API's
 * field, and the bytes open as a PNG (anything else would be shown as "kept", then refused).
 */
function redisplayable(png: string | undefined): string {
  const PREFIX = 'data:image/png;base64,';
  if (!png?.startsWith(PREFIX) || !signatureImagePng().safeParse(png).success) return '';
  return Buffer.from(png.slice(PREFIX.length, PREFIX.length + 16), 'base64').subarray(0, 8).equals(PNG_MAGIC) ? png : '';
}
