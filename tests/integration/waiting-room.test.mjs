// The waiting room, enforced by the server (docs/SESSIONS.md "Waiting room"): nobody enters
// a call before the host; the host sees who waits, writes to them, admits, denies, admits
// several at once, locks the room and sends someone back; an admission outlives a reload and
// a server restart; every refusal has a stable code and changes nothing.
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { request, startServer } from '../lib/harness.mjs';
import { connectSocket } from '../lib/ws-client.mjs';

let dataDir;
let srv;
let admin;
let therapist;
let alice;
let bob;
let carol;
let outsider;
let room;
const sockets = [];

before(async () => {
  // Our own data directory: the server is restarted on it.
  dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'haven-waiting-'));
  srv = await startServer({ dataDir });
  admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'wait-therapist');
  alice = await invitePerson(srv, therapist.cookie, 'patient', 'wait-alice');
  bob = await invitePerson(srv, therapist.cookie, 'patient', 'wait-bob');
  carol = await invitePerson(srv, therapist.cookie, 'patient', 'wait-carol');
  outsider = await invitePerson(srv, therapist.cookie, 'patient', 'wait-outsider');
  const res = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [alice.id, bob.id, carol.id] } });
  assert.equal(res.status, 201, res.text);
  room = res.json.room;
});

after(async () => {
  for (const s of sockets) await s.close().catch(() => undefined);
  await srv?.stop();
  if (dataDir) await fsp.rm(dataDir, { recursive: true, force: true });
});

async function connect(who) {
  const s = await connectSocket(srv, who.cookie);
  sockets.push(s);
  return s;
}

/**
 * The host's waiting-room view once it shows `expected` ([user id, tabs] pairs): room.lobby
 * comes after every change, so older ones may still be queued.
 */
async function lobby(host, expected, locked) {
  for (;;) {
    const m = await host.next('room.lobby');
    const waiting = m.waiting.map((w) => [w.user_id, w.tabs]);
    if ((expected === undefined || JSON.stringify(waiting) === JSON.stringify(expected)) && (locked === undefined || m.locked === locked)) {
      return { locked: m.locked, waiting, raw: m };
    }
  }
}

let t;
let a;
let b;

test('nobody enters before the host; the host sees who waits and they see that the host came', async () => {
  a = await connect(alice);
  a.send({ type: 'room.join', room_id: room.id, id: 1 });
  const waiting = await a.next('room.waiting');
  assert.deepEqual(waiting, {
    type: 'room.waiting', room_id: room.id, host_present: false, host_name: therapist.who.displayName, id: 1,
  });
  // Waiting is not being in the call: no media, no moderation, and no one to write to yet.
  a.send({ type: 'media.publish', sdp: 'v=0', sources: {}, id: 2 });
  assert.equal((await a.next('error')).code, 'not_in_room');
  a.send({ type: 'room.lobby_message', text: 'I am here', id: 3 });
  assert.deepEqual(await a.next('error'), {
    type: 'error', code: 'host_not_here', message: 'Your therapist has not joined yet. Your message was not sent.', request_type: 'room.lobby_message', id: 3,
  });
  a.send({ type: 'room.admit', user_ids: [alice.id], id: 4 });
  assert.equal((await a.next('error')).code, 'forbidden');
  a.send({ type: 'room.join', room_id: room.id, id: 5 });
  assert.equal((await a.next('error')).code, 'already_in_room');

  t = await connect(therapist);
  t.send({ type: 'room.join', room_id: room.id });
  const joined = await t.next('room.joined');
  assert.deepEqual(joined.participants, [], 'a waiting person is not in the call');
  const first = await lobby(t);
  assert.deepEqual(first.waiting, [[alice.id, 1]]);
  assert.equal(first.locked, false);
  assert.equal(first.raw.waiting[0].display_name, alice.who.displayName);
  assert.equal(typeof first.raw.waiting[0].since, 'number');
  assert.equal((await a.next('room.waiting')).host_present, true);

  b = await connect(bob);
  b.send({ type: 'room.join', room_id: room.id });
  assert.equal((await b.next('room.waiting')).host_present, true);
  await lobby(t, [[alice.id, 1], [bob.id, 1]]);
});

test('the host and one waiting person exchange a line; nobody else sees it', async () => {
  a.send({ type: 'room.lobby_message', text: 'Running two minutes late, sorry', id: 6 });
  assert.deepEqual(await a.next('room.lobby_message_sent'), { type: 'room.lobby_message_sent', id: 6 });
  const got = await t.next('room.lobby_message');
  assert.deepEqual(got, {
    type: 'room.lobby_message', from_host: false, user_id: alice.id, display_name: alice.who.displayName, text: 'Running two minutes late, sorry',
  });
  t.send({ type: 'room.lobby_message', user_id: alice.id, text: 'No problem, take your time.', id: 7 });
  await t.next('room.lobby_message_sent');
  const reply = await a.next('room.lobby_message');
  assert.equal(reply.from_host, true);
  assert.equal(reply.text, 'No problem, take your time.');
  assert.equal(reply.display_name, therapist.who.displayName);
  await assert.rejects(b.next('room.lobby_message', 500), 'Bob saw a line meant for Alice');

  for (const [msg, code] of [
    [{ type: 'room.lobby_message', user_id: alice.id, text: '' }, 'invalid_message'],
    [{ type: 'room.lobby_message', user_id: alice.id, text: 'x'.repeat(1001) }, 'invalid_message'],
    [{ type: 'room.lobby_message', user_id: '../x', text: 'hi' }, 'invalid_message'],
    [{ type: 'room.lobby_message', user_id: carol.id, text: 'hi' }, 'participant_not_found'],
    [{ type: 'room.lobby_message', user_id: outsider.id, text: 'hi' }, 'participant_not_found'],
  ]) {
    t.send(msg);
    assert.equal((await t.next('error')).code, code, JSON.stringify(msg).slice(0, 120));
  }
  // The words are the people's: the server log never holds them.
  const log = await fsp.readFile(srv.logFile, 'utf8');
  assert.ok(!log.includes('Running two minutes late'), 'a lobby message reached the log');
});

test('the host admits one person; bad requests are refused and change nothing', async () => {
  for (const [msg, code] of [
    [{ type: 'room.admit' }, 'invalid_message'],
    [{ type: 'room.admit', user_ids: [] }, 'invalid_message'],
    [{ type: 'room.admit', user_ids: ['../etc'] }, 'invalid_message'],
    [{ type: 'room.admit', user_ids: Array.from({ length: 17 }, (_, i) => `u${i}`) }, 'invalid_message'],
    [{ type: 'room.admit', user_ids: [outsider.id] }, 'participant_not_found'],
    [{ type: 'room.admit', user_ids: [therapist.id] }, 'participant_not_found'],
    [{ type: 'room.deny', user_id: carol.id }, 'participant_not_found'],
    [{ type: 'room.deny' }, 'invalid_message'],
    [{ type: 'room.lock' }, 'invalid_message'],
    [{ type: 'room.lock', locked: 'yes' }, 'invalid_message'],
    [{ type: 'room.send_back', user_id: carol.id }, 'participant_not_found'],
  ]) {
    t.send(msg);
    assert.equal((await t.next('error')).code, code, JSON.stringify(msg).slice(0, 120));
  }
  assert.equal((await request(srv, 'GET', '/api/rooms', { cookie: carol.cookie })).json.rooms.length, 1);

  t.send({ type: 'room.admit', user_ids: [alice.id], id: 8 });
  assert.deepEqual(await t.next('room.admitted'), { type: 'room.admitted', user_ids: [alice.id], id: 8 });
  const aliceIn = await a.next('room.joined');
  assert.equal(aliceIn.participants.length, 1);
  assert.equal((await t.next('room.participant_joined')).participant.user_id, alice.id);
  await lobby(t, [[bob.id, 1]]);
  // Bob is still waiting: the call does not show him.
  assert.deepEqual(aliceIn.participants.map((p) => p.user_id), [therapist.id]);
});

test('deny sends a waiting person away; they may knock again; a locked room takes no one new', async () => {
  t.send({ type: 'room.deny', user_id: bob.id, id: 9 });
  assert.deepEqual(await t.next('room.denied'), { type: 'room.denied', user_id: bob.id, id: 9 });
  assert.deepEqual(await b.next('room.left'), { type: 'room.left', reason: 'denied' });
  await lobby(t, []);
  b.send({ type: 'room.join', room_id: room.id });
  await b.next('room.waiting');
  await lobby(t, [[bob.id, 1]]);
  // A waiting person may leave the waiting room.
  b.send({ type: 'room.leave', id: 10 });
  assert.deepEqual(await b.next('room.left'), { type: 'room.left', reason: 'left', id: 10 });
  await lobby(t, []);
  b.send({ type: 'room.join', room_id: room.id });
  await b.next('room.waiting');
  await lobby(t, [[bob.id, 1]]);

  t.send({ type: 'room.lock', locked: true, id: 11 });
  assert.deepEqual(await t.next('room.locked'), { type: 'room.locked', locked: true, id: 11 });
  await lobby(t, [[bob.id, 1]], true);
  // Carol was never admitted: locked out, with words she can act on.
  const c = await connect(carol);
  c.send({ type: 'room.join', room_id: room.id, id: 12 });
  assert.deepEqual(await c.next('error'), {
    type: 'error', code: 'room_locked', message: 'The host has locked this session. Ask them to let you in.', request_type: 'room.join', id: 12,
  });
  // Those already waiting can still be let in, all at once; an admitted person's second tab enters.
  const b2 = await connect(bob);
  b2.send({ type: 'room.join', room_id: room.id });
  assert.equal((await b2.next('error')).code, 'room_locked');
  t.send({ type: 'room.admit', user_ids: [bob.id, carol.id] });
  await t.next('room.admitted');
  await b.next('room.joined');
  const b2Again = await connect(bob);
  b2Again.send({ type: 'room.join', room_id: room.id });
  await b2Again.next('room.joined');
  await b2Again.close();
  // Carol was admitted while not waiting: she enters when she comes, lock or not.
  c.send({ type: 'room.join', room_id: room.id });
  await c.next('room.joined');
  c.send({ type: 'room.leave' });
  await c.next('room.left');
  t.send({ type: 'room.lock', locked: false });
  assert.equal((await t.next('room.locked')).locked, false);
});

test('the host sends someone back to the waiting room; they wait again until readmitted', async () => {
  t.send({ type: 'room.send_back', user_id: alice.id, id: 13 });
  assert.deepEqual(await t.next('room.sent_back'), { type: 'room.sent_back', user_id: alice.id, id: 13 });
  const back = await a.next('room.waiting');
  assert.equal(back.reason, 'sent_back');
  assert.equal(back.host_present, true);
  await b.nextWhere((m) => m.type === 'room.participant_left', 'participant_left');
  await lobby(t, [[alice.id, 1]]);
  // The admission is gone: a fresh connection waits too.
  await a.close();
  await lobby(t, []);
  a = await connect(alice);
  a.send({ type: 'room.join', room_id: room.id });
  await a.next('room.waiting');
  await lobby(t, [[alice.id, 1]]);
  t.send({ type: 'room.admit', user_ids: [alice.id] });
  await a.next('room.joined');
});

test('when the host leaves, those waiting are told and keep waiting', async () => {
  await a.close();
  a = await connect(alice);
  a.send({ type: 'room.join', room_id: room.id });
  await a.next('room.joined');
  const c = await connect(carol);
  c.send({ type: 'room.join', room_id: room.id });
  await c.next('room.joined');
  // Send Carol back so someone is waiting, then the host steps out.
  t.send({ type: 'room.send_back', user_id: carol.id });
  await c.next('room.waiting');
  t.send({ type: 'room.leave' });
  await t.next('room.left');
  const told = await c.next('room.waiting');
  assert.equal(told.host_present, false);
  // The admitted people stay in the call without the host.
  a.send({ type: 'room.leave' });
  assert.equal((await a.next('room.left')).reason, 'left');
  await c.close();
});

test('admissions and the lock outlive a server restart', async () => {
  t = await connect(therapist);
  t.send({ type: 'room.join', room_id: room.id });
  await t.next('room.joined');
  t.send({ type: 'room.lock', locked: true });
  await t.next('room.locked');
  for (const s of sockets.splice(0)) await s.close().catch(() => undefined);
  await srv.stop();
  srv = await startServer({ dataDir });
  a = await connect(alice);
  a.send({ type: 'room.join', room_id: room.id });
  const back = await a.next('room.joined');
  assert.equal(back.room_id, room.id, 'an admitted person had to wait again after a restart');
  // Still locked: the therapist unlocks; Carol (sent back) may then wait again.
  const c = await connect(carol);
  c.send({ type: 'room.join', room_id: room.id });
  assert.equal((await c.next('error')).code, 'room_locked');
  t = await connect(therapist);
  t.send({ type: 'room.join', room_id: room.id });
  await t.next('room.joined');
  assert.equal((await lobby(t)).locked, true);
  t.send({ type: 'room.lock', locked: false });
  await t.next('room.locked');
  c.send({ type: 'room.join', room_id: room.id });
  await c.next('room.waiting');
});

test('the waiting room is in the audit trail with ids only; ending the room ends the waiting', async () => {
  const ended = await request(srv, 'POST', `/api/rooms/${room.id}/end`, { cookie: therapist.cookie });
  assert.equal(ended.status, 200);
  const c = sockets[sockets.length - 1];
  assert.deepEqual(await c.nextWhere((m) => m.type === 'room.left', 'room.left'), { type: 'room.left', reason: 'ended' });
  const search = async (action) => {
    const res = await request(srv, 'POST', '/api/audit/search', { cookie: admin.cookie, body: { action } });
    assert.equal(res.status, 200, res.text);
    return res.json.events;
  };
  for (const [action, actor] of [
    ['call.waiting', alice],
    ['call.admitted', therapist],
    ['call.denied', therapist],
    ['call.sent_back', therapist],
    ['call.locked', therapist],
    ['call.unlocked', therapist],
    ['call.waiting_room_refused', alice],
  ]) {
    const events = await search(action);
    assert.ok(events.some((e) => e.actor_id === actor.id && e.subject_type === 'room' && e.subject_id === room.id), action);
  }
  assert.ok((await search('call.join_refused')).some((e) => e.actor_id === carol.id && e.outcome === 'locked'));
});

test('admitting into a full call keeps them waiting and tells the host why', async () => {
  const res = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [alice.id, bob.id] } });
  assert.equal(res.status, 201, res.text);
  const full = res.json.room;
  const host = await connect(therapist);
  host.send({ type: 'room.join', room_id: full.id });
  await host.next('room.joined');
  // Alice is admitted once; each of her 15 tabs is then a participant: 16 in the call.
  const tabs = [];
  for (let i = 0; i < 15; i++) {
    const tab = await connect(alice);
    tab.send({ type: 'room.join', room_id: full.id });
    if (i === 0) {
      await tab.next('room.waiting');
      host.send({ type: 'room.admit', user_ids: [alice.id] });
      await host.next('room.admitted');
    }
    await tab.next('room.joined');
    tabs.push(tab);
  }
  const bobTab = await connect(bob);
  bobTab.send({ type: 'room.join', room_id: full.id });
  await bobTab.next('room.waiting');
  await lobby(host, [[bob.id, 1]]);
  host.send({ type: 'room.admit', user_ids: [bob.id], id: 40 });
  const refused = await host.next('error');
  assert.equal(refused.code, 'room_full');
  assert.equal(refused.id, 40);
  // Bob is still waiting, and the host still sees him.
  await lobby(host, [[bob.id, 1]]);
  bobTab.send({ type: 'media.publish', sdp: 'v=0', sources: {}, id: 41 });
  assert.equal((await bobTab.next('error')).code, 'not_in_room');
  // Someone leaves: now he fits.
  const gone = tabs.pop();
  gone.send({ type: 'room.leave' });
  await gone.next('room.left');
  host.send({ type: 'room.admit', user_ids: [bob.id], id: 42 });
  assert.deepEqual(await host.next('room.admitted'), { type: 'room.admitted', user_ids: [bob.id], id: 42 });
  assert.equal((await bobTab.next('room.joined')).room_id, full.id);
  const ended = await request(srv, 'POST', `/api/rooms/${full.id}/end`, { cookie: therapist.cookie });
  assert.equal(ended.status, 200);
});
