// Guests (docs/SESSIONS.md "Guests"): a therapist invites a person without an account to
// one appointment; the single-use link plus a 6-digit code signs them in as a guest, who
// waits in the waiting room marked as a guest, is admitted, and can do nothing else in
// Haven. Wrong codes are counted and burn the link; a used, revoked or expired link is
// refused with a stable code and changes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { recordSensitive, request, sessionCookie, startServer, tokenOf } from '../lib/harness.mjs';
import { connectSocket } from '../lib/ws-client.mjs';

let srv;
let admin;
let therapist;
let otherTherapist;
let alice;
let appointment;
const sockets = [];
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  srv = await startServer();
  admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'guest-therapist');
  otherTherapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'guest-other');
  alice = await invitePerson(srv, therapist.cookie, 'patient', 'guest-alice');
  const res = await request(srv, 'POST', '/api/appointments', {
    cookie: therapist.cookie,
    body: { kind: 'individual', starts_at: now() + 60, duration_minutes: 50, participant_ids: [alice.id] },
  });
  assert.equal(res.status, 201, res.text);
  appointment = res.json.appointment;
});

after(async () => {
  for (const s of sockets) await s.close().catch(() => undefined);
  await srv?.stop();
});

const invite = (who, name, id = appointment.id) =>
  request(srv, 'POST', `/api/appointments/${id}/guests`, { cookie: who.cookie, body: { display_name: name } });
const accept = (token, code, cookie) => request(srv, 'POST', '/api/guests/accept', { body: { token, code }, cookie });
const listed = async () => {
  const res = await request(srv, 'GET', '/api/appointments', { cookie: therapist.cookie });
  return res.json.appointments.find((a) => a.id === appointment.id);
};

let sam;

test('the therapist invites a guest: a link with the token in its fragment and a 6-digit code', async () => {
  const res = await invite(therapist, 'Sam (partner)');
  assert.equal(res.status, 201, res.text);
  assert.match(res.json.link, /\/guest#token=[A-Za-z0-9_-]{43}$/);
  assert.match(res.json.code, /^\d{3} \d{3}$/);
  assert.equal(res.json.guest.status, 'invited');
  assert.equal(res.json.guest.expires_at, appointment.ends_at);
  recordSensitive(tokenOf(res.json.link), 'guest link token');
  sam = { id: res.json.guest.id, token: tokenOf(res.json.link), code: res.json.code };
  // The owner sees the guest on the appointment; the patient does not.
  assert.deepEqual((await listed()).guests.map((g) => [g.id, g.display_name, g.status]), [[sam.id, 'Sam (partner)', 'invited']]);
  const forAlice = await request(srv, 'GET', '/api/appointments', { cookie: alice.cookie });
  assert.equal(forAlice.json.appointments[0].guests, undefined);
});

test('only the owner invites, and bad requests change nothing', async () => {
  for (const [who, body, id, status, code] of [
    [alice, { display_name: 'X' }, appointment.id, 404, 'not_found'],
    [otherTherapist, { display_name: 'X' }, appointment.id, 404, 'not_found'],
    [therapist, { display_name: '' }, appointment.id, 400, undefined],
    [therapist, {}, appointment.id, 400, undefined],
    [therapist, { display_name: 'X' }, 'f'.repeat(32), 404, 'not_found'],
  ]) {
    const res = await request(srv, 'POST', `/api/appointments/${id}/guests`, { cookie: who.cookie, body });
    assert.equal(res.status, status, res.text);
    if (code) assert.equal(res.json.error.code, code);
  }
  const anonymous = await request(srv, 'POST', `/api/appointments/${appointment.id}/guests`, { body: { display_name: 'X' } });
  assert.equal(anonymous.status, 401);
  assert.equal((await listed()).guests.length, 1);
});

test('a wrong code is refused and counted; the right one signs the guest in once', async () => {
  const wrongCode = sam.code === '000 000' ? '111 111' : '000 000';
  const wrong = await accept(sam.token, wrongCode);
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json.error.code, 'wrong_code');
  assert.equal(sessionCookie(wrong), null);
  const malformed = await accept(sam.token, 'abc');
  assert.equal(malformed.json.error.code, 'invalid_code');
  const unknown = await accept('x'.repeat(43), sam.code);
  assert.equal(unknown.json.error.code, 'guest_link_invalid');

  const ok = await accept(sam.token, sam.code.replace(' ', '-'));
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.user.role, 'guest');
  assert.equal(ok.json.user.display_name, 'Sam (partner)');
  assert.equal(ok.json.appointment_id, appointment.id);
  sam.cookie = sessionCookie(ok);
  assert.ok(sam.cookie);
  // Single use.
  const again = await accept(sam.token, sam.code);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'guest_link_invalid');
  assert.equal((await listed()).guests[0].status, 'joined');
});

test('five wrong codes burn a link', async () => {
  const res = await invite(therapist, 'Burnt');
  const token = tokenOf(res.json.link);
  const wrongCode = res.json.code === '000 000' ? '111 111' : '000 000';
  for (let i = 0; i < 5; i++) assert.equal((await accept(token, wrongCode)).json.error.code, 'wrong_code');
  const right = await accept(token, res.json.code);
  assert.equal(right.json.error.code, 'guest_link_invalid');
  assert.equal((await listed()).guests.find((g) => g.id === res.json.guest.id).status, 'expired');
});

test('a guest sees their appointment and joins its call, and may do nothing else', async () => {
  const me = await request(srv, 'GET', '/api/me', { cookie: sam.cookie });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.role, 'guest');
  const mine = await request(srv, 'GET', '/api/appointments', { cookie: sam.cookie });
  assert.deepEqual(mine.json.appointments.map((a) => a.id), [appointment.id]);
  assert.equal(mine.json.appointments[0].owner_name, therapist.who.displayName);
  assert.deepEqual(mine.json.appointments[0].participants, [], 'a guest must not see the patient');
  for (const [method, path] of [
    ['GET', '/api/account/security'],
    ['GET', '/api/account/sessions'],
    ['POST', '/api/account/password'],
    ['POST', '/api/mfa/totp/setup'],
    ['GET', '/api/patients'],
    ['GET', '/api/cohorts'],
    ['GET', '/api/me/disclosures'],
    ['POST', '/api/rooms'],
    ['POST', '/api/appointments'],
    ['POST', '/api/invitations'],
    ['POST', `/api/appointments/${appointment.id}/guests`],
  ]) {
    const res = await request(srv, method, path, { cookie: sam.cookie, body: method === 'POST' ? {} : undefined });
    assert.equal(res.status, 403, `${method} ${path}: ${res.status}`);
    assert.equal(res.json.error.code, 'forbidden');
  }
  // Guests are never named in other rooms or appointments.
  const named = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [sam.id] } });
  assert.equal(named.status, 400);

  const joined = await request(srv, 'POST', `/api/appointments/${appointment.id}/join`, { cookie: sam.cookie });
  assert.equal(joined.status, 200, joined.text);
  const roomId = joined.json.room_id;
  const t = await connectSocket(srv, therapist.cookie);
  const g = await connectSocket(srv, sam.cookie);
  sockets.push(t, g);
  t.send({ type: 'room.join', room_id: roomId });
  await t.next('room.joined');
  g.send({ type: 'room.join', room_id: roomId });
  await g.next('room.waiting');
  let lobby;
  do lobby = await t.next('room.lobby');
  while (lobby.waiting.length === 0);
  assert.deepEqual(lobby.waiting.map((w) => [w.user_id, w.display_name, w.guest]), [[sam.id, 'Sam (partner)', true]]);
  t.send({ type: 'room.admit', user_ids: [sam.id] });
  const inCall = await g.next('room.joined');
  assert.equal(inCall.room_id, roomId);
  const seen = await t.nextWhere((m) => m.type === 'room.participant_joined', 'participant_joined');
  assert.equal(seen.participant.guest, true);
  // The room's device directory marks a guest's devices.
  const devices = await request(srv, 'GET', `/api/rooms/${roomId}/devices`, { cookie: therapist.cookie });
  assert.equal(devices.status, 200);
});

test('a guest invited after the call began may join it; taking the link back ends their access', async () => {
  const res = await invite(therapist, 'Late guest');
  const late = await accept(tokenOf(res.json.link), res.json.code);
  assert.equal(late.status, 201, late.text);
  const cookie = sessionCookie(late);
  const joined = await request(srv, 'POST', `/api/appointments/${appointment.id}/join`, { cookie });
  assert.equal(joined.status, 200, joined.text);
  // They wait in the call's waiting room when the therapist takes the link back.
  const lateSocket = await connectSocket(srv, cookie);
  sockets.push(lateSocket);
  lateSocket.send({ type: 'room.join', room_id: joined.json.room_id });
  await lateSocket.next('room.waiting');
  const closed = new Promise((resolve) => lateSocket.ws.on('close', resolve));
  const revoked = await request(srv, 'POST', `/api/guests/${res.json.guest.id}/revoke`, { cookie: therapist.cookie });
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal(revoked.json.guest.status, 'revoked');
  assert.equal((await request(srv, 'GET', '/api/me', { cookie })).status, 401);
  // The open socket is closed at the next session check (every 5 s), which takes them out
  // of the waiting room (or the call).
  const gone = await Promise.race([closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 20_000))]);
  assert.ok(gone, 'a revoked guest kept their socket');
  // Someone else's guest cannot be revoked by another therapist.
  const foreign = await request(srv, 'POST', `/api/guests/${sam.id}/revoke`, { cookie: otherTherapist.cookie });
  assert.equal(foreign.status, 404);
  // An unused link, taken back, no longer signs in.
  const unused = await invite(therapist, 'Never came');
  await request(srv, 'POST', `/api/guests/${unused.json.guest.id}/revoke`, { cookie: therapist.cookie });
  assert.equal((await accept(tokenOf(unused.json.link), unused.json.code)).json.error.code, 'guest_link_invalid');
});

test('guest links are audited with ids only', async () => {
  const search = async (action) => {
    const res = await request(srv, 'POST', '/api/audit/search', { cookie: admin.cookie, body: { action } });
    assert.equal(res.status, 200, res.text);
    return res.json.events;
  };
  assert.ok((await search('guest.invited')).some((e) => e.actor_id === therapist.id && e.subject_id === sam.id));
  assert.ok((await search('guest.signed_in')).some((e) => e.subject_id === sam.id));
  assert.ok((await search('guest.code_refused')).length >= 1);
  assert.ok((await search('guest.revoked')).length >= 1);
});
