// Who may see which patient: care teams, the MFA requirement, break-glass, tenants of one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdmin, newIdentity, recordSensitive, request, sessionCookie, startServer, tokenOf } from '../lib/harness.mjs';
import { totp, totpStep } from '../lib/totp.mjs';

let srv;
const people = {};
before(async () => {
  srv = await startServer();
  people.admin = await enrollAdmin(srv);
});
after(async () => {
  await srv?.stop();
});

async function member(inviter, role) {
  const who = newIdentity(role);
  const inv = await request(srv, 'POST', '/api/invitations', { cookie: inviter.cookie, body: { role, display_name: who.displayName } });
  assert.equal(inv.status, 201, inv.text);
  const token = recordSensitive(tokenOf(inv.json.link), 'invitation token');
  const res = await request(srv, 'POST', '/api/invitations/accept', { body: { token, email: who.email, password: who.password } });
  assert.equal(res.status, 201, res.text);
  const cookie = sessionCookie(res);
  recordSensitive(cookie.split('=')[1], 'session token');
  return { who, cookie, user: res.json.user };
}

async function enableTotp(person) {
  const setup = await request(srv, 'POST', '/api/mfa/totp/setup', { cookie: person.cookie, body: { password: person.who.password } });
  assert.equal(setup.status, 200, setup.text);
  recordSensitive(setup.json.secret, 'totp secret');
  const confirm = await request(srv, 'POST', '/api/mfa/totp/confirm', { cookie: person.cookie, body: { code: totp(setup.json.secret, totpStep()) } });
  assert.equal(confirm.status, 200, confirm.text);
  confirm.json.recovery_codes.forEach((c) => recordSensitive(c, 'recovery code'));
  person.cookie = sessionCookie(confirm);
  recordSensitive(person.cookie.split('=')[1], 'session token');
}

const get = (person, path) => request(srv, 'GET', path, { cookie: person.cookie });

test('a therapist sees their own patient only after enrolling MFA', async () => {
  people.a = await member(people.admin, 'therapist');
  people.b = await member(people.admin, 'therapist');
  const before = await get(people.a, '/api/patients');
  assert.equal(before.status, 403);
  assert.equal(before.json.error.code, 'mfa_required');
  await enableTotp(people.a);
  people.p = await member(people.a, 'patient');
  const list = await get(people.a, '/api/patients');
  assert.deepEqual(list.json.patients.map((p) => p.id), [people.p.user.id]);
  const record = await get(people.a, `/api/patients/${people.p.user.id}`);
  assert.equal(record.status, 200);
  assert.equal(record.json.patient.email, people.p.who.email);
  assert.equal(record.json.break_glass, false);
});

test("another therapist's patient is forbidden until break-glass, which admins can review", async () => {
  await enableTotp(people.b);
  const path = `/api/patients/${people.p.user.id}`;
  assert.equal((await get(people.b, path)).status, 403);
  assert.deepEqual((await get(people.b, '/api/patients')).json.patients, []);
  const shortReason = await request(srv, 'POST', '/api/break-glass', { cookie: people.b.cookie, body: { patient_id: people.p.user.id, reason: 'urgent' } });
  assert.equal(shortReason.status, 400, 'a reason of at least 20 characters is required');
  const reason = recordSensitive('Crisis call, primary therapist unreachable', 'break-glass reason');
  const grant = await request(srv, 'POST', '/api/break-glass', { cookie: people.b.cookie, body: { patient_id: people.p.user.id, reason } });
  assert.equal(grant.status, 201, grant.text);
  const record = await get(people.b, path);
  assert.equal(record.status, 200);
  assert.equal(record.json.break_glass, true);

  assert.equal((await get(people.admin, '/api/break-glass')).json.error.code, 'mfa_required');
  await enableTotp(people.admin);
  const review = await get(people.admin, '/api/break-glass');
  assert.equal(review.status, 200);
  assert.equal(review.json.break_glass.length, 1);
  assert.deepEqual(
    { user: review.json.break_glass[0].user_id, patient: review.json.break_glass[0].patient_id, reason: review.json.break_glass[0].reason },
    { user: people.b.user.id, patient: people.p.user.id, reason },
  );
  assert.equal((await get(people.admin, path)).status, 403, 'admins manage accounts, not records');
});

test('a patient sees only their own record; unknown ids are not found', async () => {
  assert.equal((await get(people.p, `/api/patients/${people.p.user.id}`)).status, 200);
  assert.equal((await get(people.p, '/api/patients')).status, 403);
  assert.equal((await get(people.a, `/api/patients/${people.b.user.id}`)).status, 404, 'a therapist is not a patient');
  assert.equal((await get(people.a, '/api/patients/0123456789abcdef0123456789abcdef')).status, 404);
  assert.equal((await get(people.a, '/api/patients/not..valid')).status, 404);
});

test('admins build care teams; a clinician sees the patients of their teams', async () => {
  const team = await request(srv, 'POST', '/api/care-teams', { cookie: people.admin.cookie, body: { name: 'IOP group Tuesday' } });
  assert.equal(team.status, 201, team.text);
  const id = team.json.care_team.id;
  for (const who of [people.b, people.p]) {
    const res = await request(srv, 'POST', `/api/care-teams/${id}/members`, { cookie: people.admin.cookie, body: { user_id: who.user.id, present: true } });
    assert.equal(res.status, 200, res.text);
  }
  const teams = await get(people.admin, '/api/care-teams');
  const found = teams.json.care_teams.find((t) => t.id === id);
  assert.deepEqual({ c: found.clinicians, p: found.patients }, { c: [people.b.user.id], p: [people.p.user.id] });
  assert.deepEqual((await get(people.b, '/api/patients')).json.patients.map((p) => p.id), [people.p.user.id]);
  assert.equal((await get(people.b, '/api/care-teams')).status, 403);
  const removed = await request(srv, 'POST', `/api/care-teams/${id}/members`, { cookie: people.admin.cookie, body: { user_id: people.b.user.id, present: false } });
  assert.equal(removed.status, 200);
  assert.deepEqual((await get(people.b, '/api/patients')).json.patients, []);
});
