/**
 * French wording helpers shared by every document: real plurals, dates written out and times
 * in the programme's time zone.
 */
const pluralRules = new Intl.PluralRules('fr-FR');

/** `count(2, 'appareil', 'appareils')` → `2 appareils`; French counts 0 and 1 as singular. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${pluralRules.select(n) === 'one' ? singular : plural}`;
}

/** Just the word, agreed with `n`. */
export const agree = (n: number, singular: string, plural = `${singular}s`) => (pluralRules.select(n) === 'one' ? singular : plural);

const oneDecimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A weight in kilograms as every page and document prints it, with one decimal: `0,0`, `4,5`. */
export const frKg = (kg: number) => oneDecimal.format(kg);

export const TIME_ZONE = 'Europe/Paris';

const longDate = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE });
const clock = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE });

/** `2026-11-26` or an instant → `26 novembre 2026` (the day in Paris for an instant); `1er` for the first. */
export function frLongDate(value: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  return longDate.format(date).replace(/^1 /, '1er ');
}

const monthYear = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** `2026-11-01` (any day of it) → `novembre 2026`. */
export const frMonth = (isoDate: string) => monthYear.format(new Date(`${isoDate.slice(0, 7)}-15T12:00:00Z`));

/**
 * `14:00` → `14 h 00`, with no-break spaces: a time never splits across lines, on a narrow
 * screen or in a PDF (the attendance sheet's hours).
 */
export const frTime = (t: string) => t.slice(0, 5).replace(':', '\u00a0h\u00a0');

/** An instant → `26 novembre 2026 à 15 h 10` (the time with no-break spaces, as `frTime`), in Paris time. */
export function frDateTime(iso: string): string {
  const parts = clock.formatToParts(new Date(iso));
  const hour = parts.find((p) => p.type === 'hour')!.value;
  const minute = parts.find((p) => p.type === 'minute')!.value;
  return `${frLongDate(iso)} à ${frTime(`${hour}:${minute}`)}`;
}

/**
 * "de" before a name, elided before a vowel or a mute h: `de('Amina Benali')` → `d’Amina Benali`,
 * `de('Hélène')` → `d’Hélène`, `de('Yann')` → `de Yann` (a y before a vowel is a consonant).
 */
export function de(name: string): string {
  const elides = /^(?:[aeiouàâäéèêëîïôöùûüœæ]|h[aeiouyàâäéèêëîïôöùûü]|y[^aeiouàâäéèêëîïôöùûü])/i.test(name.normalize('NFC'));
  return elides ? `d’${name}` : `de ${name}`;
}

/** Capitalises the first letter, for a name with its article at the start of a sentence. */
export const sentenceStart = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const TYPOGRAPHY_SIGNS = /[:;!?»«'°]/;

/**
 * French typography: a non-breaking space before `: ; ! ?` and `»`, after `«`, so that a line
 * never starts with the sign, and after `n°`, so that a number never leaves it; the typographic
 * apostrophe (’) after a letter. Also in what was typed (names, the programme file, an edited contract template). Applied to every text a
 * document draws or measures (see `createPdf`).
 */
export function frTypography(text: string): string {
  // Most words pdfkit measures need nothing: one test instead of four replacements.
  if (!TYPOGRAPHY_SIGNS.test(text)) return text;
  return text
    .replace(/ ([:;!?»])/g, '\u00a0$1')
    .replace(/« /g, '«\u00a0')
    .replace(/\b([nN]°) /g, '$1\u00a0')
    .replace(/(\p{L})'/gu, '$1’');
}
