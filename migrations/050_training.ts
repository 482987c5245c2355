import type { Kysely } from 'kysely';

/**
 * Training (issue 14): partner organisations, cycles of workshops, their sessions, who is
 * enrolled (or waiting), attendance per session, self-assessments. Completion is worked out
 * from attendance and copied to `beneficiaries.training_completed_on`, the installation gate;
 * `training_completed_source` says whether that date was typed by hand or comes from here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('training_partners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('training_cycles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('organiser_id', 'text', (c) => c.notNull().references('training_partners.id'))
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    // 'sessions': at least rule_min_sessions sessions attended; 'hours': at least rule_min_percent % of the planned hours.
    .addColumn('rule_kind', 'text', (c) => c.notNull())
    .addColumn('rule_min_sessions', 'integer')
    .addColumn('rule_min_percent', 'integer')
    .addColumn('notes', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_cycles_starts_idx').on('training_cycles').columns(['starts_on', 'id']).execute();

  // Who may record attendance for a cycle: an identity of role trainer (an API key's id today).
  await db.schema
    .createTable('training_cycle_trainers')
    .addColumn('cycle_id', 'text', (c) => c.notNull().references('training_cycles.id'))
    .addColumn('trainer_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('training_cycle_trainers_pk', ['cycle_id', 'trainer_id'])
    .execute();
  await db.schema.createIndex('training_cycle_trainers_trainer_idx').on('training_cycle_trainers').columns(['trainer_id', 'cycle_id']).execute();

  await db.schema
    .createTable('training_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cycle_id', 'text', (c) => c.notNull().references('training_cycles.id'))
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addColumn('start_time', 'text', (c) => c.notNull())
    .addColumn('end_time', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('place', 'text')
    .addColumn('theme', 'text', (c) => c.notNull())
    .addColumn('trainer', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_sessions_cycle_idx').on('training_sessions').columns(['cycle_id', 'held_on', 'start_time']).execute();
  await db.schema.createIndex('training_sessions_held_idx').on('training_sessions').columns(['held_on']).execute();

  await db.schema
    .createTable('training_enrolments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cycle_id', 'text', (c) => c.notNull().references('training_cycles.id'))
    .addColumn('beneficiary_id', 'text', (c) => c.notNull().references('beneficiaries.id'))
    // Order of application within the cycle: the waiting list is promoted in this order.
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('prescriber', 'text')
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'text')
    .addColumn('withdrawn_on', 'text')
    .addColumn('withdrawal_reason', 'text')
    .addColumn('attendance_completed_on', 'text')
    .addColumn('override_completed_on', 'text')
    .addColumn('override_reason', 'text')
    .addColumn('override_by', 'text')
    // The effective date: the override's, else the one worked out from attendance.
    .addColumn('completed_on', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('training_enrolments_person_unique', ['cycle_id', 'beneficiary_id'])
    .addUniqueConstraint('training_enrolments_seq_unique', ['cycle_id', 'seq'])
    .execute();
  await db.schema.createIndex('training_enrolments_beneficiary_idx').on('training_enrolments').columns(['beneficiary_id']).execute();
  await db.schema.createIndex('training_enrolments_completed_idx').on('training_enrolments').columns(['completed_on', 'beneficiary_id']).execute();

  await db.schema
    .createTable('training_attendance')
    .addColumn('session_id', 'text', (c) => c.notNull().references('training_sessions.id'))
    .addColumn('enrolment_id', 'text', (c) => c.notNull().references('training_enrolments.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('training_attendance_pk', ['session_id', 'enrolment_id'])
    .execute();
  await db.schema.createIndex('training_attendance_enrolment_idx').on('training_attendance').columns(['enrolment_id', 'status']).execute();

  await db.schema
    .createTable('training_evaluations')
    .addColumn('enrolment_id', 'text', (c) => c.notNull().references('training_enrolments.id'))
    .addColumn('moment', 'text', (c) => c.notNull())
    .addColumn('mouse_keyboard', 'integer', (c) => c.notNull())
    .addColumn('browsing', 'integer', (c) => c.notNull())
    .addColumn('email', 'integer', (c) => c.notNull())
    .addColumn('online_procedures', 'integer', (c) => c.notNull())
    .addColumn('online_safety', 'integer', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('training_evaluations_pk', ['enrolment_id', 'moment'])
    .execute();

  await db.schema.alterTable('beneficiaries').addColumn('training_completed_source', 'text').execute();
  // Dates typed before this module existed were typed by hand.
  await db.updateTable('beneficiaries').set({ training_completed_source: 'manual' }).where('training_completed_on', 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('beneficiaries').dropColumn('training_completed_source').execute();
  for (const table of ['training_evaluations', 'training_attendance', 'training_enrolments', 'training_sessions', 'training_cycle_trainers', 'training_cycles', 'training_partners']) {
    await db.schema.dropTable(table).execute();
  }
}
