import type { z } from 'zod';
import { dayInParis } from '../clock.js';
import { ProblemError, type FieldError } from '../http/problem.js';
import { MAX_MONTHS } from '../modules/reports/period.js';
import { inSentence, programmeIdentity } from '../shared/identity.js';

/**
 * The services speak English (the API's language); people read French. Wording only: every
 * rule stays in the service that raised the error.
 */
const day = (date: string) => date.split('-').reverse().join('/');

const FIELD_MESSAGES: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
  [/^must not be empty$|received undefined$/, 'Ce champ est obligatoire.'],
  [/^must not contain control characters$/, 'Ce champ contient des caractères invalides.'],
  [/^expected a date/, 'Date attendue (AAAA-MM-JJ).'],
  [/^not a real date$/, 'Cette date n’existe pas.'],
  [/^expected a French postcode/, 'Code postal français attendu (5 chiffres).'],
  [/^expected a French phone number/, 'Numéro de téléphone français attendu, par exemple 04 79 96 86 00.'],
  [/^expected 14 digits$/, 'Le SIRET compte 14 chiffres.'],
  [/^checksum does not match/, 'Ce SIRET n’est pas valide : vérifiez les chiffres.'],
  [/^expected an e-mail address$/, 'Adresse e-mail attendue.'],
  [/^already used$/, 'Déjà utilisé.'],
  [/^Invalid option/, 'Choisissez une valeur de la liste.'],
  [/^Too big/, 'Valeur trop longue ou trop grande.'],
  [/^Too small/, 'Valeur trop courte ou trop petite.'],
  [/^Invalid input: expected number/, 'Nombre attendu.'],
  [/^erased before .* was dispatched/, 'L’effacement est daté d’avant le départ de l’appareil chez le reconditionneur : vérifiez la date de l’attestation.'],
  [/^erased after the delivery was received/, 'L’effacement est daté d’après la réception, or le reconditionneur efface avant de livrer : vérifiez la date de l’attestation et la date de réception.'],
  [/^before the shipment was dispatched \((\d{4}-\d{2}-\d{2})\)/, (m) => `L’expédition n’est partie que le ${day(m[1])} : la date de réception ne peut pas être antérieure.`],
  [/^before (\S+) was dispatched \((\d{4}-\d{2}-\d{2})\)/, (m) => `${m[1]} n’est parti que le ${day(m[2])} : la date de réception ne peut pas être antérieure.`],
  [/^before .* was dispatched/, 'Ces appareils sont partis après cette date : vérifiez la date de réception.'],
  [/^before (\S+) was received by the reconditioner \((\d{4}-\d{2}-\d{2})\)/, (m) => `${m[1]} n’a été reçu par le reconditionneur que le ${day(m[2])} : la date ne peut pas être antérieure.`],
  [/^after (\S+) was delivered back \((\d{4}-\d{2}-\d{2})\)/, (m) => `${m[1]} a déjà été rendu reconditionné le ${day(m[2])} : la réception ne peut pas être postérieure.`],
  [/^before (\S+): it came into the programme on (\d{4}-\d{2}-\d{2})/, (m) => `${m[1]} n’est entré dans le programme que le ${day(m[2])} : la date ne peut pas être antérieure.`],
  [/^before (\S+): it last came back from a home on (\d{4}-\d{2}-\d{2})/, (m) => `${m[1]} n’est revenu de chez l’emprunteur que le ${day(m[2])} : la date ne peut pas être antérieure.`],
  [/^must not be in the future|^after today$/, 'Cette date est dans le futur.'],
  [/^before it came into the programme on (\d{4}-\d{2}-\d{2})/, (m) => `L’appareil n’est entré dans le programme que le ${day(m[1])} : la date ne peut pas être antérieure.`],
  [/^before it last came back from a home on (\d{4}-\d{2}-\d{2})/, (m) => `L’appareil n’est revenu de chez l’emprunteur que le ${day(m[1])} : la date ne peut pas être antérieure.`],
  [/^before the kit was ready: (\S+) on (\d{4}-\d{2}-\d{2})/, (m) => `${m[1]} n’est prêt que depuis le ${day(m[2])} : la date ne peut pas être antérieure.`],
  [/^before the training was completed on (\d{4}-\d{2}-\d{2})/, (m) => `La personne n’a terminé sa formation que le ${day(m[1])} : l’installation ne peut pas avoir eu lieu avant.`],
  [/^Invalid ISO datetime/, 'Date et heure attendues.'],
  [/^must be between (\S+) and (\S+)$/, (m) => `Choisissez entre ${day(m[1])} et ${day(m[2])}.`],
  [/^expected a month YYYY-MM$/, 'Mois attendu (AAAA-MM), par exemple 2026-03.'],
  [/^after to$/, 'Le premier mois doit venir avant le dernier, ou être le même, et ne pas être à venir.'],
  [/^period too long$/, `Un rapport couvre au plus ${MAX_MONTHS} mois : rapprochez les deux mois.`],
  [/^expected 64 hexadecimal digits$/, '64 chiffres hexadécimaux attendus.'],
  [/^already in the kit$/, 'Le même appareil figure deux fois dans le kit.'],
  [/^the kind can only be corrected while the device is collected/, 'Le type ne se corrige que tant que l’appareil est collecté (ni expédié, ni reconditionné, ni installé).'],
  [/^it has an erasure record, so it cannot cross/, 'Un effacement est enregistré : l’appareil ne peut plus passer d’un type avec données (ordinateur, tablette, téléphone) à un type sans données, ni l’inverse.'],
  [/^it is in shipment .*, so it cannot cross/, 'L’appareil est dans une expédition : il ne peut plus passer d’un type avec données (ordinateur, tablette, téléphone) à un type sans données, ni l’inverse.'],
];

export function frenchField(message: string): string {
  for (const [pattern, french] of FIELD_MESSAGES) {
    const match = pattern.exec(message);
    if (match) return typeof french === 'string' ? french : french(match);
  }
  return 'Valeur invalide.';
}

const STATUS_FR: Record<string, string> = {
  collected: 'collecté',
  shipped: 'expédié',
  ready: 'prêt',
  reserved: 'réservé',
  installed: 'installé',
  returned: 'retourné',
  scrapped: 'mis au rebut',
};
export const statusLabel = (status: string) => STATUS_FR[status] ?? status;

/**
 * A device's status as people should read it: a shipped unit keeps the `shipped` status until it
 * is delivered back (the lifecycle has no other), but one the reconditioner reported missing did
 * not arrive, and one whose receipt it confirmed (`received`, known where the page reads the
 * shipment) is with it, so each says so.
 */
const MISSING_FR = 'manquant à la réception';
const RECEIVED_FR = 'chez le reconditionneur';
export function deviceStatusLabel(device: { status: string; missingSince?: string | null; missing?: boolean; received?: boolean }): string {
  if (device.status !== 'shipped') return statusLabel(device.status);
  if (device.missingSince || device.missing) return MISSING_FR;
  return device.received ? RECEIVED_FR : statusLabel(device.status);
}

/** "à" or "de" before a party's name in a sentence: "au Repair Café", "à TRIRA", "de la Régie". */
function withPreposition(preposition: 'à' | 'de', name: string): string {
  const contracted = preposition === 'à' ? { le: 'au', les: 'aux' } : { le: 'du', les: 'des' };
  const match = /^(le|les) (.*)$/i.exec(name);
  return match ? `${contracted[match[1].toLowerCase() as 'le' | 'les']} ${match[2]}` : `${preposition} ${name}`;
}

/** What happened to a device, in French: the event itself, not the status it left behind. */
export function eventLabel(type: string, details?: Record<string, unknown> | null): string {
  const reconditioner = inSentence(programmeIdentity().reconditioner);
  switch (type) {
    case 'intake': return 'Collecté';
    case 'update': return 'Description modifiée';
    case 'dispatch': return `Expédié ${withPreposition('à', reconditioner)}`;
    case 'deliver': return `Reçu ${withPreposition('de', reconditioner)}`;
    case 'recondition': return 'Reconditionné';
    case 'schedule': return 'Réservé pour une installation';
    case 'cancel': return 'Réservation annulée';
    case 'complete': return 'Installé';
    case 'return': return 'Retourné';
    case 'scrap': return 'Mis au rebut';
    case 'erasure': return details?.result === 'failed' ? 'Effacement échoué' : details?.result === 'passed' ? 'Effacement réussi' : 'Effacement des données';
    case 'missing': return 'Manquant à la réception';
    case 'received': return `Reçu par ${reconditioner}`;
    default: return type;
  }
}

/**
 * How a page dates an event: the day it happened (`occurredOn`, as the reports count), and the
 * day it was typed only when that is another day (data typed late), for a discreet "saisi le".
 */
export function eventDates(event: { at: string; occurredOn: string }): { on: string; recordedOn: string | null } {
  const recorded = dayInParis(new Date(event.at));
  return { on: day(event.occurredOn), recordedOn: recorded === event.occurredOn ? null : day(recorded) };
}

/** A service's refusal, said in French. */
export function frenchDetail(error: ProblemError): string {
  const extra = error.extra as { currentStatus?: string; assetTag?: string };
  const text = error.message;
  if (error.status === 404) return 'Introuvable : vérifiez le lien ou le code.';
  // The web's own 429s (src/web/plugin.ts) are written in French.
  if (error.status === 429) return text;
  if (error.status === 412) return 'Cet appareil a été modifié entre-temps par quelqu’un d’autre.';
  if (/already registered as (\S+) \((\w+)\)/.test(text)) {
    const [, tag, status] = /already registered as (\S+) \((\w+)\)/.exec(text)!;
    return `Ce numéro de série est déjà enregistré : ${tag} (${statusLabel(status)}).`;
  }
  const upcoming = /session is on (\d{4}-\d{2}-\d{2}), after today/.exec(text);
  if (upcoming) return `Séance à venir (le ${upcoming[1].split('-').reverse().join('/')}) : la présence se pointe le jour même.`;
  if (/appears twice/.test(text)) return 'Un numéro de série apparaît deux fois.';
  const credited = (error.extra as { latestCreditedOn?: string }).latestCreditedOn;
  if (credited) return `Des crédits ont déjà été acquis le ${credited.split('-').reverse().join('/')} : les nouvelles conditions peuvent prendre effet au plus tôt le lendemain.`;
  if (/^Cannot scrap/.test(text) && (error.extra as { missing?: string }).missing === 'erasure') {
    return 'Mise au rebut impossible : cet appareil contient des données et aucun effacement Purge ou Destroy réussi n’est enregistré.';
  }
  const packed = (error.extra as { shipmentReference?: string }).shipmentReference;
  if (/^Cannot scrap/.test(text) && packed) return `Mise au rebut impossible : l’appareil est dans l’expédition ${packed}, pas encore partie. Retirez-le d’abord de l’expédition.`;
  if ((error.extra as { kindLocked?: boolean }).kindLocked) return 'Le type de l’appareil ne peut plus être modifié.';
  if (/^Cannot recondition/.test(text)) return 'Reconditionnement impossible : il faut d’abord un effacement des données valable.';
  if (extra.currentStatus) return `Action impossible : l’appareil ${extra.assetTag ?? ''} est ${statusLabel(extra.currentStatus)}.`.replace('  ', ' ');
  const uncollected = /dispatched before its devices were collected: (\S+) collected on (\d{4}-\d{2}-\d{2})/.exec(text);
  if (uncollected) return `Expédition impossible à cette date : ${uncollected[1]} n’a été collecté que le ${uncollected[2].split('-').reverse().join('/')}.`;
  if (/is empty: add devices/.test(text)) return 'L’expédition est vide : ajoutez des appareils avant de l’expédier.';
  if (/can no longer change/.test(text)) return 'Cette expédition est partie : elle ne peut plus changer.';
  if (/already exists/.test(text)) return 'Cette référence existe déjà.';
  if (/retry/.test(text)) return 'Une autre opération a eu lieu en même temps : recommencez.';
  if (error.status === 403) return 'Votre rôle ne permet pas cette action.';
  return 'La demande a été refusée.';
}

const METHOD_FR: Record<string, string> = {
  'nist-800-88-clear': 'Effacement simple (NIST Clear)',
  'nist-800-88-purge': 'Purge (NIST Purge)',
  'nist-800-88-destroy': 'Destruction (NIST Destroy)',
};
/** An erasure method (NIST SP 800-88 category) in French. */
export const erasureMethodLabel = (method: string) => METHOD_FR[method] ?? method;

export type FieldErrors = Record<string, string>;

/**
 * Whether a service's refusal is shown on the form (next to the fields it names, with what was
 * typed) rather than on the error page: a ProblemError under 500 other than 403 (a role refused
 * is the error page's business, as is a fault of ours). A 404 goes on the form only where the
 * form itself names the missing thing (a code scanned, a person chosen): `notFound: 'form'`;
 * with `'page'` the page's own subject is gone and the error page says so.
 */
export function isFormProblem(error: unknown, options: { notFound: 'form' | 'page' }): error is ProblemError {
  if (!(error instanceof ProblemError) || error.status >= 500 || error.status === 403) return false;
  return error.status !== 404 || options.notFound === 'form';
}

export function fieldErrorsOf(errors: FieldError[] | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors ?? []) {
    const key = e.path.replace(/^(body|query)\./, '');
    out[key] ??= frenchField(e.message);
  }
  return out;
}

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.');
    out[key] ??= frenchField(issue.message);
  }
  return out;
}
