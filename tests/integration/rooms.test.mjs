// Video rooms over the API and call signaling over /ws (docs/SIGNALING.md): who may create,
// see, join and end a room; every malformed or unauthorized call message gets a stable
// error and changes nothing. Media itself is tested in Chromium (tests/browser/call.test.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { request, startServer } from '../lib/harness.mjs';
import { connectSocket } from '../lib/ws-client.mjs';

let srv;
let admin;
let therapist;
let alice;
let bob;
let stranger;
let room;
before(async () => {
  srv = await startServer();
  admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist');
  alice = await invitePerson(srv, therapist.cookie, 'patient', 'alice');
  bob = await invitePerson(srv, therapist.cookie, 'patient', 'bob');
  stranger = await invitePerson(srv, therapist.cookie, 'patient', 'stranger');
});
after(async () => {
  await srv?.stop();
});

const connect = (cookie) => connectSocket(srv, cookie);

test('a therapist with MFA creates a room for people of the practice; bad lists are refused', async () => {
  const create = (who, body) => request(srv, 'POST', '/api/rooms', { cookie: who.cookie, body });
  const res = await create(therapist, { participant_ids: [alice.id, bob.id] });
  assert.equal(res.status, 201, res.text);
  room = res.json.room;
  assert.match(room.id, /^[0-9a-f]{32}$/);
  assert.equal(room.owner_id, therapist.id);
  assert.deepEqual(room.participant_ids, [alice.id, bob.id]);
  assert.equal(room.participant_count, 2);
  assert.equal(room.ended_at, null);
  // Someone invited sees only themselves and how many are invited, not who.
  const seenByAlice = (await request(srv, 'GET', '/api/rooms', { cookie: alice.cookie })).json.rooms.find((r) => r.id === room.id);
  assert.deepEqual(seenByAlice.participant_ids, [alice.id]);
  assert.equal(seenByAlice.participant_count, 2);

  assert.equal((await create(alice, { participant_ids: [bob.id] })).status, 403);
  for (const [ids, code] of [
    [[therapist.id], 'invalid_participants'],
    [[alice.id, alice.id], 'invalid_participants'],
    [['0123456789abcdef0123456789abcdef'], 'invalid_participants'],
    [[], 'invalid_field'],
    [Array.from({ length: 16 }, (_, i) => `id${i}`), 'invalid_field'],
    [['../etc'], 'invalid_field'],
  ]) {
    const bad = await create(therapist, { participant_ids: ids });
    assert.equal(bad.status, 400, JSON.stringify(ids));
    assert.equal(bad.json.error.code, code, JSON.stringify(ids));
  }
  const wrongType = await create(therapist, { participant_ids: 'all' });
  assert.equal(wrongType.status, 400);
});

test('each person lists only the rooms they may join', async () => {
  for (const who of [therapist, alice, bob]) {
    const res = await request(srv, 'GET', '/api/rooms', { cookie: who.cookie });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.rooms.map((r) => r.id), [room.id]);
  }
  const res = await request(srv, 'GET', '/api/rooms', { cookie: stranger.cookie });
  assert.deepEqual(res.json.rooms, []);
});

test('joining: the invited get in and see each other; strangers and bad messages get errors', async () => {
  const a = await connect(alice.cookie);
  a.send({ type: 'media.publish', sdp: 'v=0', sources: {}, id: 1 });
  assert.deepEqual(await a.next('error'), {
    type: 'error', code: 'not_in_room', message: 'You are not in a call.', request_type: 'media.publish', id: 1,
  });
  // Nobody enters before the host: Alice waits (tests/integration/waiting-room.test.mjs).
  a.send({ type: 'room.join', room_id: room.id });
  assert.equal((await a.next('room.waiting')).host_present, false);

  const t = await connect(therapist.cookie);
  t.send({ type: 'room.join', room_id: room.id });
  const tJoined = await t.next('room.joined');
  assert.deepEqual(tJoined.participants, []);
  t.send({ type: 'room.admit', user_ids: [alice.id] });
  await t.next('room.admitted');
  const joined = await a.next('room.joined');
  assert.equal(joined.room_id, room.id);
  assert.equal(joined.participants.length, 1);
  assert.equal(joined.participants[0].peer_id, tJoined.peer_id);
  const arrived = await t.next('room.participant_joined');
  assert.equal(arrived.participant.peer_id, joined.peer_id);
  assert.equal(arrived.participant.user_id, alice.id);
  assert.equal(arrived.participant.display_name, alice.who.displayName);

  // Mute state reaches the others.
  t.send({ type: 'media.mute', source: 'microphone', muted: true });
  assert.deepEqual(await a.next('room.mute'), { type: 'room.mute', peer_id: tJoined.peer_id, source: 'microphone', muted: true });

  const s = await connect(stranger.cookie);
  for (const roomId of [room.id, '0123456789abcdef0123456789abcdef']) {
    s.send({ type: 'room.join', room_id: roomId, id: 5 });
    const refused = await s.next('error');
    assert.equal(refused.code, 'room_not_found');
    assert.equal(refused.id, 5);
  }
  const cases = [
    [{ type: 'room.join', room_id: '../x' }, 'invalid_message'],
    [{ type: 'room.join' }, 'invalid_message'],
    [{ type: 'room.join', room_id: room.id, id: 'x' }, 'invalid_message'],
    [{ type: 'media.mute', source: 'speaker', muted: true }, 'invalid_message'],
    [{ type: 'media.publish', sdp: 'v=0', sources: { 0: 'hologram' } }, 'invalid_message'],
    [{ type: 'media.answer' }, 'invalid_message'],
    [{ type: 'room.teleport' }, 'unknown_type'],
    [{ type: 'room.leave' }, 'not_in_room'],
  ];
  for (const [msg, code] of cases) {
    s.send(msg);
    assert.equal((await s.next('error')).code, code, JSON.stringify(msg));
  }

  // In the room: a second join and unusable SDP are refused; the call goes on.
  a.send({ type: 'room.join', room_id: room.id });
  assert.equal((await a.next('error')).code, 'already_in_room');
  a.send({ type: 'media.publish', sdp: 'not sdp at all', sources: {} });
  assert.equal((await a.next('error')).code, 'invalid_sdp');
  a.send({ type: 'media.answer', sdp: 'v=0' });
  assert.equal((await a.next('error')).code, 'invalid_sdp');

  const metrics = await fetch(`${srv.metricsUrl}/metrics`).then((r) => r.text());
  assert.match(metrics, /^haven_sfu_participants 2$/m);
  assert.match(metrics, /^haven_sfu_dropped_packets_total\{reason="srtp_auth"\} \d+$/m);

  // Leaving tells the others; closing the socket is a leave too.
  a.send({ type: 'room.leave' });
  assert.deepEqual(await a.next('room.left'), { type: 'room.left', reason: 'left' });
  assert.equal((await t.next('room.participant_left')).peer_id, joined.peer_id);
  a.send({ type: 'room.join', room_id: room.id });
  const again = await a.next('room.joined');
  await t.next('room.participant_joined');
  await a.close();
  assert.equal((await t.next('room.participant_left')).peer_id, again.peer_id);
  await t.close();
  await s.close();
});

test('the host removes someone from the call: they are told, the others see them go, and they cannot come back until it ends', async () => {
  const a = await connect(bob.cookie);
  const b = await connect(alice.cookie);
  const t = await connect(therapist.cookie);
  // Before joining there is nothing to remove from.
  t.send({ type: 'room.remove', peer_id: 'ab12', id: 1 });
  assert.equal((await t.next('error')).code, 'not_in_room');
  t.send({ type: 'room.join', room_id: room.id });
  const tJoined = await t.next('room.joined');
  a.send({ type: 'room.join', room_id: room.id });
  await a.next('room.waiting');
  t.send({ type: 'room.admit', user_ids: [bob.id] });
  const aJoined = await a.next('room.joined');
  b.send({ type: 'room.join', room_id: room.id });
  const bJoined = await b.next('room.joined');
  // The same person from a second tab: removing them takes out both.
  const bTab = await connect(alice.cookie);
  bTab.send({ type: 'room.join', room_id: room.id });
  const bTabJoined = await bTab.next('room.joined');
  for (let i = 0; i < 3; i++) await t.next('room.participant_joined');
  await a.next('room.participant_joined');
  await a.next('room.participant_joined');

  // Asking to unmute: a prompt on that person's page only; the host's alone.
  t.send({ type: 'room.ask_unmute', peer_id: aJoined.peer_id, id: 20 });
  assert.deepEqual(await t.next('room.unmute_asked'), { type: 'room.unmute_asked', peer_id: aJoined.peer_id, id: 20 });
  assert.deepEqual(await a.next('room.unmute_request'), { type: 'room.unmute_request', source: 'microphone', from_name: therapist.who.displayName });
  for (const [msg, code] of [
    [{ type: 'room.ask_unmute' }, 'invalid_message'],
    [{ type: 'room.ask_unmute', peer_id: aJoined.peer_id, source: 'screen' }, 'invalid_message'],
    [{ type: 'room.ask_unmute', peer_id: 'ffff0000ffff0000' }, 'participant_not_found'],
    [{ type: 'room.ask_unmute', peer_id: tJoined.peer_id }, 'cannot_ask_self'],
  ]) {
    t.send(msg);
    assert.equal((await t.next('error')).code, code, JSON.stringify(msg));
  }
  a.send({ type: 'room.ask_unmute', peer_id: bJoined.peer_id });
  assert.equal((await a.next('error')).code, 'forbidden');

  // Only the host: a patient of the room is told so, and nothing changes.
  a.send({ type: 'room.remove', peer_id: bJoined.peer_id, id: 2 });
  assert.deepEqual(await a.next('error'), {
    type: 'error', code: 'forbidden', message: 'Only the host can do that in this session.', request_type: 'room.remove', id: 2,
  });
  t.send({ type: 'room.remove', peer_id: 'ffff0000ffff0000', id: 3 });
  assert.equal((await t.next('error')).code, 'participant_not_found');
  t.send({ type: 'room.remove', peer_id: tJoined.peer_id, id: 4 });
  assert.equal((await t.next('error')).code, 'cannot_remove_self');

  t.send({ type: 'room.remove', peer_id: bJoined.peer_id, id: 5 });
  assert.deepEqual(await t.next('room.removed'), { type: 'room.removed', peer_id: bJoined.peer_id, id: 5 });
  assert.deepEqual(await b.next('room.left'), { type: 'room.left', reason: 'removed' });
  assert.deepEqual(await bTab.next('room.left'), { type: 'room.left', reason: 'removed' });
  const gone = new Set([(await t.next('room.participant_left')).peer_id, (await t.next('room.participant_left')).peer_id]);
  assert.deepEqual(gone, new Set([bJoined.peer_id, bTabJoined.peer_id]));
  await a.next('room.participant_left');
  // Out of the room's group, files and device keys too, until it ends.
  b.send({ type: 'mls.subscribe', room_id: room.id, device_id: 'd0000000000000000000000000000001', id: 7 });
  assert.equal((await b.next('error')).code, 'removed_from_call');
  const devices = await request(srv, 'GET', `/api/rooms/${room.id}/devices`, { cookie: alice.cookie });
  assert.equal(devices.status, 403);
  assert.equal(devices.json.error.code, 'removed_from_call');
  b.send({ type: 'room.join', room_id: room.id, id: 6 });
  assert.deepEqual(await b.next('error'), {
    type: 'error', code: 'removed_from_call', message: 'The host removed you from this call.', request_type: 'room.join', id: 6,
  });
  // A new connection is no way around it; the others stay.
  const b2 = await connect(alice.cookie);
  b2.send({ type: 'room.join', room_id: room.id });
  assert.equal((await b2.next('error')).code, 'removed_from_call');
  a.send({ type: 'room.leave' });
  assert.equal((await a.next('room.left')).reason, 'left');
  for (const c of [a, b, bTab, b2, t]) await c.close();
});

test('only the owner ends a room; everyone in it is told and nobody can join again', async () => {
  const b = await connect(bob.cookie);
  b.send({ type: 'room.join', room_id: room.id });
  await b.next('room.joined');
  const byPatient = await request(srv, 'POST', `/api/rooms/${room.id}/end`, { cookie: bob.cookie });
  assert.equal(byPatient.status, 403);
  const byStranger = await request(srv, 'POST', `/api/rooms/${room.id}/end`, { cookie: stranger.cookie });
  assert.equal(byStranger.status, 404);
  const ended = await request(srv, 'POST', `/api/rooms/${room.id}/end`, { cookie: therapist.cookie });
  assert.equal(ended.status, 200, ended.text);
  assert.equal(typeof ended.json.room.ended_at, 'number');
  assert.deepEqual(await b.next('room.left'), { type: 'room.left', reason: 'ended' });
  b.send({ type: 'room.join', room_id: room.id });
  assert.equal((await b.next('error')).code, 'room_not_found');
  const list = await request(srv, 'GET', '/api/rooms', { cookie: bob.cookie });
  assert.deepEqual(list.json.rooms, []);
  await b.close();
});

test('the owner sees who was in the call and when; the others may not', async () => {
  const get = (who) => request(srv, 'GET', `/api/rooms/${room.id}/attendance`, { cookie: who.cookie });
  // Written off the media thread: wait until every leave of the ended room is in.
  let res;
  for (let i = 0; i < 50; i++) {
    res = await get(therapist);
    assert.equal(res.status, 200, res.text);
    if (res.json.attendance.length > 0 && res.json.attendance.every((r) => r.left_at !== null)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const rows = res.json.attendance;
  const who = new Set(rows.map((r) => r.user_id));
  for (const person of [therapist, alice, bob]) assert.ok(who.has(person.id), `no attendance for ${person.id}`);
  assert.ok(!who.has(stranger.id));
  for (const r of rows) {
    assert.equal(typeof r.joined_at, 'number');
    assert.ok(r.left_at !== null && r.left_at >= r.joined_at, JSON.stringify(r));
  }
  // Alice joined three times (twice in the first call, once before being removed).
  assert.ok(rows.filter((r) => r.user_id === alice.id).length >= 3, JSON.stringify(rows));
  const alicePerson = res.json.people.find((p) => p.user_id === alice.id);
  assert.equal(alicePerson.display_name, alice.who.displayName);
  assert.ok(alicePerson.seconds >= 0);
  assert.equal((await get(alice)).status, 403);
  assert.equal((await get(stranger)).status, 404);
});

test('the owner keeps a sealed note on the session; nobody else reads it; bad input changes nothing', async () => {
  const get = (who) => request(srv, 'GET', `/api/rooms/${room.id}/note`, { cookie: who.cookie });
  const save = (who, text) => request(srv, 'POST', `/api/rooms/${room.id}/note`, { cookie: who.cookie, body: { text } });
  assert.deepEqual((await get(therapist)).json, { note: null });
  const text = 'Session went well; practise grounding twice daily. Marker 7f3e9a.';
  const saved = await save(therapist, text);
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json.note.text, text);
  assert.equal(typeof saved.json.note.updated_at, 'number');
  const tooLong = await save(therapist, 'x'.repeat(20001));
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.json.error.code, 'invalid_field');
  assert.equal((await get(therapist)).json.note.text, text, 'a refused save changed the note');
  assert.equal((await get(alice)).status, 403);
  assert.equal((await save(alice, 'mine')).status, 403);
  assert.equal((await get(stranger)).status, 404);
  assert.equal((await get(therapist)).json.note.text, text);
  // Sealed at rest: the marker is in no file of the data directory.
  for (const name of fs.readdirSync(srv.dataDir)) {
    const file = path.join(srv.dataDir, name);
    if (!fs.statSync(file).isFile()) continue;
    assert.ok(!fs.readFileSync(file).includes(Buffer.from('Marker 7f3e9a')), `the note is readable in ${name}`);
  }
  const audit = await request(srv, 'POST', '/api/audit/search', { cookie: admin.cookie, body: { action: 'session_note.read' } });
  assert.ok(audit.json.events.some((e) => e.actor_id === therapist.id && e.subject_id === room.id));
});

test('entering a call, and being refused, is in the audit trail with ids only', async () => {
  const search = async (action) => {
    const res = await request(srv, 'POST', '/api/audit/search', { cookie: admin.cookie, body: { action } });
    assert.equal(res.status, 200, res.text);
    return res.json.events;
  };
  const joins = await search('call.joined');
  assert.ok(joins.some((e) => e.actor_id === alice.id && e.subject_type === 'room' && e.subject_id === room.id && e.outcome === 'success'));
  assert.ok(joins.some((e) => e.actor_id === therapist.id));
  const refused = await search('call.join_refused');
  assert.ok(refused.some((e) => e.actor_id === stranger.id && e.subject_id === room.id && e.outcome === 'denied'));
  assert.ok((await search('call.participant_removed')).some((e) => e.actor_id === therapist.id && e.subject_id === room.id && e.outcome === 'success'));
  assert.ok((await search('call.remove_refused')).some((e) => e.actor_id === bob.id && e.subject_id === room.id && e.outcome === 'denied'));
  for (const action of ['room.created', 'room.ended']) {
    assert.ok((await search(action)).some((e) => e.actor_id === therapist.id && e.subject_id === room.id), action);
  }
});
