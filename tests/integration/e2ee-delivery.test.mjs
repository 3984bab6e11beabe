// The MLS delivery service end to end (docs/E2EE.md): real MLS clients (web/src/e2ee/mls
// on ts-mls, bundled by web/vite.unit.config.ts) register devices and KeyPackages over the
// API and run a room's group over /ws through the real server. The host admits two
// patients with one commit and its Welcome, everyone reaches the same epoch, SFrame base
// key and security code, chat crosses, two commits for one epoch race and exactly one
// wins, and the server refuses what it must — while its database never holds plaintext.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { request, startServer } from '../lib/harness.mjs';
import { connectSocket } from '../lib/ws-client.mjs';
import { loadWebUnit } from '../web/web-unit.mjs';

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
const hex = (bytes) => Buffer.from(bytes).toString('hex');

let e2ee;
let srv;
let therapist;
let alice;
let bob;
let stranger;
let room;
let adminCookie;
before(async () => {
  e2ee = await loadWebUnit('e2ee');
  srv = await startServer();
  const admin = await enrollAdminWithTotp(srv);
  adminCookie = admin.cookie;
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist');
  alice = await invitePerson(srv, therapist.cookie, 'patient', 'alice');
  bob = await invitePerson(srv, therapist.cookie, 'patient', 'bob');
  stranger = await invitePerson(srv, therapist.cookie, 'patient', 'stranger');
  const res = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [alice.id, bob.id] } });
  assert.equal(res.status, 201, res.text);
  room = res.json.room;
});
after(async () => {
  await srv?.stop();
});

/** A browser device of `person`: its key registered and `count` KeyPackages uploaded. */
async function registerDevice(person, count = 3) {
  const identity = await e2ee.createDeviceIdentity();
  const reg = await request(srv, 'POST', '/api/devices', { cookie: person.cookie, body: { signature_key: b64(identity.publicKey) } });
  assert.equal(reg.status, 201, reg.text);
  const device = reg.json.device;
  const packages = await e2ee.makeKeyPackages(identity, person.id, device.id, count);
  const up = await request(srv, 'POST', `/api/devices/${device.id}/key-packages`, {
    cookie: person.cookie,
    body: { key_packages: packages.map((p) => b64(p.publicBytes)) },
  });
  assert.equal(up.status, 200, up.text);
  assert.equal(up.json.outstanding, count);
  return { person, identity, device, packages, local: { identity, userId: person.id, deviceId: device.id } };
}

async function subscribe(dev, afterSeq = 0) {
  const socket = await connectSocket(srv, dev.person.cookie);
  socket.send({ type: 'mls.subscribe', id: 1, room_id: room.id, device_id: dev.device.id, after_seq: afterSeq });
  const subscribed = await socket.next('mls.subscribed');
  assert.equal(subscribed.id, 1);
  return { socket, subscribed };
}

/** Sends and waits for the direct answer (mls.accepted / mls.created, or an error). */
let nextId = 100;
function ask(socket, msg) {
  const id = nextId++;
  socket.send({ ...msg, id, room_id: msg.room_id ?? room.id });
  return socket.nextWhere((m) => m.id === id, `answer to ${msg.type}`);
}

function claim(who, userId) {
  return request(srv, 'POST', `/api/rooms/${room.id}/key-packages/claim`, { cookie: who.cookie, body: { user_id: userId } });
}

test('devices: register, list, KeyPackages bound to the device, revoke', async () => {
  const dev = await registerDevice(alice, 2);
  const list = await request(srv, 'GET', '/api/devices', { cookie: alice.cookie });
  const mine = list.json.devices.find((d) => d.id === dev.device.id);
  assert.equal(mine.signature_key, b64(dev.identity.publicKey));
  assert.equal(mine.key_packages, 2);

  // A KeyPackage signed by another key, or naming another device, is refused; nothing is stored.
  const other = await e2ee.createDeviceIdentity();
  const foreign = await e2ee.makeKeyPackages(other, alice.id, dev.device.id, 1);
  const renamed = await e2ee.makeKeyPackages(dev.identity, alice.id, 'another-device', 1);
  for (const kp of [foreign[0], renamed[0]]) {
    const res = await request(srv, 'POST', `/api/devices/${dev.device.id}/key-packages`, { cookie: alice.cookie, body: { key_packages: [b64(kp.publicBytes)] } });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'invalid_key_package');
  }
  const bad = await request(srv, 'POST', '/api/devices', { cookie: alice.cookie, body: { signature_key: 'not base64!' } });
  assert.equal(bad.status, 400);
  // Somebody else's device looks like a missing one.
  const theirs = await request(srv, 'POST', `/api/devices/${dev.device.id}/revoke`, { cookie: bob.cookie });
  assert.equal(theirs.status, 404);
  assert.equal(theirs.json.error.code, 'device_not_found');

  const revoked = await request(srv, 'POST', `/api/devices/${dev.device.id}/revoke`, { cookie: alice.cookie });
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal(typeof revoked.json.device.revoked_at, 'number');
  assert.equal(revoked.json.device.key_packages, 0);
  const again = await request(srv, 'POST', `/api/devices/${dev.device.id}/key-packages`, { cookie: alice.cookie, body: { key_packages: [b64(dev.packages[0].publicBytes)] } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'device_revoked');
});

test('the host admits two patients into the room group; chat, racing commits, refusals, end', async () => {
  const host = await registerDevice(therapist, 1);
  const a = await registerDevice(alice);
  const b = await registerDevice(bob);
  const strangerDevice = await registerDevice(stranger, 1);

  // The host subscribes (no group yet) and creates it at epoch 0.
  const h = await subscribe(host);
  assert.equal(h.subscribed.group, null);
  assert.equal((await ask(h.socket, { type: 'mls.create' })).type, 'mls.created');
  assert.equal((await ask(h.socket, { type: 'mls.create' })).code, 'group_exists');
  const hostSession = await e2ee.GroupSession.create(new TextEncoder().encode(room.id), host.local);

  // Claims: one KeyPackage per device, single use; only the host may claim.
  const refusedClaim = await claim(alice, bob.id);
  assert.equal(refusedClaim.status, 403, refusedClaim.text);
  assert.equal((await claim(therapist, stranger.id)).json.error.code, 'not_in_room');
  const ca = await claim(therapist, alice.id);
  assert.equal(ca.status, 200, ca.text);
  const cb = await claim(therapist, bob.id);
  assert.deepEqual(ca.json.key_packages.map((k) => k.device_id), [a.device.id]);
  const devices = await request(srv, 'GET', '/api/devices', { cookie: alice.cookie });
  assert.equal(devices.json.devices.find((d) => d.id === a.device.id).key_packages, 2);

  // Alice waits subscribed; Bob comes later and catches up from the stored backlog.
  const s = await subscribe(a);
  assert.equal(s.subscribed.group.epoch, 0);
  const add = await hostSession.addMembers([ca.json.key_packages[0].key_package, cb.json.key_packages[0].key_package].map(unb64));
  // A Welcome for someone outside the room is refused; then the real one is accepted.
  const misaddressed = await ask(h.socket, { type: 'mls.commit', commit: b64(add.commit), welcome: b64(add.welcome), welcome_to: [strangerDevice.device.id] });
  assert.equal(misaddressed.code, 'invalid_recipient');
  const accepted = await ask(h.socket, { type: 'mls.commit', commit: b64(add.commit), welcome: b64(add.welcome), welcome_to: [a.device.id, b.device.id] });
  assert.equal(accepted.type, 'mls.accepted', JSON.stringify(accepted));
  assert.equal(accepted.epoch, 1);
  await hostSession.commitAccepted();

  async function joinFrom(socket, dev) {
    const seen = [];
    for (;;) {
      const m = await socket.next('mls.message');
      seen.push(`${m.seq}:${m.kind}`);
      if (m.kind !== 'welcome') continue; // commits from before our join are not ours to read
      const refs = e2ee.welcomeKeyPackageRefs(unb64(m.data));
      const kp = dev.packages.find((p) => refs.includes(p.ref));
      assert.ok(kp, 'the Welcome names one of our KeyPackages');
      return { session: await e2ee.GroupSession.joinFromWelcome(unb64(m.data), kp), seen };
    }
  }
  const aliceJoin = await joinFrom(s.socket, a);
  assert.deepEqual(aliceJoin.seen, ['1:commit', '2:welcome']);
  const aliceSession = aliceJoin.session;
  const bo = await subscribe(b);
  const bobJoin = await joinFrom(bo.socket, b);
  // Bob's backlog held the commit and his own Welcome, not Alice's.
  assert.deepEqual(bobJoin.seen, ['1:commit', '3:welcome']);
  const bobSession = bobJoin.session;

  const sessions = [hostSession, aliceSession, bobSession];
  const sameEverywhere = async () => {
    const epochs = sessions.map((x) => String(x.epoch));
    const keys = await Promise.all(sessions.map(async (x) => hex(await x.exportSFrameBaseKey())));
    const codes = (await Promise.all(sessions.map((x) => x.securityCode()))).map((c) => JSON.stringify(c));
    assert.equal(new Set(epochs).size, 1, `epochs ${epochs}`);
    assert.equal(new Set(keys).size, 1);
    assert.equal(new Set(codes).size, 1);
    return { epoch: epochs[0], key: keys[0], code: codes[0] };
  };
  const first = await sameEverywhere();
  assert.equal(first.epoch, '1');

  // Chat: Alice's message reaches the host and Bob, not herself.
  const secret = 'hello from alice ' + hex(crypto.getRandomValues(new Uint8Array(6)));
  const sent = await ask(s.socket, { type: 'mls.send', message: b64(await aliceSession.encryptApplication(new TextEncoder().encode(secret))) });
  assert.equal(sent.type, 'mls.accepted', JSON.stringify(sent));
  for (const [socket, session] of [[h.socket, hostSession], [bo.socket, bobSession]]) {
    const m = await socket.next('mls.message');
    assert.equal(m.kind, 'application');
    assert.equal(m.sender_device_id, a.device.id);
    const got = await session.processIncoming(unb64(m.data));
    assert.equal(got.kind, 'application');
    assert.equal(new TextDecoder().decode(got.plaintext), secret);
  }

  // Two commits for epoch 1: exactly one wins; the loser applies the winner and retries.
  const [hostUpdate, bobUpdate] = await Promise.all([hostSession.update(), bobSession.update()]);
  const [r1, r2] = await Promise.all([
    ask(h.socket, { type: 'mls.commit', commit: b64(hostUpdate.commit) }),
    ask(bo.socket, { type: 'mls.commit', commit: b64(bobUpdate.commit) }),
  ]);
  const outcomes = [r1, r2].map((r) => (r.type === 'mls.accepted' ? 'won' : r.code));
  assert.deepEqual(outcomes.sort(), ['epoch_conflict', 'won']);
  const [winner, loser] = r1.type === 'mls.accepted' ? [[h, hostSession], [bo, bobSession]] : [[bo, bobSession], [h, hostSession]];
  await winner[1].commitAccepted();
  await loser[1].commitRejected();
  for (const [socket, session] of [[loser[0].socket, loser[1]], [s.socket, aliceSession]]) {
    const m = await socket.next('mls.message');
    assert.equal(m.kind, 'commit');
    assert.equal((await session.processIncoming(unb64(m.data))).kind, 'commit');
  }
  const retry = await loser[1].update();
  const retried = await ask(loser[0].socket, { type: 'mls.commit', commit: b64(retry.commit) });
  assert.equal(retried.type, 'mls.accepted', JSON.stringify(retried));
  assert.equal(retried.epoch, 3);
  await loser[1].commitAccepted();
  for (const [socket, session] of [[winner[0].socket, winner[1]], [s.socket, aliceSession]]) {
    const m = await socket.next('mls.message');
    assert.equal((await session.processIncoming(unb64(m.data))).kind, 'commit');
  }
  const third = await sameEverywhere();
  assert.equal(third.epoch, '3');
  assert.notEqual(third.key, first.key);
  assert.notEqual(third.code, first.code);

  // Refusals: each with a stable code, none changing the group.
  assert.equal((await ask(s.socket, { type: 'mls.create' })).code, 'forbidden');
  assert.equal((await ask(s.socket, { type: 'mls.commit', commit: b64(add.commit) })).code, 'epoch_conflict');
  assert.equal((await ask(s.socket, { type: 'mls.commit', commit: 'AAEAAg==' })).code, 'invalid_mls_message');
  const chatAsCommit = await ask(s.socket, { type: 'mls.commit', commit: b64(await aliceSession.encryptApplication(new Uint8Array([1]))) });
  assert.equal(chatAsCommit.code, 'invalid_mls_message');
  const otherGroup = await e2ee.GroupSession.create(new TextEncoder().encode('another-room'), a.local);
  const foreign = await ask(s.socket, { type: 'mls.send', message: b64(await otherGroup.encryptApplication(new Uint8Array([1]))) });
  assert.equal(foreign.code, 'wrong_group');
  const st = await connectSocket(srv, stranger.cookie);
  st.send({ type: 'mls.subscribe', id: 7, room_id: room.id, device_id: strangerDevice.device.id });
  assert.equal((await st.next('error')).code, 'room_not_found');
  const borrowed = await connectSocket(srv, bob.cookie);
  borrowed.send({ type: 'mls.subscribe', id: 8, room_id: room.id, device_id: a.device.id });
  assert.equal((await borrowed.next('error')).code, 'device_not_found');
  borrowed.send({ type: 'mls.send', id: 9, room_id: room.id, message: 'AAEAAg==' });
  assert.equal((await borrowed.next('error')).code, 'invalid_mls_message');
  borrowed.send({ type: 'mls.create', id: 10, room_id: room.id });
  assert.equal((await borrowed.next('error')).code, 'not_subscribed');

  // The database holds ciphertext only.
  for (const file of ['haven.db', 'haven.db-wal']) {
    const p = path.join(srv.dataDir, file);
    if (fs.existsSync(p)) assert.equal(fs.readFileSync(p).includes(Buffer.from(secret)), false, file);
  }

  // Ending the room tells every subscriber and forgets the group.
  const end = await request(srv, 'POST', `/api/rooms/${room.id}/end`, { cookie: therapist.cookie });
  assert.equal(end.status, 200, end.text);
  for (const socket of [h.socket, s.socket, bo.socket]) assert.equal((await socket.next('mls.ended')).room_id, room.id);
  await Promise.all([h.socket, s.socket, bo.socket, st, borrowed].map((x) => x.close()));
});

test('a clinician listed in a room may claim KeyPackages for the host (stand-in), only for people the host let in', async () => {
  const staff = await invitePersonWithTotp(srv, adminCookie, 'staff', 'stand-in-staff');
  const made = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [staff.id, alice.id] } });
  assert.equal(made.status, 201, made.text);
  const roomId = made.json.room.id;
  const claimIn = (who, userId) => request(srv, 'POST', `/api/rooms/${roomId}/key-packages/claim`, { cookie: who.cookie, body: { user_id: userId } });
  const early = await claimIn(staff, alice.id);
  assert.deepEqual([early.status, early.json.error.code], [400, 'not_admitted'], 'a stand-in claimed for someone still waiting');
  assert.equal((await claimIn(alice, staff.id)).status, 403, 'a patient claimed');
  // The host lets Alice in; then the stand-in may add her.
  const t = await connectSocket(srv, therapist.cookie);
  t.send({ type: 'room.join', room_id: roomId });
  await t.next('room.joined');
  const a = await connectSocket(srv, alice.cookie);
  a.send({ type: 'room.join', room_id: roomId });
  await a.next('room.waiting');
  t.send({ type: 'room.admit', user_ids: [alice.id] });
  await a.next('room.joined');
  const later = await claimIn(staff, alice.id);
  assert.equal(later.status, 200, later.text);
  // The host's own devices too (the host back with a new browser).
  assert.equal((await claimIn(staff, therapist.id)).status, 200);
  await Promise.all([t.close(), a.close()]);
});
