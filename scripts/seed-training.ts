import type { Db } from '../src/db/connection.js';
import type { Actor } from '../src/modules/api-keys/service.js';
import { createBeneficiarySchema } from '../src/modules/beneficiaries/schemas.js';
import { createBeneficiary } from '../src/modules/beneficiaries/service.js';
import { saveAttendance } from '../src/modules/training/attendance.js';
import { createCycle, createPartner } from '../src/modules/training/cycles.js';
import { enrol } from '../src/modules/training/enrolments.js';
import { attendanceInputSchema, createCycleSchema, createSessionSchema, enrolSchema } from '../src/modules/training/schemas.js';
import { createSession } from '../src/modules/training/sessions.js';

const FIRST = ['Aïcha', 'Bernard', 'Chloé', 'Djamel', 'Élodie', 'Fatou', 'Gérard', 'Hélène', 'Ibrahim', 'Joëlle', 'Karim', 'Léa', 'Mamadou', 'Nadia'];
const LAST = ['Benali', 'Durand', 'Martinez', 'Haddad', 'Lefèvre', 'Diallo', 'Perrin', 'Girard', 'Traoré', 'Rousseau', 'Mansouri', 'Blanc', 'Keita', 'Bouzid'];

/**
 * A training cycle of the autumn with 14 people (one with a long name), two workshops (one
 * with a long theme) and the first one's attendance, so the attendance sheet can be printed.
 */
export async function seedTraining(db: Db, actor: Actor): Promise<string> {
  const partner = await createPartner(db, 'Médiathèque Exemple');
  const cycle = await createCycle(db, createCycleSchema.parse({
    title: 'Premiers pas numériques — automne 2026', organiserId: partner.id, place: 'Médiathèque Exemple, salle multimédia',
    capacity: 16, startsOn: '2026-10-06', endsOn: '2026-11-24', completionRule: { kind: 'sessions', minSessions: 2 },
  }), actor);
  const sessions = [
    await createSession(db, cycle.id, createSessionSchema.parse({ date: '2026-10-06', startTime: '14:00', endTime: '16:30', theme: 'Atelier 1 : la souris, le clavier et les fenêtres', trainer: 'Sophie Martin' })),
    await createSession(db, cycle.id, createSessionSchema.parse({
      date: '2026-10-13', startTime: '14:00', endTime: '16:30', trainer: 'Sophie Martin',
      theme: 'Atelier 2 : démarches en ligne pas à pas — ameli, CAF, impots.gouv, France Travail et prise de rendez-vous à la préfecture',
    })),
  ];
  const enrolments = [];
  for (const [i, first] of FIRST.entries()) {
    const long = i === 3;
    const person = await createBeneficiary(db, createBeneficiarySchema.parse({
      firstName: long ? 'Marie-Antoinette Geneviève' : first, lastName: long ? 'de La Tour du Pin-Chambly de La Charce' : LAST[i],
      addressLine: `${i + 2} rue de l’Exemple`, postcode: '73000', city: 'Chambéry', neighbourhood: i % 2 ? 'Bissy' : 'Le Biollay', consentRecordedOn: '2026-09-20',
    }));
    enrolments.push(await enrol(db, cycle.id, enrolSchema.parse({ beneficiaryId: person.id }), actor));
  }
  await saveAttendance(db, sessions[0].id, attendanceInputSchema.parse({
    records: enrolments.map((e, i) => ({ enrolmentId: e.id, status: i === 5 ? 'absent' : i === 9 ? 'excused' : 'present' })),
  }), actor);
  return `1 training cycle (${enrolments.length} people, ${sessions.length} workshops)`;
}
