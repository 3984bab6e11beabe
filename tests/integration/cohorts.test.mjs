// IOP cohorts: admins group patients of a care team; the team's clinicians see the group.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdmin, randomHex, recordSensitive, request, startServer } from '../lib/harness.mjs';
import { enableTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';

let srv;
let elsewhere; // a second server: another practice, whose ids mean nothing here
const people = {};
const state = {};
before(async () => {
  srv = await startServer();
  people.admin = await enrollAdmin(srv);
  people.admin.id = people.admin.response.json.user.id;
});
after(async () => {
  await srv?.stop();
  await elsewhere?.stop();
});

const get = (person, path) => request(srv, 'GET', path, { cookie: person.cookie });
const post = (person, path, body) => request(srv, 'POST', path, { cookie: person.cookie, body });
const cohortName = () => recordSensitive(`IOP evening group ${randomHex(3)}`, 'cohort name');

test('an admin creates a cohort on a therapist caseload team and adds patients', async () => {
  // Therapists invite patients only with MFA on (the invitation names a patient).
  people.a = await invitePersonWithTotp(srv, people.admin.cookie, 'therapist');
  people.b = await invitePersonWithTotp(srv, people.admin.cookie, 'therapist');
  people.staff = await invitePerson(srv, people.admin.cookie, 'staff');
  people.p = await invitePerson(srv, people.a.cookie, 'patient');
  people.q = await invitePerson(srv, people.b.cookie, 'patient');

  const teams = await get(people.admin, '/api/care-teams');
  const caseload = teams.json.care_teams.find((t) => t.clinicians.includes(people.a.id));
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
  const addP = await post(people.admin, path, { user_id: people.p.id, present: true });
  assert.equal(addP.status, 200, addP.text);
  assert.deepEqual(addP.json.cohort.patients, [people.p.id]);

  // Another therapist's patient joins the cohort's care team with the cohort.
  assert.equal((await get(people.a, `/api/patients/${people.q.id}`)).status, 403);
  const addQ = await post(people.admin, path, { user_id: people.q.id, present: true });
  assert.equal(addQ.status, 200, addQ.text);
  assert.deepEqual(addQ.json.cohort.patients, [people.p.id, people.q.id]);
  assert.equal((await get(people.a, `/api/patients/${people.q.id}`)).status, 200);

  // Leaving the cohort keeps the care team.
  const removed = await post(people.admin, path, { user_id: people.q.id, present: false });
  assert.equal(removed.status, 200, removed.text);
  assert.deepEqual(removed.json.cohort.patients, [people.p.id]);
  assert.equal((await get(people.a, `/api/patients/${people.q.id}`)).status, 200);
  const team = (await get(people.admin, '/api/care-teams')).json.care_teams.find((t) => t.id === state.team);
  assert.ok(team.patients.includes(people.q.id));
});

test('the care team sees the cohort; others see none; MFA first; patients never', async () => {
  const therapist = await get(people.a, '/api/cohorts');
  assert.equal(therapist.status, 200, therapist.text);
  assert.deepEqual(therapist.json.cohorts, [{ id: state.cohort, name: state.name, care_team_id: state.team, patients: [people.p.id] }]);

  const noMfa = await get(people.staff, '/api/cohorts');
  assert.equal(noMfa.status, 403);
  assert.equal(noMfa.json.error.code, 'mfa_required');
  people.staff.cookie = (await enableTotp(srv, people.staff.cookie, people.staff.who.password, 'staff')).cookie;
  assert.deepEqual((await get(people.staff, '/api/cohorts')).json.cohorts, [], 'staff without the team');
  assert.deepEqual((await get(people.b, '/api/cohorts')).json.cohorts, [], 'therapist of another team');

  const patient = await get(people.p, '/api/cohorts');
  assert.equal(patient.status, 403);
  assert.equal(patient.json.error.code, 'forbidden');
  assert.equal((await post(people.a, '/api/cohorts', { name: 'Mine now', care_team_id: state.team })).status, 403);

  assert.equal((await get(people.admin, '/api/cohorts')).json.error.code, 'mfa_required');
  people.admin.cookie = (await enableTotp(srv, people.admin.cookie, people.admin.who.password, 'admin')).cookie;
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
  for (const body of [{ user_id: people.q.id }, { user_id: people.q.id, present: 'yes' }, { present: true }]) {
    assert.equal((await post(people.admin, path, body)).status, 400, JSON.stringify(body));
  }
  for (const who of [people.b, people.staff, people.admin]) {
    const res = await post(people.admin, path, { user_id: who.id, present: true });
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
  const otherTherapist = await invitePersonWithTotp(elsewhere, otherAdmin.cookie, 'therapist');
  const otherPatient = await invitePerson(elsewhere, otherTherapist.cookie, 'patient');

  const before = (await get(people.admin, '/api/cohorts')).json;
  const notFound = [
    ['/api/cohorts', { name: 'Lost', care_team_id: otherTeam.json.care_team.id }],
    ['/api/cohorts', { name: 'Lost', care_team_id: '0123456789abcdef0123456789abcdef' }],
    [`/api/cohorts/${otherCohort.json.cohort.id}/members`, { user_id: people.p.id, present: true }],
    ['/api/cohorts/0123456789abcdef0123456789abcdef/members', { user_id: people.p.id, present: true }],
    [`/api/cohorts/${state.cohort}/members`, { user_id: otherPatient.id, present: true }],
    [`/api/cohorts/${state.cohort}/members`, { user_id: '0123456789abcdef0123456789abcdef', present: true }],
  ];
  for (const [path, body] of notFound) {
    const res = await post(people.admin, path, body);
    assert.equal(res.status, 404, `${path} ${res.text}`);
    assert.equal(res.json.error.code, 'not_found');
  }
  assert.equal((await post(people.admin, '/api/cohorts/not..valid/members', { user_id: people.p.id, present: true })).status, 404);
  assert.deepEqual((await get(people.admin, '/api/cohorts')).json, before);
});
