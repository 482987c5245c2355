import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../../http/problem.js';
import { WRITERS } from '../../http/roles.js';
import { createBeneficiarySchema } from '../../modules/beneficiaries/schemas.js';
import { createBeneficiary } from '../../modules/beneficiaries/service.js';
import { id as idField } from '../../shared/fields.js';
import { formInput } from '../form.js';
import { fieldErrorsOf, zodFieldErrors, type FieldErrors } from '../messages.js';

const registrars = { web: { roles: WRITERS.beneficiaries } };

/** The create schema's fields, in the form's order: the page asks for nothing the API does not. */
const FIELDS = Object.keys(createBeneficiarySchema.shape) as (keyof typeof createBeneficiarySchema.shape)[];

/** Where the form came from, and where the new person goes: a cycle's enrolment, or an installation to plan. */
interface Back { cycle?: string; installation?: boolean }

function backOf(source: unknown): Back {
  const raw = (source ?? {}) as Record<string, unknown>;
  const cycle = idField.safeParse(raw.cycle);
  if (cycle.success) return { cycle: cycle.data };
  return raw.retour === 'installation' ? { installation: true } : {};
}

/** A name typed in a search, split as people usually type it: "Aïcha Benali", or a surname alone. */
function namesFrom(typed: unknown): Record<string, string> {
  const words = typeof typed === 'string' ? typed.trim().slice(0, 200).split(/\s+/).filter(Boolean) : [];
  // A dossier reference is not a name.
  if (!words.length || /^B-\d{4}-\d+$/i.test(words[0])) return {};
  return words.length === 1 ? { lastName: words[0] } : { firstName: words[0], lastName: words.slice(1).join(' ') };
}

/**
 * "Nouvelle personne": a trainee registered from the web app by the same service and rules as
 * `POST /api/v1/beneficiaries` (installer and admin). Reached from a search that found nobody,
 * it goes back there with the new person ready to enrol or to equip.
 */
export async function peoplePages(app: FastifyInstance) {
  const formPage = (request: FastifyRequest, reply: FastifyReply, back: Back, values: Record<string, unknown>, errors: FieldErrors = {}, status = 200) =>
    reply.code(status).page('person-new', {
      title: Object.keys(errors).length ? 'Nouvelle personne (erreurs)' : 'Nouvelle personne',
      back,
      values,
      errors,
      saved: typeof (request.query as Record<string, unknown>).enregistree === 'string' ? (request.query as Record<string, string>).enregistree.slice(0, 20) : undefined,
    });

  app.get('/personnes/nouvelle', { config: registrars }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    return formPage(request, reply, backOf(query), namesFrom(query.nom));
  });

  app.post('/personnes/nouvelle', { config: registrars }, async (request, reply) => {
    const back = backOf(request.body);
    const values = formInput(request.body, FIELDS);
    const parsed = createBeneficiarySchema.safeParse(values);
    if (!parsed.success) return formPage(request, reply, back, values, zodFieldErrors(parsed.error), 422);
    let person;
    try {
      person = await createBeneficiary(app.db, parsed.data);
    } catch (error) {
      // A date the service refuses (in the future) is shown next to its field.
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      return formPage(request, reply, back, values, fieldErrorsOf(error.errors), 422);
    }
    const found = `q=${encodeURIComponent(person.reference)}`;
    if (back.cycle) return reply.redirect(`/formations/${back.cycle}?${found}&nouvelle=${person.id}#inscrire`, 303);
    if (back.installation) return reply.redirect(`/installations/nouvelle?${found}&beneficiaire=${person.id}`, 303);
    return reply.redirect(`/personnes/nouvelle?enregistree=${encodeURIComponent(person.reference)}`, 303);
  });
}
