// Weekly attendance per IOP cohort (docs/SESSIONS.md "Weekly attendance per cohort"): a
// therapist schedules the cohort's group sessions, people come (or do not) through the real
// waiting room, and the report says who attended, who missed, and which sessions count for
// nobody. Only the cohort's care team reads it; bad input is refused and changes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { randomHex, recordSensitive, request, startServer } from '../lib/harness.mjs';
import { connectSocket } from '../lib/ws-client.mjs';

let srv;
let admin;
let therapist;
let otherTherapist;
let staff;
const patients = {};
let cohort;
const sessions = {};
const sockets = [];
const now = () => Math.floor(Date.now() / 1000);
let weekFrom;

const post = (who, path, body) => request(srv, 'POST', path, { cookie: who.cookie, body });
const report = (who, body = { from: weekFrom, to: weekFrom + 7 * 86400 }) =>
  post(who, `/api/cohorts/${cohort}/attendance`, body);

before(async () => {
  srv = await startServer();
  admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'iop-therapist');
  otherTherapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'iop-other');
  staff = await invitePersonWithTotp(srv, admin.cookie, 'staff', 'iop-staff');
  for (const name of ['ann', 'bob', 'cat']) patients[name] = await invitePerson(srv, therapist.cookie, 'patient', `iop-${name}`);
  const teams = await request(srv, 'GET', '/api/care-teams', { cookie: admin.cookie });
  const team = teams.json.care_teams.find((t) => t.clinicians.includes(therapist.id));
  const made = await post(admin, '/api/cohorts', { name: recordSensitive(`IOP ${randomHex(3)}`, 'cohort name'), care_team_id: team.id });
  assert.equal(made.status, 201, made.text);
  cohort = made.json.cohort.id;
  for (const p of Object.values(patients)) {
    assert.equal((await post(admin, `/api/cohorts/${cohort}/members`, { user_id: p.id, present: true })).status, 200);
  }
  // Staff of the cohort's care team read the report too.
  assert.equal((await post(admin, `/api/care-teams/${team.id}/members`, { user_id: staff.id, present: true })).status, 200);
  weekFrom = now() - 3600;
});

after(async () => {
  for (const s of sockets) await s.close().catch(() => undefined);
  await srv?.stop();
});

const everyone = () => [patients.ann.id, patients.bob.id, patients.cat.id];
const schedule = (who, body) => post(who, '/api/appointments', { kind: 'group', duration_minutes: 60, participant_ids: everyone(), ...body });

test('a group session is scheduled for a cohort; a cohort elsewhere or on another kind is refused', async () => {
  const made = await schedule(therapist, { starts_at: now(), cohort_id: cohort });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.appointment.cohort_id, cohort);
  sessions.today = made.json.appointment;
  const later = await schedule(therapist, { starts_at: now() + 2 * 86400, cohort_id: cohort });
  sessions.later = later.json.appointment;
  const cancelled = await schedule(therapist, { starts_at: now() + 86400, cohort_id: cohort });
  assert.equal((await post(therapist, `/api/appointments/${cancelled.json.appointment.id}/cancel`)).status, 200);
  sessions.cancelled = cancelled.json.appointment;
  // A session without a cohort is not part of the report.
  assert.equal((await schedule(therapist, { starts_at: now() + 3600 })).json.appointment.cohort_id, null);

  const before = (await request(srv, 'GET', '/api/appointments', { cookie: therapist.cookie })).json.appointments.length;
  const refusals = [
    [therapist, { kind: 'individual', participant_ids: [patients.ann.id], starts_at: now(), cohort_id: cohort }],
    [therapist, { starts_at: now(), cohort_id: 'f'.repeat(32) }],
  ];
  for (const [who, body] of refusals) {
    const res = await schedule(who, body);
    assert.deepEqual([res.status, res.json.error.code], [400, 'invalid_cohort'], res.text);
  }
  const another = await invitePerson(srv, otherTherapist.cookie, 'patient', 'iop-elsewhere');
  const foreign = await schedule(otherTherapist, { starts_at: now(), cohort_id: cohort, participant_ids: [another.id, (await invitePerson(srv, otherTherapist.cookie, 'patient', 'iop-elsewhere2')).id] });
  assert.deepEqual([foreign.status, foreign.json.error.code], [400, 'invalid_cohort'], 'another team’s cohort');
  const afterCount = (await request(srv, 'GET', '/api/appointments', { cookie: therapist.cookie })).json.appointments.length;
  assert.equal(afterCount, before, 'a refused session is not stored');
  // Patients do not learn which cohort a session belongs to.
  const seen = (await request(srv, 'GET', '/api/appointments', { cookie: patients.ann.cookie })).json.appointments;
  assert.ok(seen.every((a) => !('cohort_id' in a)), JSON.stringify(seen));
});

test('ann and bob come to today’s session, cat does not; the report says so', async () => {
  const opened = await post(therapist, `/api/appointments/${sessions.today.id}/join`);
  assert.equal(opened.status, 200, opened.text);
  const roomId = opened.json.room_id;
  const connect = async (who) => {
    const s = await connectSocket(srv, who.cookie);
    sockets.push(s);
    return s;
  };
  const t = await connect(therapist);
  t.send({ type: 'room.join', room_id: roomId });
  await t.next('room.joined');
  for (const name of ['ann', 'bob']) {
    const s = await connect(patients[name]);
    s.send({ type: 'room.join', room_id: roomId });
    await s.next('room.waiting');
    t.send({ type: 'room.admit', user_ids: [patients[name].id] });
    await s.next('room.joined');
  }
  await new Promise((r) => setTimeout(r, 1100)); // at least a second in the call
  assert.equal((await post(therapist, `/api/rooms/${roomId}/end`)).status, 200);

  // Leaves are written off the media thread: wait until the report has both.
  let res;
  for (let i = 0; i < 50; i++) {
    res = await report(therapist);
    assert.equal(res.status, 200, res.text);
    if (res.json.people.filter((p) => p.attended === 1).length === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const body = res.json;
  assert.equal(body.cohort.id, cohort);
  assert.deepEqual(
    body.sessions.map((s) => [s.appointment_id, s.status]),
    [[sessions.today.id, 'held'], [sessions.cancelled.id, 'cancelled'], [sessions.later.id, 'upcoming']],
  );
  const byId = Object.fromEntries(body.people.map((p) => [p.user_id, p]));
  assert.deepEqual(body.people.map((p) => p.user_id), everyone(), 'the cohort’s patients, the therapist not among them');
  for (const name of ['ann', 'bob']) {
    const p = byId[patients[name].id];
    assert.equal(p.display_name, patients[name].who.displayName);
    assert.deepEqual([p.invited, p.attended, p.missed], [2, 1, 0], JSON.stringify(p));
    assert.ok(p.seconds >= 1, JSON.stringify(p));
    assert.deepEqual(p.sessions.map((s) => s.status), ['attended', 'not_held', 'upcoming']);
  }
  const cat = byId[patients.cat.id];
  assert.deepEqual([cat.invited, cat.attended, cat.missed, cat.seconds], [2, 0, 1, 0], JSON.stringify(cat));
  assert.equal(cat.sessions[0].status, 'missed');

  // A later week has none of these sessions.
  const next = await report(therapist, { from: weekFrom + 7 * 86400, to: weekFrom + 14 * 86400 });
  assert.deepEqual(next.json.sessions, []);
  assert.ok(next.json.people.every((p) => p.invited === 0 && p.seconds === 0));
});

test('only the cohort’s care team reads the report; bad spans are refused', async () => {
  assert.equal((await report(staff)).status, 200, 'staff of the care team');
  for (const who of [admin, otherTherapist, patients.ann]) {
    const res = await report(who);
    assert.equal(res.status, 403, `${who.who?.displayName}: ${res.text}`);
  }
  const unknown = await post(therapist, `/api/cohorts/${'e'.repeat(32)}/attendance`, { from: weekFrom, to: weekFrom + 86400 });
  assert.equal(unknown.status, 404);
  for (const body of [
    { from: weekFrom, to: weekFrom },
    { from: weekFrom, to: weekFrom - 1 },
    { from: weekFrom, to: weekFrom + 9 * 86400 },
  ]) {
    const res = await report(therapist, body);
    assert.deepEqual([res.status, res.json.error.code], [400, 'invalid_range'], JSON.stringify(body));
  }
  for (const body of [{ from: weekFrom }, { from: 'monday', to: weekFrom }, {}]) {
    const res = await report(therapist, body);
    assert.equal(res.status, 400, JSON.stringify(body));
  }
  const anonymous = await request(srv, 'POST', `/api/cohorts/${cohort}/attendance`, { body: { from: weekFrom, to: weekFrom + 86400 } });
  assert.equal(anonymous.status, 401);
});
