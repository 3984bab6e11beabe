// IOP cohorts: admins group patients of a care team; the team's clinicians see the group.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdmin, newIdentity, randomHex, recordSensitive, request, sessionCookie, startServer, tokenOf } from '../lib/harness.mjs';
import { enableTotp as enableTotpOn } from '../lib/accounts.mjs';
import { totp, totpStep } from '../lib/totp.mjs';

let srv;
let elsewhere; // a second server: another practice, whose ids mean nothing here
const people = {};
const state = {};
before(async () => {
  srv = await startServer();
  people.admin = await enrollAdmin(srv);
  people.admin.user = people.admin.response.json.user;
});
after(async () => {
  await srv?.stop();
  await elsewhere?.stop();
});

async function member(server, inviter, role) {
  const who = newIdentity(role);
  const inv = await request(server, 'POST', '/api/invitations', { cookie: inviter.cookie, body: { role, display_name: who.displayName } });
  assert.equal(inv.status, 201, inv.text);
  const token = recordSensitive(tokenOf(inv.json.link), 'invitation token');
  const res = await request(server, 'POST', '/api/invitations/accept', { body: { token, email: who.email, password: who.password } });
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
const post = (person, path, body) => request(srv, 'POST', path, { cookie: person.cookie, body });
const cohortName = () => recordSensitive(`IOP evening group ${randomHex(3)}`, 'cohort name');

test('an admin creates a cohort on a therapist caseload team and adds patients', async () => {
  people.a = await member(srv, people.admin, 'therapist');
  people.b = await member(srv, people.admin, 'therapist');
  people.staff = await member(srv, people.admin, 'staff');
  // Therapists invite patients only with MFA on (the invitation names a patient).
  await enableTotp(people.a);
  await enableTotp(people.b);
  people.p = await member(srv, people.a, 'patient');
  people.q = await member(srv, people.b, 'patient');

  const teams = await get(people.admin, '/api/care-teams');
  const caseload = teams.json.care_teams.find((t) => t.clinicians.includes(people.a.user.id));
  assert.ok(caseload, 'the inviting therapist has a caseload team');
  state.team = caseload.id;

  state.name = cohortName();
  const created = await post(people.admin, '/api/cohorts', { name: state.name, care_team_id: state.team });
  assert.equal(created.status, 201, created.text);
  const { id, ...rest } = created.json.cohort;
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.deepEqual(rest, { name: state.name, care_team_id: state.team, patients: [] });
  state.cohort = id;

  const path = `/api/cohorts/${state.cohort}/members`;
  const addP = await post(people.admin, path, { user_id: people.p.user.id, present: true });
  assert.equal(addP.status, 200, addP.text);
  assert.deepEqual(addP.json.cohort.patients, [people.p.user.id]);

  // Another therapist's patient joins the cohort's care team with the cohort.
  assert.equal((await get(people.a, `/api/patients/${people.q.user.id}`)).status, 403);
  const addQ = await post(people.admin, path, { user_id: people.q.user.id, present: true });
  assert.equal(addQ.status, 200, addQ.text);
  assert.deepEqual(addQ.json.cohort.patients, [people.p.user.id, people.q.user.id]);
  assert.equal((await get(people.a, `/api/patients/${people.q.user.id}`)).status, 200);

  // Leaving the cohort keeps the care team.
  const removed = await post(people.admin, path, { user_id: people.q.user.id, present: false });
  assert.equal(removed.status, 200, removed.text);
  assert.deepEqual(removed.json.cohort.patients, [people.p.user.id]);
  assert.equal((await get(people.a, `/api/patients/${people.q.user.id}`)).status, 200);
  const team = (await get(people.admin, '/api/care-teams')).json.care_teams.find((t) => t.id === state.team);
  assert.ok(team.patients.includes(people.q.user.id));
});

test('the care team sees the cohort; others see none; MFA first; patients never', async () => {
  const therapist = await get(people.a, '/api/cohorts');
  assert.equal(therapist.status, 200, therapist.text);
  assert.deepEqual(therapist.json.cohorts, [{ id: state.cohort, name: state.name, care_team_id: state.team, patients: [people.p.user.id] }]);

  const noMfa = await get(people.staff, '/api/cohorts');
  assert.equal(noMfa.status, 403);
  assert.equal(noMfa.json.error.code, 'mfa_required');
  await enableTotp(people.staff);
  assert.deepEqual((await get(people.staff, '/api/cohorts')).json.cohorts, [], 'staff without the team');
  assert.deepEqual((await get(people.b, '/api/cohorts')).json.cohorts, [], 'therapist of another team');

  const patient = await get(people.p, '/api/cohorts');
  assert.equal(patient.status, 403);
  assert.equal(patient.json.error.code, 'forbidden');
  assert.equal((await post(people.a, '/api/cohorts', { name: 'Mine now', care_team_id: state.team })).status, 403);

  assert.equal((await get(people.admin, '/api/cohorts')).json.error.code, 'mfa_required');
  await enableTotp(people.admin);
  const admin = await get(people.admin, '/api/cohorts');
  assert.equal(admin.status, 200);
  assert.deepEqual(admin.json.cohorts.map((c) => c.id), [state.cohort]);
});

test('bad bodies are 400 and change nothing; a non-patient is not_a_patient', async () => {
  const before = (await get(people.admin, '/api/cohorts')).json;
  const bad = [
    { name: '', care_team_id: state.team },
    { name: 'x'.repeat(101), care_team_id: state.team },
    { name: 'No team' },
    { name: 'Extra', care_team_id: state.team, patients: [] },
    { name: 42, care_team_id: state.team },
  ];
  for (const body of bad) {
    const res = await post(people.admin, '/api/cohorts', body);
    assert.equal(res.status, 400, JSON.stringify(body));
  }
  const path = `/api/cohorts/${state.cohort}/members`;
  for (const body of [{ user_id: people.q.user.id }, { user_id: people.q.user.id, present: 'yes' }, { present: true }]) {
    assert.equal((await post(people.admin, path, body)).status, 400, JSON.stringify(body));
  }
  for (const who of [people.b, people.staff, people.admin]) {
    const res = await post(people.admin, path, { user_id: who.user.id, present: true });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'not_a_patient');
  }
  assert.deepEqual((await get(people.admin, '/api/cohorts')).json, before);
});

test("unknown ids and another practice's ids are not found", async () => {
  elsewhere = await startServer();
  const otherAdmin = await enrollAdmin(elsewhere);
  const otherTeam = await request(elsewhere, 'POST', '/api/care-teams', { cookie: otherAdmin.cookie, body: { name: 'Elsewhere team' } });
  assert.equal(otherTeam.status, 201, otherTeam.text);
  const otherCohort = await request(elsewhere, 'POST', '/api/cohorts', { cookie: otherAdmin.cookie, body: { name: 'Elsewhere cohort', care_team_id: otherTeam.json.care_team.id } });
  assert.equal(otherCohort.status, 201, otherCohort.text);
  const otherTherapist = await member(elsewhere, otherAdmin, 'therapist');
  ({ cookie: otherTherapist.cookie } = await enableTotpOn(elsewhere, otherTherapist.cookie, otherTherapist.who.password, 'elsewhere therapist'));
  const otherPatient = await member(elsewhere, otherTherapist, 'patient');

  const before = (await get(people.admin, '/api/cohorts')).json;
  const notFound = [
    ['/api/cohorts', { name: 'Lost', care_team_id: otherTeam.json.care_team.id }],
    ['/api/cohorts', { name: 'Lost', care_team_id: '0123456789abcdef0123456789abcdef' }],
    [`/api/cohorts/${otherCohort.json.cohort.id}/members`, { user_id: people.p.user.id, present: true }],
    ['/api/cohorts/0123456789abcdef0123456789abcdef/members', { user_id: people.p.user.id, present: true }],
    [`/api/cohorts/${state.cohort}/members`, { user_id: otherPatient.user.id, present: true }],
    [`/api/cohorts/${state.cohort}/members`, { user_id: '0123456789abcdef0123456789abcdef', present: true }],
  ];
  for (const [path, body] of notFound) {
    const res = await post(people.admin, path, body);
    assert.equal(res.status, 404, `${path} ${res.text}`);
    assert.equal(res.json.error.code, 'not_found');
  }
  assert.equal((await post(people.admin, '/api/cohorts/not..valid/members', { user_id: people.p.user.id, present: true })).status, 404);
  assert.deepEqual((await get(people.admin, '/api/cohorts')).json, before);
});
