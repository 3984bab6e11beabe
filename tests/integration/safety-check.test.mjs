// The safety check at the start of a session (docs/SESSIONS.md "Safety check at the start"):
// a patient (or guest) confirms where they are and an emergency contact for a room; only the
// room's owner reads it; bad input is refused with a stable code and changes nothing; the
// texts are sealed in the database and never in the log or the audit trail; erasing the
// patient removes them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { recordSensitive, request, sessionCookie, startServer, tokenOf } from '../lib/harness.mjs';

let srv;
let admin;
let therapist;
let otherTherapist;
let alice;
let bob;
let carol;
let roomId;

const LOCATION = recordSensitive('Flat 9, 4 Quillfeather Road, Marshton', 'safety location');
const CONTACT = recordSensitive('Juniper Safetycontact', 'safety contact');
const PHONE = recordSensitive('+1 (555) 010-4477', 'safety phone');
const LATER = recordSensitive('Harbour Library, Marshton', 'second location');

const confirm = (who, body, id = roomId) => request(srv, 'POST', `/api/rooms/${id}/safety`, { cookie: who?.cookie, body });
const readRoom = (who, id = roomId) => request(srv, 'GET', `/api/rooms/${id}/safety`, { cookie: who?.cookie });
const ownContact = (who) => request(srv, 'GET', '/api/account/safety-contact', { cookie: who.cookie });
const personIn = (res, id) => res.json.people.find((p) => p.user_id === id);

before(async () => {
  // No retention period, so the last test can erase a patient.
  srv = await startServer({ env: { HAVEN_RETENTION_CLINICAL_RECORD_YEARS: '0' } });
  admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'safety-therapist');
  otherTherapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'safety-other');
  alice = await invitePerson(srv, therapist.cookie, 'patient', 'safety-alice');
  bob = await invitePerson(srv, therapist.cookie, 'patient', 'safety-bob');
  carol = await invitePerson(srv, therapist.cookie, 'patient', 'safety-carol');
  const room = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [alice.id, bob.id] } });
  assert.equal(room.status, 201, room.text);
  roomId = room.json.room.id;
});

after(async () => {
  await srv?.stop();
});

test('a patient confirms where they are; the owner reads it, with "not confirmed" for the others', async () => {
  assert.deepEqual((await ownContact(alice)).json, { contact: null });
  const res = await confirm(alice, { location: `  ${LOCATION} `, contact_name: CONTACT, contact_phone: PHONE });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.safety.room_id, roomId);
  assert.equal(typeof res.json.safety.confirmed_at, 'number');
  assert.ok(!res.text.includes(LOCATION), 'the answer echoes the location');

  const read = await readRoom(therapist);
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(
    read.json.people.map((p) => p.user_id),
    [alice.id, bob.id],
  );
  const a = personIn(read, alice.id);
  assert.equal(a.display_name, alice.who.displayName);
  assert.equal(a.guest, false);
  assert.deepEqual({ ...a.safety, confirmed_at: 0 }, { location: LOCATION, contact_name: CONTACT, contact_phone: PHONE, confirmed_at: 0 });
  assert.equal(personIn(read, bob.id).safety, null);
});

test('only the owner reads a room\'s checks; only the others of the room confirm', async () => {
  for (const [who, status, code] of [
    [alice, 403, 'forbidden'], // the patient themselves
    [bob, 403, 'forbidden'], // another patient of the room
    [carol, 404, 'not_found'], // a stranger
    [otherTherapist, 404, 'not_found'],
  ]) {
    const res = await readRoom(who);
    assert.equal(res.status, status, `${who.who.displayName}: ${res.text}`);
    assert.equal(res.json.error.code, code);
    assert.ok(!res.text.includes(LOCATION));
  }
  assert.equal((await readRoom(null)).status, 401);
  assert.equal((await readRoom(therapist, 'f'.repeat(32))).status, 404);

  const body = { location: 'Somewhere else entirely', contact_name: 'Someone', contact_phone: '555 0100' };
  assert.equal((await confirm(therapist, body)).json.error.code, 'forbidden'); // the owner is not asked
  assert.equal((await confirm(carol, body)).status, 404);
  assert.equal((await confirm(otherTherapist, body)).status, 404);
  assert.equal((await confirm(null, body)).status, 401);
  const read = await readRoom(therapist);
  assert.deepEqual(read.json.people.map((p) => p.user_id), [alice.id, bob.id]);
  assert.equal(personIn(read, bob.id).safety, null);
  assert.equal(personIn(read, alice.id).safety.location, LOCATION);
});

test('bad input is refused with a stable code and changes nothing', async () => {
  const good = { location: 'A real place, Marshton', contact_name: 'A Person', contact_phone: '0161 496 0000' };
  for (const [body, code] of [
    [{ contact_name: 'A', contact_phone: '555 0100' }, 'missing_field'],
    [{ ...good, contact_phone: undefined }, 'missing_field'],
    [{ ...good, location: '' }, 'invalid_field'],
    [{ ...good, location: 'x'.repeat(201) }, 'invalid_field'],
    [{ ...good, contact_name: 'n'.repeat(101) }, 'invalid_field'],
    [{ ...good, contact_phone: '1'.repeat(41) }, 'invalid_field'],
    [{ ...good, location: '    ' }, 'invalid_field'],
    [{ ...good, location: 'Line one\nLine two' }, 'invalid_field'],
    [{ ...good, contact_name: ' \t ' }, 'invalid_field'],
    [{ ...good, contact_phone: 'call my mum' }, 'invalid_phone'],
    [{ ...good, contact_phone: '12' }, 'invalid_phone'],
    [{ ...good, location: 42 }, 'invalid_field'],
    [{ ...good, notes: 'extra' }, 'unknown_field'],
  ]) {
    const res = await confirm(bob, body);
    assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.text}`);
    assert.equal(res.json.error.code, code, JSON.stringify(body).slice(0, 80));
    assert.ok(!res.text.includes('Marshton') && !res.text.includes('my mum'), 'the error echoes input');
  }
  // 200 code points is the limit, not 200 bytes.
  const long = await confirm(bob, { ...good, location: 'é'.repeat(200) });
  assert.equal(long.status, 200, long.text);
  const read = await readRoom(therapist);
  assert.equal(personIn(read, bob.id).safety.location, 'é'.repeat(200));
  assert.equal(personIn(read, alice.id).safety.location, LOCATION);
});

test('the latest confirmation counts, and the contact is remembered for the next pre-join', async () => {
  const res = await confirm(alice, { location: LATER, contact_name: CONTACT, contact_phone: PHONE });
  assert.equal(res.status, 200, res.text);
  assert.equal(personIn(await readRoom(therapist), alice.id).safety.location, LATER);
  const own = await ownContact(alice);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.json.contact.name, CONTACT);
  assert.equal(own.json.contact.phone, PHONE);
  assert.equal(own.json.contact.location, undefined, 'the location is asked afresh, never answered back');
  assert.deepEqual((await ownContact(carol)).json, { contact: null });
  assert.equal((await request(srv, 'GET', '/api/account/safety-contact')).status, 401);
});

test('a guest of an appointment confirms too, marked as a guest for the owner', async () => {
  const appt = await request(srv, 'POST', '/api/appointments', {
    cookie: therapist.cookie,
    body: { kind: 'individual', starts_at: Math.floor(Date.now() / 1000) + 60, duration_minutes: 50, participant_ids: [carol.id] },
  });
  assert.equal(appt.status, 201, appt.text);
  const inv = await request(srv, 'POST', `/api/appointments/${appt.json.appointment.id}/guests`, { cookie: therapist.cookie, body: { display_name: 'Guest partner' } });
  assert.equal(inv.status, 201, inv.text);
  const token = recordSensitive(tokenOf(inv.json.link), 'guest token');
  const accepted = await request(srv, 'POST', '/api/guests/accept', { body: { token, code: inv.json.code } });
  assert.equal(accepted.status, 201, accepted.text);
  const guest = { cookie: sessionCookie(accepted), id: accepted.json.user.id };
  const joined = await request(srv, 'POST', `/api/appointments/${appt.json.appointment.id}/join`, { cookie: guest.cookie });
  assert.equal(joined.status, 200, joined.text);
  const room = joined.json.room_id;
  const res = await confirm(guest, { location: 'Kitchen table, Marshton', contact_name: 'Guest Contact', contact_phone: '+44 20 7946 0000' }, room);
  assert.equal(res.status, 200, res.text);
  assert.equal((await readRoom(guest, room)).status, 403);
  const read = await readRoom(therapist, room);
  const g = personIn(read, guest.id);
  assert.equal(g.guest, true);
  assert.equal(g.safety.contact_name, 'Guest Contact');
  assert.equal(personIn(read, carol.id).safety, null);
});

test('a clinician invited into the room is not listed until they confirm', async () => {
  const made = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [carol.id, otherTherapist.id] } });
  assert.equal(made.status, 201, made.text);
  const room = made.json.room.id;
  assert.deepEqual((await readRoom(therapist, room)).json.people.map((p) => [p.user_id, p.safety]), [[carol.id, null]]);
  const res = await confirm(otherTherapist, { location: 'Clinic room 2, Marshton', contact_name: 'Front Desk', contact_phone: '0161 496 0001' }, room);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual((await readRoom(therapist, room)).json.people.map((p) => p.user_id), [carol.id, otherTherapist.id]);
  assert.equal((await readRoom(otherTherapist, room)).status, 403);
});

test('sealed at rest; the audit trail and the log hold ids only', async () => {
  const files = fs.readdirSync(srv.dataDir).filter((f) => f.startsWith('haven.db'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(srv.dataDir, f));
    for (const secret of [LOCATION, LATER, CONTACT, PHONE]) {
      assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${f} holds "${secret}" in clear`);
    }
  }
  const audit = await request(srv, 'POST', '/api/audit/search', { cookie: admin.cookie, body: { action: 'call.safety' } });
  assert.equal(audit.status, 200, audit.text);
  const actions = new Set(audit.json.events.map((e) => e.action));
  assert.ok(actions.has('call.safety_confirmed') && actions.has('call.safety_read'), [...actions].join());
  assert.ok(audit.json.events.every((e) => e.subject_id.length === 32), 'audit subjects are room ids');
  assert.ok(!audit.text.includes('Marshton') && !audit.text.includes(CONTACT));
  const log = fs.readFileSync(srv.logFile, 'utf8');
  for (const secret of [LOCATION, LATER, CONTACT, PHONE, 'Marshton']) assert.ok(!log.includes(secret), `the log holds "${secret}"`);
});

test('erasing the patient removes their safety checks', async () => {
  const erased = await request(srv, 'POST', `/api/patients/${alice.id}/erase`, { cookie: admin.cookie, body: { reason: 'Patient asked to be forgotten' } });
  assert.equal(erased.status, 200, erased.text);
  const read = await readRoom(therapist);
  assert.equal(personIn(read, alice.id).safety, null);
  assert.equal(personIn(read, bob.id).safety.location, 'é'.repeat(200), 'another patient keeps theirs');
});
