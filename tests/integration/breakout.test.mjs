// Private check-ins (docs/SESSIONS.md "Private check-in"): the host moves one partner of a
// couples session into a room of their own and brings them back. The server tells the
// moved person and the host where the check-in is, tells the other partner only that one
// is running, and keeps the other partner out of the check-in's call, keys and files.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { request, startServer } from '../lib/harness.mjs';
import { connectSocket } from '../lib/ws-client.mjs';

let srv;
let therapist;
let ann; // moved into the check-in
let ben; // stays in the session
let outsider;
let room;
let checkIn;
const sockets = [];
const sock = {};

const post = (who, path, body) => request(srv, 'POST', path, { cookie: who.cookie, body });

before(async () => {
  srv = await startServer();
  const admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'breakout-therapist');
  ann = await invitePerson(srv, therapist.cookie, 'patient', 'breakout-ann');
  ben = await invitePerson(srv, therapist.cookie, 'patient', 'breakout-ben');
  outsider = await invitePerson(srv, therapist.cookie, 'patient', 'breakout-outsider');
  const res = await post(therapist, '/api/rooms', { participant_ids: [ann.id, ben.id] });
  assert.equal(res.status, 201, res.text);
  room = res.json.room;
});

after(async () => {
  for (const s of sockets) await s.close().catch(() => undefined);
  await srv?.stop();
});

async function connect(who) {
  const s = await connectSocket(srv, who.cookie);
  sockets.push(s);
  return s;
}

test('the session runs: the therapist and both partners are in the call', async () => {
  sock.t = await connect(therapist);
  sock.t.send({ type: 'room.join', room_id: room.id });
  await sock.t.next('room.joined');
  for (const [key, who] of [['ann', ann], ['ben', ben]]) {
    sock[key] = await connect(who);
    sock[key].send({ type: 'room.join', room_id: room.id });
    await sock[key].next('room.waiting');
    sock.t.send({ type: 'room.admit', user_ids: [who.id] });
    await sock[key].next('room.joined');
  }
});

test('refusals change nothing: not the host, not a person of the session, the host themselves', async () => {
  const path = `/api/rooms/${room.id}/breakout`;
  assert.equal((await post(ann, path, { user_ids: [ben.id] })).status, 403);
  assert.equal((await post(outsider, path, { user_ids: [ann.id] })).status, 404);
  for (const ids of [[outsider.id], [therapist.id], [ann.id, ann.id], ['f'.repeat(32)]]) {
    const res = await post(therapist, path, { user_ids: ids });
    assert.deepEqual([res.status, res.json.error.code], [400, 'participant_not_found'], JSON.stringify(ids));
  }
  for (const body of [{}, { user_ids: [] }, { user_ids: 'ann' }]) {
    assert.equal((await post(therapist, path, body)).status, 400, JSON.stringify(body));
  }
  await assert.rejects(sock.ben.next('room.breakout', 300), 'a refused check-in was announced');
});

test('the host moves Ann into a check-in: Ann and the host learn where; Ben only that one runs', async () => {
  const res = await post(therapist, `/api/rooms/${room.id}/breakout`, { user_ids: [ann.id] });
  assert.equal(res.status, 201, res.text);
  checkIn = res.json.room;
  assert.equal(checkIn.parent_id, room.id);
  assert.deepEqual(checkIn.participant_ids, [ann.id]);
  assert.deepEqual(await sock.t.next('room.breakout'), { type: 'room.breakout', running: true, room_id: checkIn.id });
  assert.deepEqual(await sock.ann.next('room.breakout'), { type: 'room.breakout', running: true, room_id: checkIn.id });
  assert.deepEqual(await sock.ben.next('room.breakout'), { type: 'room.breakout', running: true }, 'Ben learned who or where');

  // One at a time, and never one inside another.
  const again = await post(therapist, `/api/rooms/${room.id}/breakout`, { user_ids: [ben.id] });
  assert.deepEqual([again.status, again.json.error.code], [409, 'breakout_running']);
  const nested = await post(therapist, `/api/rooms/${checkIn.id}/breakout`, { user_ids: [ann.id] });
  assert.deepEqual([nested.status, nested.json.error.code], [409, 'breakout_nested']);
  // Nobody finds it in their room list: people are moved into it from their call.
  for (const who of [therapist, ann]) {
    const list = await request(srv, 'GET', '/api/rooms', { cookie: who.cookie });
    assert.deepEqual(list.json.rooms.map((r) => r.id), [room.id]);
  }
});

test('Ann and the host enter the check-in without waiting; Ben cannot enter it or read its keys', async () => {
  const moved = {};
  for (const [key, who] of [['t', therapist], ['ann', ann]]) {
    moved[key] = await connect(who);
    moved[key].send({ type: 'room.join', room_id: checkIn.id });
    assert.deepEqual(await moved[key].next('room.breakout'), { type: 'room.breakout', running: true, parent_room_id: room.id });
    await moved[key].next('room.joined');
  }
  sock.checkIn = moved;
  const b = await connect(ben);
  b.send({ type: 'room.join', room_id: checkIn.id, id: 7 });
  const refused = await b.next('error');
  assert.equal(refused.id, 7);
  assert.notEqual(refused.code, undefined);
  assert.equal((await request(srv, 'GET', `/api/rooms/${checkIn.id}/devices`, { cookie: ben.cookie })).status, 404);
  assert.equal((await post(ben, `/api/rooms/${checkIn.id}/key-packages/claim`, { user_id: ann.id })).status, 404);

  // Someone (re)joining the session while it runs learns only that one is running.
  const again = await connect(ben);
  again.send({ type: 'room.join', room_id: room.id });
  assert.deepEqual(await again.next('room.breakout'), { type: 'room.breakout', running: true });
  await again.close();
});

test('ending the check-in brings everyone back; the session goes on', async () => {
  const res = await post(therapist, `/api/rooms/${checkIn.id}/end`);
  assert.equal(res.status, 200, res.text);
  for (const key of ['t', 'ann']) {
    assert.deepEqual(await sock.checkIn[key].next('room.breakout'), {
      type: 'room.breakout', running: false, room_id: checkIn.id, parent_room_id: room.id,
    });
    assert.equal((await sock.checkIn[key].next('room.left')).reason, 'ended');
  }
  assert.deepEqual(await sock.ben.next('room.breakout'), { type: 'room.breakout', running: false });
  // Ann goes back into the session without waiting (she was admitted before).
  const back = await connect(ann);
  back.send({ type: 'room.join', room_id: room.id });
  await back.next('room.joined');
  await assert.rejects(back.next('room.breakout', 300), 'a finished check-in was announced');
});

test('ending the session ends a check-in running in it, without sending anyone back', async () => {
  const res = await post(therapist, `/api/rooms/${room.id}/breakout`, { user_ids: [ben.id] });
  assert.equal(res.status, 201, res.text);
  const second = res.json.room;
  const b = await connect(ben);
  b.send({ type: 'room.join', room_id: second.id });
  await b.next('room.joined');
  assert.equal((await post(therapist, `/api/rooms/${room.id}/end`)).status, 200);
  const left = await b.nextWhere((m) => m.type === 'room.left' || (m.type === 'room.breakout' && m.running === false), 'end');
  assert.deepEqual(left, { type: 'room.left', reason: 'ended' }, 'the check-in sent Ben back into an ended session');
  const after = await request(srv, 'GET', '/api/rooms', { cookie: ben.cookie });
  assert.deepEqual(after.json.rooms, []);
  const audit = await request(srv, 'GET', `/api/rooms/${second.id}/attendance`, { cookie: therapist.cookie });
  assert.equal(audit.status, 200, 'the check-in keeps its attendance');
  assert.ok(audit.json.people.some((p) => p.user_id === ben.id));
});
