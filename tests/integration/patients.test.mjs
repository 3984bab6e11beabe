// Who may see which patient: care teams, the MFA requirement, break-glass, tenants of one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdmin, recordSensitive, request, startServer } from '../lib/harness.mjs';
import { enableTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';

let srv;
const people = {};
before(async () => {
  srv = await startServer();
  people.admin = await enrollAdmin(srv);
});
after(async () => {
  await srv?.stop();
});

const get = (person, path) => request(srv, 'GET', path, { cookie: person.cookie });

test('a therapist sees their own patient only after enrolling MFA', async () => {
  people.a = await invitePerson(srv, people.admin.cookie, 'therapist');
  people.b = await invitePersonWithTotp(srv, people.admin.cookie, 'therapist');
  const before = await get(people.a, '/api/patients');
  assert.equal(before.status, 403);
  assert.equal(before.json.error.code, 'mfa_required');
  people.a.cookie = (await enableTotp(srv, people.a.cookie, people.a.who.password, 'therapist')).cookie;
  people.p = await invitePerson(srv, people.a.cookie, 'patient');
  const list = await get(people.a, '/api/patients');
  assert.deepEqual(list.json.patients.map((p) => p.id), [people.p.id]);
  const record = await get(people.a, `/api/patients/${people.p.id}`);
  assert.equal(record.status, 200);
  assert.equal(record.json.patient.email, people.p.who.email);
  assert.equal(record.json.break_glass, false);
});

test("another therapist's patient is forbidden until break-glass, which admins can review", async () => {
  const path = `/api/patients/${people.p.id}`;
  assert.equal((await get(people.b, path)).status, 403);
  assert.deepEqual((await get(people.b, '/api/patients')).json.patients, []);
  const shortReason = await request(srv, 'POST', '/api/break-glass', { cookie: people.b.cookie, body: { patient_id: people.p.id, reason: 'urgent' } });
  assert.equal(shortReason.status, 400, 'a reason of at least 20 characters is required');
  const reason = recordSensitive('Crisis call, primary therapist unreachable', 'break-glass reason');
  const grant = await request(srv, 'POST', '/api/break-glass', { cookie: people.b.cookie, body: { patient_id: people.p.id, reason } });
  assert.equal(grant.status, 201, grant.text);
  const record = await get(people.b, path);
  assert.equal(record.status, 200);
  assert.equal(record.json.break_glass, true);

  assert.equal((await get(people.admin, '/api/break-glass')).json.error.code, 'mfa_required');
  people.admin.cookie = (await enableTotp(srv, people.admin.cookie, people.admin.who.password, 'admin')).cookie;
  const review = await get(people.admin, '/api/break-glass');
  assert.equal(review.status, 200);
  assert.equal(review.json.break_glass.length, 1);
  assert.deepEqual(
    { user: review.json.break_glass[0].user_id, patient: review.json.break_glass[0].patient_id, reason: review.json.break_glass[0].reason },
    { user: people.b.id, patient: people.p.id, reason },
  );
  assert.equal((await get(people.admin, path)).status, 403, 'admins manage accounts, not records');
});

test('a patient sees only their own record; unknown ids are not found', async () => {
  assert.equal((await get(people.p, `/api/patients/${people.p.id}`)).status, 200);
  assert.equal((await get(people.p, '/api/patients')).status, 403);
  assert.equal((await get(people.a, `/api/patients/${people.b.id}`)).status, 404, 'a therapist is not a patient');
  assert.equal((await get(people.a, '/api/patients/0123456789abcdef0123456789abcdef')).status, 404);
  assert.equal((await get(people.a, '/api/patients/not..valid')).status, 404);
});

test('admins build care teams; a clinician sees the patients of their teams', async () => {
  const team = await request(srv, 'POST', '/api/care-teams', { cookie: people.admin.cookie, body: { name: 'IOP group Tuesday' } });
  assert.equal(team.status, 201, team.text);
  const id = team.json.care_team.id;
  for (const who of [people.b, people.p]) {
    const res = await request(srv, 'POST', `/api/care-teams/${id}/members`, { cookie: people.admin.cookie, body: { user_id: who.id, present: true } });
    assert.equal(res.status, 200, res.text);
  }
  const teams = await get(people.admin, '/api/care-teams');
  const found = teams.json.care_teams.find((t) => t.id === id);
  assert.deepEqual({ c: found.clinicians, p: found.patients }, { c: [people.b.id], p: [people.p.id] });
  assert.deepEqual((await get(people.b, '/api/patients')).json.patients.map((p) => p.id), [people.p.id]);
  assert.equal((await get(people.b, '/api/care-teams')).status, 403);
  const removed = await request(srv, 'POST', `/api/care-teams/${id}/members`, { cookie: people.admin.cookie, body: { user_id: people.b.id, present: false } });
  assert.equal(removed.status, 200);
  assert.deepEqual((await get(people.b, '/api/patients')).json.patients, []);
});
