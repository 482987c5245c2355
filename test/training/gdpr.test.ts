import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { binaryParser, pdfText } from '../helpers/pdf.js';
import { createCycle, enrol, mark, trainees } from '../helpers/training.js';

const ctx = useTestApp();

describe('training records and the GDPR', () => {
  it('when a trainee asks for their data, then the export holds their cycles, attendance and self-assessments; anonymised, the reason they left goes and the sheet shows no name', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 2 });
    const [person, other] = await trainees(ctx, 2);
    const e = await enrol(ctx, cycle.id, person);
    await enrol(ctx, cycle.id, other);
    await mark(ctx, sessions[0].id, [{ enrolmentId: e.id, status: 'present' }]);
    await ctx.api('installer').put(`/api/v1/training/enrolments/${e.id}/evaluations/start`).send({ mouseKeyboard: 2, browsing: 1, email: 1, onlineProcedures: 1, onlineSafety: 3 });
    await ctx.api('installer').post(`/api/v1/training/enrolments/${e.id}/withdraw`).send({ withdrawnOn: '2027-03-12', reason: 'hospitalisée' });

    const exported = await ctx.api('installer').get(`/api/v1/beneficiaries/${person.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.training).toEqual([
      expect.objectContaining({
        enrolmentId: e.id,
        cycleTitle: 'Premiers pas numériques — printemps 2027',
        status: 'withdrawn',
        withdrawnOn: '2027-03-12',
        withdrawalReason: 'hospitalisée',
        attendance: [expect.objectContaining({ date: '2027-03-02', status: 'present' })],
        evaluations: [expect.objectContaining({ moment: 'start', mouseKeyboard: 2, onlineSafety: 3 })],
      }),
    ]);

    expect((await ctx.api('installer').post(`/api/v1/beneficiaries/${person.id}/anonymise`).send({})).status).toBe(200);
    const after = await ctx.api('installer').get(`/api/v1/training/enrolments/${e.id}`);
    expect(after.body).toMatchObject({ firstName: null, lastName: null, withdrawalReason: null, sessionsAttended: 1 });
    const sheet = await ctx.api('installer').get(`/api/v1/training/sessions/${sessions[0].id}/attendance-sheet.pdf`).buffer(true).parse(binaryParser);
    const text = await pdfText(sheet.body);
    expect(text).toContain('(anonymisé)');
    expect(text).toContain(other.lastName!);
    expect(text).not.toContain(person.lastName!);
  });
});
