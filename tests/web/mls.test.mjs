// The browser MLS layer (web/src/e2ee/mls) driven the way the call client uses it, with
// an in-test stand-in for the delivery service: one commit per epoch, Welcomes handed
// to the joiners, application messages fanned out as bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWebUnit, toHex } from './web-unit.mjs';

const e2ee = await loadWebUnit('e2ee');
const { GroupSession, createDeviceIdentity, makeKeyPackages, keyPackageSignatureKey } = e2ee;

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const hex = (b) => toHex(b);

let deviceCounter = 0;
/** A device: identity, ids, and a directory entry. */
async function newDevice(directory, userId = `u${(++deviceCounter).toString(16).padStart(31, '0')}`) {
  const identity = await createDeviceIdentity();
  const deviceId = `d${deviceCounter.toString(16).padStart(31, '0')}`;
  directory.set(`${userId}:${deviceId}`, identity.publicKey);
  return { identity, userId, deviceId };
}

/** The directory callback the auth service consults (registered device keys). */
function lookup(directory) {
  return (userId, deviceId) => directory.get(`${userId}:${deviceId}`);
}

/** Host + two members, all joined from one add commit. */
async function threeMemberGroup() {
  const directory = new Map();
  const opts = { directory: lookup(directory) };
  const [host, bob, carol] = [await newDevice(directory), await newDevice(directory), await newDevice(directory)];
  const groupId = crypto.getRandomValues(new Uint8Array(16));
  const hostSession = await GroupSession.create(groupId, host, opts);
  // Each joiner uploaded KeyPackages; the host claims one of each from the server.
  const [bobKp] = await makeKeyPackages(bob.identity, bob.userId, bob.deviceId, 1);
  const [carolKp] = await makeKeyPackages(carol.identity, carol.userId, carol.deviceId, 1);
  const out = await hostSession.addMembers([bobKp.publicBytes, carolKp.publicBytes]);
  assert.equal(hostSession.epoch, 0n, 'creating a commit must not move the state');
  const acked = await hostSession.commitAccepted();
  assert.equal(acked.epoch, 1n);
  const refs = e2ee.welcomeKeyPackageRefs(out.welcome);
  assert.deepEqual(new Set(refs), new Set([bobKp.ref, carolKp.ref]));
  const bobSession = await GroupSession.joinFromWelcome(out.welcome, bobKp, opts);
  const carolSession = await GroupSession.joinFromWelcome(out.welcome, carolKp, opts);
  return { directory, opts, host, bob, carol, hostSession, bobSession, carolSession, groupId };
}

async function sameView(sessions) {
  const epochs = sessions.map((s) => s.epoch);
  const keys = await Promise.all(sessions.map(async (s) => hex(await s.exportSFrameBaseKey())));
  const codes = await Promise.all(sessions.map(async (s) => (await s.securityCode()).digits));
  for (let i = 1; i < sessions.length; i++) {
    assert.equal(epochs[i], epochs[0], 'epoch');
    assert.equal(keys[i], keys[0], 'SFrame base key');
    assert.equal(codes[i], codes[0], 'security code');
  }
  return { epoch: epochs[0], key: keys[0], code: codes[0] };
}

test('host adds two devices in one commit; all agree on epoch, SFrame key and security code', async () => {
  const g = await threeMemberGroup();
  const view = await sameView([g.hostSession, g.bobSession, g.carolSession]);
  assert.equal(view.epoch, 1n);
  assert.equal(view.key.length, 32, '16-byte base key');
  assert.match(view.code, /^\d{5}( \d{5}){5}$/);
  // Roster: parsed from credentials, in leaf order, with each device's registered key.
  const roster = g.bobSession.roster();
  assert.deepEqual(roster.map((e) => [e.leafIndex, e.userId, e.deviceId]), [
    [0, g.host.userId, g.host.deviceId],
    [1, g.bob.userId, g.bob.deviceId],
    [2, g.carol.userId, g.carol.deviceId],
  ]);
  assert.equal(hex(roster[1].signatureKey), hex(g.bob.identity.publicKey));
  assert.deepEqual([g.hostSession.ownLeafIndex, g.bobSession.ownLeafIndex, g.carolSession.ownLeafIndex], [0, 1, 2]);
});

test('an application message from one member is read by the others, with its sender', async () => {
  const g = await threeMemberGroup();
  const msg = await g.bobSession.encryptApplication(enc('hello from bob'));
  assert.ok(!Buffer.from(msg).includes(Buffer.from('hello from bob')), 'ciphertext hides the text');
  for (const s of [g.hostSession, g.carolSession]) {
    const r = await s.processIncoming(msg);
    assert.equal(r.kind, 'application');
    assert.equal(dec(r.plaintext), 'hello from bob');
    assert.equal(r.senderLeaf, 1);
    assert.equal(r.sender.userId, g.bob.userId);
  }
  // The same bytes again are a replay: the generation's key is gone.
  const again = await g.carolSession.processIncoming(msg);
  assert.equal(again.kind, 'error');
});

test('removal: the removed member learns it, the rest get a new key and security code', async () => {
  const g = await threeMemberGroup();
  const before = await sameView([g.hostSession, g.bobSession, g.carolSession]);
  const out = await g.hostSession.removeMembers([2]);
  assert.equal(out.newEpoch, 2n);
  const acked = await g.hostSession.commitAccepted();
  assert.deepEqual(acked.removed.map((e) => e.deviceId), [g.carol.deviceId]);

  const carolResult = await g.carolSession.processIncoming(out.commit);
  assert.equal(carolResult.kind, 'removed');
  assert.equal(g.carolSession.isActive, false);
  const bobResult = await g.bobSession.processIncoming(out.commit);
  assert.equal(bobResult.kind, 'commit');
  assert.equal(bobResult.committerLeaf, 0);
  assert.deepEqual(bobResult.removed.map((e) => e.leafIndex), [2]);

  const after = await sameView([g.hostSession, g.bobSession]);
  assert.equal(after.epoch, 2n);
  assert.notEqual(after.key, before.key);
  assert.notEqual(after.code, before.code);
  // Carol can no longer read the group.
  const secret = await g.hostSession.encryptApplication(enc('after carol left'));
  const r = await g.carolSession.processIncoming(secret);
  assert.equal(r.kind, 'error');
  assert.equal(r.code, 'not_member');
  assert.equal(dec((await g.bobSession.processIncoming(secret)).plaintext), 'after carol left');
});

test('a self-update moves the epoch and changes the SFrame key for everyone', async () => {
  const g = await threeMemberGroup();
  const before = await sameView([g.hostSession, g.bobSession, g.carolSession]);
  const out = await g.carolSession.update();
  assert.equal(g.carolSession.epoch, 1n, 'not adopted before the ack');
  // The server echoes the accepted commit back to its sender: that is the ack.
  const own = await g.carolSession.processIncoming(out.commit);
  assert.equal(own.kind, 'commit');
  assert.equal(own.own, true);
  for (const s of [g.hostSession, g.bobSession]) {
    const r = await s.processIncoming(out.commit);
    assert.equal(r.kind, 'commit');
    assert.equal(r.committerLeaf, 2);
    assert.equal(r.added.length + r.removed.length + r.keyChanged.length, 0);
  }
  const after = await sameView([g.hostSession, g.bobSession, g.carolSession]);
  assert.equal(after.epoch, 2n);
  assert.notEqual(after.key, before.key);
  assert.equal((await g.carolSession.processIncoming(out.commit)).kind, 'duplicate');
});

test('a rejected commit leaves the state usable: process the winner, then retry', async () => {
  const g = await threeMemberGroup();
  // Bob and Carol both commit in epoch 1; the server takes Bob's.
  const bobOut = await g.bobSession.update();
  const carolOut = await g.carolSession.update();
  assert.equal(bobOut.newEpoch, 2n);
  assert.equal(carolOut.newEpoch, 2n);
  // Carol keeps talking in epoch 1 while her commit is in flight.
  const early = await g.carolSession.encryptApplication(enc('while pending'));
  assert.equal(dec((await g.hostSession.processIncoming(early)).plaintext), 'while pending');

  await g.bobSession.commitAccepted();
  await g.carolSession.commitRejected();
  assert.equal(g.carolSession.hasPendingCommit, false);
  assert.equal(g.carolSession.epoch, 1n);
  for (const s of [g.hostSession, g.carolSession]) assert.equal((await s.processIncoming(bobOut.commit)).kind, 'commit');
  // The losing commit is now for an old epoch and refused by everyone.
  const stale = await g.hostSession.processIncoming(carolOut.commit);
  assert.equal(stale.kind, 'error');
  assert.equal(stale.code, 'stale_epoch');

  const retry = await g.carolSession.update();
  assert.equal(retry.newEpoch, 3n);
  await g.carolSession.commitAccepted();
  for (const s of [g.hostSession, g.bobSession]) assert.equal((await s.processIncoming(retry.commit)).kind, 'commit');
  await sameView([g.hostSession, g.bobSession, g.carolSession]);
  const m = await g.carolSession.encryptApplication(enc('after retry'));
  assert.equal(dec((await g.bobSession.processIncoming(m)).plaintext), 'after retry');
});

test('old-epoch messages read while our commit was pending still work after it is adopted', async () => {
  const g = await threeMemberGroup();
  const m1 = await g.hostSession.encryptApplication(enc('one'));
  const m2 = await g.hostSession.encryptApplication(enc('two'));
  const out = await g.carolSession.update();
  // In flight: Carol reads m1 in epoch 1, then the server accepts her commit.
  assert.equal(dec((await g.carolSession.processIncoming(m1)).plaintext), 'one');
  await g.carolSession.commitAccepted();
  assert.equal(g.carolSession.epoch, 2n);
  // m2 (epoch 1, next generation) arrives late and must still open; m1 must not replay.
  const late = await g.carolSession.processIncoming(m2);
  assert.equal(late.kind, 'application');
  assert.equal(dec(late.plaintext), 'two');
  assert.equal(late.epoch, 1n);
  assert.equal((await g.carolSession.processIncoming(m1)).kind, 'error');
  for (const s of [g.hostSession, g.bobSession]) await s.processIncoming(out.commit);
  await sameView([g.hostSession, g.bobSession, g.carolSession]);
});

test("the winner's commit arriving first voids our pending commit without an explicit reject", async () => {
  const g = await threeMemberGroup();
  const bobOut = await g.bobSession.update();
  await g.carolSession.update();
  await g.bobSession.commitAccepted();
  const r = await g.carolSession.processIncoming(bobOut.commit);
  assert.equal(r.kind, 'commit');
  assert.equal(r.droppedPendingCommit, true);
  assert.equal(g.carolSession.hasPendingCommit, false);
  await g.carolSession.commitRejected(); // the late rejection is harmless
  await g.hostSession.processIncoming(bobOut.commit);
  await sameView([g.hostSession, g.bobSession, g.carolSession]);
});

test('the auth service refuses a KeyPackage whose key differs from the directory entry', async () => {
  const g = await threeMemberGroup();
  const mallory = await newDevice(g.directory);
  // The server hands out a KeyPackage in Mallory's name but signed with another key.
  const rogue = await createDeviceIdentity();
  const [kp] = await makeKeyPackages(rogue, mallory.userId, mallory.deviceId, 1);
  await assert.rejects(g.hostSession.addMembers([kp.publicBytes]), /credential rejected \(key_mismatch\)/);
  assert.equal(g.hostSession.hasPendingCommit, false);
  assert.equal(g.hostSession.epoch, 1n);
  // A device the directory does not know is refused too.
  const stranger = await createDeviceIdentity();
  const [kp2] = await makeKeyPackages(stranger, 'ffff', 'eeee', 1);
  await assert.rejects(g.hostSession.addMembers([kp2.publicBytes]), /unknown_device/);
  // The registered key is accepted, so the refusal above was about the key.
  const [good] = await makeKeyPackages(mallory.identity, mallory.userId, mallory.deviceId, 1);
  const out = await g.hostSession.addMembers([good.publicBytes]);
  assert.equal(out.newEpoch, 2n);
});

test('a member refuses a commit that adds a device with an unregistered key', async () => {
  // The committer's directory is fooled (or it runs without one); Bob's is not.
  const g = await threeMemberGroup();
  const eveDir = new Map(g.directory);
  const lax = await GroupSession.restore(g.hostSession.serialize(), { directory: lookup(eveDir) });
  const eve = await createDeviceIdentity();
  eveDir.set('eeee:ffff', eve.publicKey);
  const [kp] = await makeKeyPackages(eve, 'eeee', 'ffff', 1);
  const out = await lax.addMembers([kp.publicBytes]);
  await lax.commitAccepted();
  const r = await g.bobSession.processIncoming(out.commit);
  assert.equal(r.kind, 'error');
  assert.equal(r.code, 'credential_rejected');
  assert.equal(g.bobSession.epoch, 1n, 'state unchanged');
  // A joiner with the honest directory refuses the Welcome as well.
  await assert.rejects(GroupSession.joinFromWelcome(out.welcome, kp, g.opts));
});

test('credentials must be haven:<user>:<device>', async () => {
  const { makeCredential, parseCredential, makeAuthService } = e2ee;
  const c = makeCredential({ userId: 'abc123', deviceId: 'dev-1' });
  assert.equal(dec(c.identity), 'haven:abc123:dev-1');
  assert.deepEqual(parseCredential(c), { userId: 'abc123', deviceId: 'dev-1' });
  for (const bad of ['haven:abc', 'haven:a:b:c', 'other:a:b', 'haven::b', 'haven:a b:c', '{"user":"a"}']) {
    assert.equal(parseCredential({ credentialType: 'basic', identity: enc(bad) }), undefined, bad);
  }
  assert.throws(() => makeCredential({ userId: 'a:b', deviceId: 'c' }));
  const auth = makeAuthService();
  const key = new Uint8Array(32);
  assert.equal(await auth.validateCredential(c, key), true);
  assert.equal(await auth.validateCredential({ credentialType: 'basic', identity: enc('mallory') }, key), false);
  assert.equal(auth.takeRejection()?.reason, 'bad_credential');
});

test('every KeyPackage of a device carries the device signature key', async () => {
  const id = await createDeviceIdentity();
  assert.equal(id.publicKey.length, 32);
  const kps = await makeKeyPackages(id, 'u1', 'd1', 5);
  assert.equal(kps.length, 5);
  for (const kp of kps) {
    assert.equal(hex(keyPackageSignatureKey(kp.publicBytes)), hex(id.publicKey));
    assert.equal(kp.publicBytes[2] * 256 + kp.publicBytes[3], 5, 'wire_format key_package');
  }
  // …but each has its own init and leaf HPKE keys and its own ref.
  assert.equal(new Set(kps.map((k) => hex(k.publicPackage.initKey))).size, 5);
  assert.equal(new Set(kps.map((k) => hex(k.publicPackage.leafNode.hpkePublicKey))).size, 5);
  assert.equal(new Set(kps.map((k) => k.ref)).size, 5);
  // Another device's packages carry a different key.
  const other = await createDeviceIdentity();
  const [kp] = await makeKeyPackages(other, 'u1', 'd2', 1);
  assert.notEqual(hex(keyPackageSignatureKey(kp.publicBytes)), hex(id.publicKey));
});

test('security code: same authenticator → same code, different → different; word list sane', async () => {
  const { securityCode, SECURITY_CODE_WORDS: words } = e2ee;
  const a = crypto.getRandomValues(new Uint8Array(32));
  const b = new Uint8Array(a);
  b[31] ^= 1;
  const ca1 = await securityCode(a);
  const ca2 = await securityCode(new Uint8Array(a));
  const cb = await securityCode(b);
  assert.deepEqual(ca1, ca2);
  assert.notEqual(ca1.digits, cb.digits);
  assert.notDeepEqual(ca1.words, cb.words);
  assert.equal(ca1.groups.length, 6);
  assert.equal(ca1.words.length, 6);
  // Known answer, so a change of the derivation or of the word list is noticed (every
  // client must agree). Computed independently (Python hmac/hashlib HKDF) from the
  // derivation documented in security-code.ts, for the authenticator 00 01 02 … 1f.
  const kat = await securityCode(Uint8Array.from({ length: 32 }, (_, i) => i));
  assert.equal(kat.digits, '27380 44970 46446 96551 74523 94951');
  assert.deepEqual(kat.words, ['coral', 'banana', 'dragon', 'spider', 'fiddle', 'olive']);
  assert.equal(words.length, 256);
  assert.equal(new Set(words).size, 256);
  for (const w of words) assert.match(w, /^[a-z]{3,7}$/);
  const near = (x, y) => {
    if (Math.abs(x.length - y.length) > 1) return false;
    const d = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
      let prev = d[0];
      d[0] = i;
      for (let j = 1; j <= y.length; j++) {
        const t = d[j];
        d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (x[i - 1] === y[j - 1] ? 0 : 1));
        prev = t;
      }
    }
    return d[y.length] < 2;
  };
  for (let i = 0; i < words.length; i++)
    for (let j = i + 1; j < words.length; j++) assert.ok(!near(words[i], words[j]), `${words[i]} / ${words[j]}`);
});

test('key store: round trip with an in-memory backend; nothing stored in clear', async () => {
  const { MlsKeyStore, MemoryBackend } = e2ee;
  const backend = new MemoryBackend();
  const store = await MlsKeyStore.open(backend);
  const wrap = backend.records.get('wrap-key');
  assert.ok(wrap instanceof CryptoKey);
  assert.equal(wrap.extractable, false);
  await assert.rejects(crypto.subtle.exportKey('raw', wrap));

  const id = await createDeviceIdentity();
  await store.saveDeviceIdentity(id);
  const [kp] = await makeKeyPackages(id, 'u1', 'd1', 1);
  await store.saveKeyPackage(kp.ref, kp.publicBytes, kp.privatePackage);
  const session = await GroupSession.create(new Uint8Array([1, 2, 3]), { identity: id, userId: 'u1', deviceId: 'd1' });
  const stateBytes = session.serialize();
  await store.saveGroupState('010203', stateBytes);

  // No record holds a private key or the state in clear.
  const contains = (hay, needle) => Buffer.from(hay).includes(Buffer.from(needle));
  for (const [name, rec] of backend.records) {
    if (name === 'wrap-key') continue;
    for (const secret of [id.privateKey, id.privateKey.slice(-32), kp.privatePackage.hpkePrivateKey, kp.privatePackage.initPrivateKey]) {
      assert.ok(!contains(rec.ct, secret), `${name} leaks a private key`);
    }
    assert.ok(!contains(rec.ct, stateBytes.slice(0, 64)));
  }

  // A second store over the same backend (a page reload) opens everything.
  const reopened = await MlsKeyStore.open(backend);
  const id2 = await reopened.loadDeviceIdentity();
  assert.equal(hex(id2.privateKey), hex(id.privateKey));
  assert.equal(hex(id2.publicKey), hex(id.publicKey));
  const kp2 = await reopened.loadKeyPackage(kp.ref);
  assert.equal(hex(kp2.privatePackage.hpkePrivateKey), hex(kp.privatePackage.hpkePrivateKey));
  assert.equal(hex(kp2.publicPackage.initKey), hex(kp.publicPackage.initKey));
  const st = await reopened.loadGroupState('010203');
  assert.equal(hex(st), hex(stateBytes));
  const restored = await GroupSession.restore(st);
  assert.equal(hex(await restored.exportSFrameBaseKey()), hex(await session.exportSFrameBaseKey()));
  await reopened.deleteKeyPackage(kp.ref);
  assert.equal(await reopened.loadKeyPackage(kp.ref), undefined);

  // A record moved to another name, or edited, does not open.
  backend.records.set('group:other', backend.records.get('group:010203'));
  await assert.rejects(reopened.loadGroupState('other'));
  const rec = backend.records.get('device-identity');
  rec.ct[0] ^= 1;
  await assert.rejects(reopened.loadDeviceIdentity());
});

test('a member restored from the key store keeps working in the group', async () => {
  const g = await threeMemberGroup();
  const bob2 = await GroupSession.restore(g.bobSession.serialize(), g.opts);
  const m = await g.hostSession.encryptApplication(enc('to the restored bob'));
  assert.equal(dec((await bob2.processIncoming(m)).plaintext), 'to the restored bob');
  const out = await bob2.update();
  await bob2.commitAccepted();
  for (const s of [g.hostSession, g.carolSession]) assert.equal((await s.processIncoming(out.commit)).kind, 'commit');
  await sameView([g.hostSession, bob2, g.carolSession]);
});

test('bad input is an error result, never a state change', async () => {
  const g = await threeMemberGroup();
  const epoch = g.bobSession.epoch;
  const m = await g.hostSession.encryptApplication(enc('x'));
  const cases = [new Uint8Array(0), new Uint8Array([0, 1, 0, 2]), Uint8Array.from([...m, 0])];
  for (const c of cases) assert.equal((await g.bobSession.processIncoming(c)).code, 'malformed');
  const flipped = new Uint8Array(m);
  flipped[flipped.length - 5] ^= 0x40;
  const r = await g.bobSession.processIncoming(flipped);
  assert.equal(r.code, 'undecryptable');
  // A Welcome is not a group message.
  const d = new Map(g.directory);
  const x = await newDevice(d);
  const [kp] = await makeKeyPackages(x.identity, x.userId, x.deviceId, 1);
  const other = await GroupSession.create(new Uint8Array([9]), g.host);
  const w = await other.addMembers([kp.publicBytes]);
  assert.equal((await g.bobSession.processIncoming(w.welcome)).code, 'unexpected_wire_format');
  await other.commitAccepted();
  assert.equal((await g.bobSession.processIncoming(await other.encryptApplication(enc('y')))).code, 'wrong_group');
  assert.equal(g.bobSession.epoch, epoch);
  assert.equal(dec((await g.bobSession.processIncoming(m)).plaintext), 'x', 'the good message still decrypts');
});

test('timings: 16-member group (printed, not asserted)', async (t) => {
  const directory = new Map();
  const opts = { directory: lookup(directory) };
  const now = () => performance.now();
  const ms = (x) => `${x.toFixed(1)} ms`;
  const devices = [];
  for (let i = 0; i < 16; i++) devices.push(await newDevice(directory));
  let t0 = now();
  const kps = [];
  for (const d of devices.slice(1)) kps.push((await makeKeyPackages(d.identity, d.userId, d.deviceId, 1))[0]);
  const kpTime = (now() - t0) / kps.length;
  const host = await GroupSession.create(new Uint8Array(16), devices[0], opts);
  t0 = now();
  const add = await host.addMembers(kps.map((k) => k.publicBytes));
  const addTime = now() - t0;
  await host.commitAccepted();
  const members = [host];
  t0 = now();
  for (const kp of kps) members.push(await GroupSession.joinFromWelcome(add.welcome, kp, opts));
  const joinTime = (now() - t0) / kps.length;
  t0 = now();
  const upd = await members[5].update();
  const updCreate = now() - t0;
  await members[5].commitAccepted();
  t0 = now();
  for (const m of members) if (m !== members[5]) await m.processIncoming(upd.commit);
  const updProcess = (now() - t0) / 15;
  t0 = now();
  const rem = await host.removeMembers([15]);
  const remCreate = now() - t0;
  await host.commitAccepted();
  t0 = now();
  for (const m of members.slice(1)) await m.processIncoming(rem.commit);
  const remProcess = (now() - t0) / 15;
  t0 = now();
  const app = await members[3].encryptApplication(new Uint8Array(200));
  const appEnc = now() - t0;
  t0 = now();
  await members[7].processIncoming(app);
  const appDec = now() - t0;
  t0 = now();
  await host.exportSFrameBaseKey();
  const exp = now() - t0;
  await sameView(members.slice(0, 15));
  t.diagnostic(`node ${process.version}, suite 1, 16 members (times per operation)`);
  t.diagnostic(`KeyPackage ${ms(kpTime)}; add 15 in one commit: create ${ms(addTime)}; join from Welcome ${ms(joinTime)}`);
  t.diagnostic(`self-update: create ${ms(updCreate)}, process ${ms(updProcess)}; remove: create ${ms(remCreate)}, process ${ms(remProcess)}`);
  t.diagnostic(`application 200 B: encrypt ${ms(appEnc)}, decrypt ${ms(appDec)}; SFrame exporter ${ms(exp)}`);
  t.diagnostic(
    `sizes: Welcome ${add.welcome.length} B, add commit ${add.commit.length} B, update commit ${upd.commit.length} B, state ${host.serialize().length} B`,
  );
});
