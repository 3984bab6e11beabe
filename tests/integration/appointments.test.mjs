// Appointments over the API (docs/SESSIONS.md): a therapist schedules 1:1, couples and
// group sessions for people of the practice; each person lists only their own, a patient
// never sees the other patients of a group; reschedule and cancel are the owner's; joining
// opens the session's room from 15 minutes before the start (one room however many join);
// the calendar file names nobody; bad input is refused with a stable code and changes
// nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { request, startServer } from '../lib/harness.mjs';

let srv;
let admin;
let therapist;
let alice;
let bob;
let carol;
const now = () => Math.floor(Date.now() / 1000);
const ids = {};

before(async () => {
  srv = await startServer();
  admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist');
  alice = await invitePerson(srv, therapist.cookie, 'patient', 'appt-alice');
  bob = await invitePerson(srv, therapist.cookie, 'patient', 'appt-bob');
  carol = await invitePerson(srv, therapist.cookie, 'patient', 'appt-carol');
});
after(async () => {
  await srv?.stop();
});

const schedule = (who, body) => request(srv, 'POST', '/api/appointments', { cookie: who.cookie, body });
const list = async (who) => {
  const res = await request(srv, 'GET', '/api/appointments', { cookie: who.cookie });
  assert.equal(res.status, 200, res.text);
  return res.json.appointments;
};

test('a therapist schedules 1:1, couples and group sessions; bad ones are refused and change nothing', async () => {
  const soon = await schedule(therapist, { kind: 'individual', starts_at: now() + 300, duration_minutes: 50, participant_ids: [alice.id] });
  assert.equal(soon.status, 201, soon.text);
  const a = soon.json.appointment;
  assert.match(a.id, /^[0-9a-f]{32}$/);
  assert.equal(a.kind, 'individual');
  assert.equal(a.status, 'scheduled');
  assert.equal(a.owner_id, therapist.id);
  assert.equal(a.ends_at, a.starts_at + 50 * 60);
  assert.equal(a.join_opens_at, a.starts_at - 900);
  assert.equal(a.room_id, null);
  assert.deepEqual(a.participants, [{ id: alice.id, display_name: alice.who.displayName }]);
  ids.soon = a.id;

  const couples = await schedule(therapist, { kind: 'couples', starts_at: now() + 86400, duration_minutes: 60, participant_ids: [alice.id, bob.id] });
  assert.equal(couples.status, 201, couples.text);
  ids.couples = couples.json.appointment.id;
  const group = await schedule(therapist, { kind: 'group', starts_at: now() + 2 * 86400, duration_minutes: 90, participant_ids: [alice.id, bob.id, carol.id] });
  assert.equal(group.status, 201, group.text);
  ids.group = group.json.appointment.id;

  const before = (await list(therapist)).length;
  const cases = [
    [{ kind: 'couples', starts_at: now() + 600, duration_minutes: 50, participant_ids: [alice.id] }, 'invalid_participants'],
    [{ kind: 'individual', starts_at: now() + 600, duration_minutes: 50, participant_ids: [alice.id, bob.id] }, 'invalid_participants'],
    [{ kind: 'group', starts_at: now() + 600, duration_minutes: 50, participant_ids: [alice.id] }, 'invalid_participants'],
    [{ kind: 'individual', starts_at: now() + 600, duration_minutes: 50, participant_ids: [therapist.id] }, 'invalid_participants'],
    [{ kind: 'individual', starts_at: now() + 600, duration_minutes: 50, participant_ids: ['0123456789abcdef0123456789abcdef'] }, 'invalid_participants'],
    [{ kind: 'individual', starts_at: now() - 3600, duration_minutes: 50, participant_ids: [alice.id] }, 'invalid_time'],
    [{ kind: 'individual', starts_at: now() + 400 * 86400, duration_minutes: 50, participant_ids: [alice.id] }, 'invalid_time'],
    [{ kind: 'individual', starts_at: now() + 600, duration_minutes: 5, participant_ids: [alice.id] }, 'invalid_time'],
    [{ kind: 'retreat', starts_at: now() + 600, duration_minutes: 50, participant_ids: [alice.id] }, 'invalid_kind'],
    [{ kind: 'individual', starts_at: 'soon', duration_minutes: 50, participant_ids: [alice.id] }, 'invalid_field'],
    [{ kind: 'individual', starts_at: now() + 600, participant_ids: [alice.id] }, 'missing_field'],
  ];
  for (const [body, code] of cases) {
    const res = await schedule(therapist, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.json.error.code, code, JSON.stringify(body));
  }
  assert.equal((await list(therapist)).length, before, 'a refused appointment was stored');
  assert.equal((await schedule(alice, { kind: 'individual', starts_at: now() + 600, duration_minutes: 50, participant_ids: [bob.id] })).status, 403);
});

test('each person lists only their own; a patient sees the therapist, never the other patients', async () => {
  const mine = await list(therapist);
  assert.deepEqual(mine.map((a) => a.id), [ids.soon, ids.couples, ids.group]);
  assert.deepEqual(mine[2].participant_ids, [alice.id, bob.id, carol.id]);

  const bobs = await list(bob);
  assert.deepEqual(bobs.map((a) => a.id), [ids.couples, ids.group]);
  for (const a of bobs) {
    assert.deepEqual(a.participant_ids, [bob.id]);
    assert.deepEqual(a.participants, [{ id: bob.id, display_name: bob.who.displayName }]);
    assert.equal(a.owner_name, therapist.who.displayName);
  }
  assert.deepEqual((await list(carol)).map((a) => a.id), [ids.group]);
  const res = await request(srv, 'GET', '/api/appointments', {});
  assert.equal(res.status, 401);
});

test('only the owner reschedules and cancels; cancelling is final', async () => {
  const move = (who, id, body) => request(srv, 'POST', `/api/appointments/${id}/reschedule`, { cookie: who.cookie, body });
  const later = now() + 3 * 86400;
  assert.equal((await move(bob, ids.couples, { starts_at: later, duration_minutes: 45 })).status, 403);
  assert.equal((await move(carol, ids.couples, { starts_at: later, duration_minutes: 45 })).status, 404);
  assert.equal((await move(therapist, ids.couples, { starts_at: now() - 86400, duration_minutes: 45 })).json.error.code, 'invalid_time');
  const moved = await move(therapist, ids.couples, { starts_at: later, duration_minutes: 45 });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.appointment.starts_at, later);
  assert.equal(moved.json.appointment.duration_minutes, 45);

  const cancel = (who, id) => request(srv, 'POST', `/api/appointments/${id}/cancel`, { cookie: who.cookie });
  assert.equal((await cancel(alice, ids.couples)).status, 403);
  const cancelled = await cancel(therapist, ids.couples);
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.json.appointment.status, 'cancelled');
  assert.equal((await cancel(therapist, ids.couples)).json.appointment.status, 'cancelled');
  assert.equal((await move(therapist, ids.couples, { starts_at: later, duration_minutes: 45 })).json.error.code, 'appointment_cancelled');
  const join = await request(srv, 'POST', `/api/appointments/${ids.couples}/join`, { cookie: bob.cookie });
  assert.equal(join.status, 409);
  assert.equal(join.json.error.code, 'appointment_cancelled');
  assert.equal((await list(bob)).find((a) => a.id === ids.couples).status, 'cancelled');
});

test('joining opens one room for the session from 15 minutes before; too early is refused', async () => {
  const join = (who, id) => request(srv, 'POST', `/api/appointments/${id}/join`, { cookie: who.cookie });
  const patient = await join(alice, ids.soon);
  assert.equal(patient.status, 200, patient.text);
  const host = await join(therapist, ids.soon);
  assert.equal(host.json.room_id, patient.json.room_id, 'two rooms for one session');
  assert.equal((await join(bob, ids.soon)).status, 404);
  const rooms = await request(srv, 'GET', '/api/rooms', { cookie: alice.cookie });
  const room = rooms.json.rooms.find((r) => r.id === patient.json.room_id);
  assert.ok(room, 'the session room is not among the patient’s rooms');
  assert.equal(room.owner_id, therapist.id);
  assert.deepEqual(room.participant_ids, [alice.id]);

  const early = await join(carol, ids.group);
  assert.equal(early.status, 409);
  assert.equal(early.json.error.code, 'too_early');
  assert.match(early.json.error.message, /15 minutes before/);

  // Once the therapist ends the call, the session is over.
  const ended = await request(srv, 'POST', `/api/rooms/${patient.json.room_id}/end`, { cookie: therapist.cookie });
  assert.equal(ended.status, 200, ended.text);
  const after = await join(alice, ids.soon);
  assert.equal(after.status, 409);
  assert.equal(after.json.error.code, 'appointment_over');

  // Moved to a new time, the session gets a fresh room at its next join.
  const moved = await request(srv, 'POST', `/api/appointments/${ids.soon}/reschedule`, {
    cookie: therapist.cookie,
    body: { starts_at: now() + 120, duration_minutes: 30 },
  });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.appointment.room_id, null);
  const again = await join(alice, ids.soon);
  assert.equal(again.status, 200, again.text);
  assert.notEqual(again.json.room_id, patient.json.room_id);

  // Cancelling ends the call running for it.
  const cancelled = await request(srv, 'POST', `/api/appointments/${ids.soon}/cancel`, { cookie: therapist.cookie });
  assert.equal(cancelled.status, 200, cancelled.text);
  const open = await request(srv, 'GET', '/api/rooms', { cookie: alice.cookie });
  assert.ok(!open.json.rooms.some((r) => r.id === again.json.room_id), 'the cancelled session’s room is still open');
});

test('the calendar file carries the time and nobody’s name, email or kind of session', async () => {
  const res = await request(srv, 'GET', `/api/appointments/${ids.group}/ics`, { cookie: bob.cookie });
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/calendar/);
  assert.match(res.headers['content-disposition'] ?? '', /haven-session\.ics/);
  const { text } = res;
  assert.match(text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(text, /DTSTART:\d{8}T\d{6}Z\r\n/);
  assert.match(text, /SUMMARY:Haven video session\r\n/);
  for (const person of [therapist, alice, bob, carol]) {
    assert.ok(!text.includes(person.who.displayName), 'a name in the calendar file');
    assert.ok(!text.includes(person.who.email), 'an email in the calendar file');
    assert.ok(!text.includes(person.id), 'a person id in the calendar file');
  }
  assert.ok(!/group|couples|individual/i.test(text), 'the kind of session in the calendar file');
  const stranger = await request(srv, 'GET', `/api/appointments/${ids.soon}/ics`, { cookie: carol.cookie });
  assert.equal(stranger.status, 404);
});

test('scheduling, moving and cancelling are audited with ids only', async () => {
  for (const action of ['appointment.created', 'appointment.rescheduled', 'appointment.cancelled']) {
    const res = await request(srv, 'POST', '/api/audit/search', { cookie: admin.cookie, body: { action } });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.events.some((e) => e.actor_id === therapist.id && e.subject_type === 'appointment'), action);
  }
});
