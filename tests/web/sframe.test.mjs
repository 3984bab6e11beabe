// SFrame (RFC 9605) for Haven's media, checked against the RFC 9605 Appendix C vectors
// (tests/fixtures/sframe, see SOURCE.md) and against the properties Haven relies on:
// §5.2 KID layout and keyring, replay window, per-codec clear prefixes, fail-closed drops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadWebUnit, fromHex, toHex } from './web-unit.mjs';

const s = await loadWebUnit('e2ee');

// KID/CTR go up to 2^64-1: quote them before JSON.parse so no precision is lost.
const vectorText = readFileSync(resolve(import.meta.dirname, '../fixtures/sframe/test-vectors.json'), 'utf8');
const vectors = JSON.parse(vectorText.replace(/"(kid|ctr)":\s*(\d+)/g, '"$1":"$2"'));
const aeadCases = vectors.sframe.filter((v) => v.cipher_suite === 4 || v.cipher_suite === 5);

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

test('vector file has the expected sections', () => {
  assert.equal(vectors.header.length, 289);
  assert.deepEqual(aeadCases.map((v) => v.cipher_suite), [4, 5]);
  assert.equal(BigInt(vectors.header.at(-1).kid), (1n << 64n) - 1n, 'big KIDs survived parsing');
});

test('every header vector encodes and decodes (RFC 9605 §4.3)', () => {
  for (const v of vectors.header) {
    const kid = BigInt(v.kid);
    const ctr = BigInt(v.ctr);
    assert.equal(toHex(s.encodeHeader(kid, ctr)), v.encoded, `encode kid=${kid} ctr=${ctr}`);
    assert.equal(s.headerLength(kid, ctr), v.encoded.length / 2);
    const bytes = fromHex(v.encoded);
    const d = s.decodeHeader(concat(bytes, fromHex('abcdef')));
    assert.deepEqual(d, { ok: true, kid, ctr, length: bytes.length }, `decode ${v.encoded}`);
  }
});

test('header decode: malformed input gives an error result, never a throw', () => {
  assert.deepEqual(s.decodeHeader(new Uint8Array(0)), { ok: false, error: 'empty' });
  assert.deepEqual(s.decodeHeader(fromHex('00'), 1), { ok: false, error: 'empty' });
  // X set, K=7: 8 KID bytes announced, 3 present.
  assert.deepEqual(s.decodeHeader(fromHex('f0010203')), { ok: false, error: 'truncated' });
  // Y set, C=1: 2 CTR bytes announced, 1 present.
  assert.deepEqual(s.decodeHeader(fromHex('0901')), { ok: false, error: 'truncated' });
  // Non-minimal: KID 5 in an extended byte; CTR 0x0100 with a leading zero byte.
  assert.deepEqual(s.decodeHeader(fromHex('8005')), { ok: false, error: 'non-minimal' });
  assert.deepEqual(s.decodeHeader(fromHex('0a000100')), { ok: false, error: 'non-minimal' });
  // The whole config-byte space and every truncation of the longest header: no throws,
  // and any success stays within the buffer.
  const longest = fromHex(vectors.header.at(-1).encoded);
  for (let b = 0; b < 256; b++) {
    for (let len = 1; len <= longest.length; len++) {
      const buf = concat(Uint8Array.of(b), longest.subarray(1, len));
      const r = s.decodeHeader(buf);
      if (r.ok) assert.ok(r.length <= buf.length);
      else assert.ok(['truncated', 'non-minimal'].includes(r.error));
    }
  }
  assert.throws(() => s.encodeHeader(-1n, 0n), RangeError);
  assert.throws(() => s.encodeHeader(0n, 1n << 64n), RangeError);
});

for (const v of aeadCases) {
  const suite = v.cipher_suite;
  const kid = BigInt(v.kid);
  const ctr = BigInt(v.ctr);
  const baseKey = fromHex(v.base_key);

  test(`suite 0x000${suite}: key derivation intermediates (RFC 9605 §4.4.2)`, async () => {
    assert.equal(toHex(s.sframeKeyLabel(kid, suite)), v.sframe_key_label);
    assert.equal(toHex(s.sframeSaltLabel(kid, suite)), v.sframe_salt_label);
    assert.equal(toHex(await s.sframeSecret(baseKey, suite)), v.sframe_secret);
    const m = await s.deriveKeyMaterial(baseKey, kid, suite);
    assert.equal(toHex(m.key), v.sframe_key);
    assert.equal(toHex(m.salt), v.sframe_salt);
    assert.equal(toHex(s.makeNonce(m.salt, ctr)), v.nonce);
    assert.equal(toHex(concat(s.encodeHeader(kid, ctr), fromHex(v.metadata))), v.aad);
  });

  test(`suite 0x000${suite}: encrypt reproduces ct, decrypt gives pt (RFC 9605 §4.4.3-4)`, async () => {
    const key = await s.deriveSFrameKeyFromBytes(baseKey, kid, suite);
    assert.equal(key.key.extractable, false);
    const ct = await s.encryptFrame(key, kid, ctr, fromHex(v.metadata), fromHex(v.pt));
    assert.equal(toHex(ct), v.ct);
    const r = await s.decryptFrame(key, fromHex(v.metadata), fromHex(v.ct));
    assert.equal(r.ok, true);
    assert.equal(toHex(r.plaintext), v.pt);
    assert.equal(r.kid, kid);
    assert.equal(r.ctr, ctr);
  });

  test(`suite 0x000${suite}: tampering, wrong metadata, short or malformed input are rejected`, async () => {
    const key = await s.deriveSFrameKeyFromBytes(baseKey, kid, suite);
    const ct = fromHex(v.ct);
    const headerLen = s.decodeHeader(ct).length;
    for (const i of [headerLen, ct.length - 1, Math.floor((headerLen + ct.length) / 2)]) {
      const bad = ct.slice();
      bad[i] ^= 0x01;
      assert.deepEqual(await s.decryptFrame(key, fromHex(v.metadata), bad), { ok: false, reason: 'auth-failed' }, `byte ${i}`);
    }
    // CTR byte in the header changed: still parses, fails authentication (header is AAD).
    const badCtr = ct.slice();
    badCtr[headerLen - 1] ^= 0x01;
    assert.deepEqual(await s.decryptFrame(key, fromHex(v.metadata), badCtr), { ok: false, reason: 'auth-failed' });
    const badMeta = fromHex(v.metadata);
    badMeta[0] ^= 0x80;
    assert.deepEqual(await s.decryptFrame(key, badMeta, ct), { ok: false, reason: 'auth-failed' });
    // Too short to hold the 16-byte tag; truncated header; empty.
    assert.deepEqual(await s.decryptFrame(key, new Uint8Array(0), ct.subarray(0, headerLen + 15)), { ok: false, reason: 'malformed' });
    assert.deepEqual(await s.decryptFrame(key, new Uint8Array(0), ct.subarray(0, 2)), { ok: false, reason: 'malformed' });
    assert.deepEqual(await s.decryptFrame(key, new Uint8Array(0), new Uint8Array(0)), { ok: false, reason: 'malformed' });
    // A header naming another KID is not tried with this key.
    const other = concat(s.encodeHeader(kid + 1n, ctr), ct.subarray(headerLen));
    assert.deepEqual(await s.decryptFrame(key, fromHex(v.metadata), other), { ok: false, reason: 'wrong-key' });
    await assert.rejects(() => s.encryptFrame(key, kid + 1n, ctr, new Uint8Array(0), new Uint8Array(1)), RangeError);
  });
}

test('§5.2 KID layout: S from the leaf range, E = 4, context above', () => {
  assert.equal(s.HAVEN_EPOCH_BITS, 4);
  assert.deepEqual([1, 2, 3, 4, 5, 8, 9, 16, 17].map(s.senderIndexBits), [0, 1, 2, 2, 3, 3, 4, 4, 5]);
  const layout = { senderBits: 3, epochBits: 4 };
  // context 2, leaf 5, epoch 0x1237 → 2 << 7 | 5 << 4 | 7
  const kid = s.makeKid(2n, 5, 0x1237n, layout);
  assert.equal(kid, (2n << 7n) | (5n << 4n) | 7n);
  assert.deepEqual(s.parseKid(kid, layout), { context: 2n, leafIndex: 5, epochLow: 7 });
  // Context 0, leaf 0 → KID fits in the config byte (epoch low bits < 8).
  assert.equal(toHex(s.encodeHeader(s.makeKid(0n, 0, 3n, layout), 0n)), '30');
  assert.throws(() => s.makeKid(0n, 8, 1n, layout), RangeError, 'leaf index needs 4 bits');
  assert.throws(() => s.makeKid(1n << 57n, 0, 1n, layout), RangeError, 'context beyond 64 - S - E bits');
  assert.equal(s.makeKid((1n << 57n) - 1n, 7, 15n, layout), (1n << 64n) - 1n);
});

const baseA = fromHex('000102030405060708090a0b0c0d0e0f');
const baseB = fromHex('f0e0d0c0b0a090807060504030201000');

test('§5.2 per-sender key is the §4.4.2 key of the sender KID under the epoch base key', async () => {
  const k = await s.deriveSenderKey({ baseKey: baseA, epoch: 17n, leafIndex: 3, leafCount: 4, context: 1n });
  assert.equal(k.kid, (1n << 6n) | (3n << 4n) | 1n);
  const m = await s.deriveKeyMaterial(baseA, k.kid, 4);
  assert.equal(toHex(k.salt), toHex(m.salt));
  const other = await s.deriveSenderKey({ baseKey: baseA, epoch: 17n, leafIndex: 2, leafCount: 4, context: 1n });
  assert.notEqual(toHex(other.salt), toHex(k.salt), 'another leaf gets another salt');
});

test('keyring: sender key and receiver lookup agree; unknown leaf and epoch are not found', async () => {
  const alice = new s.Keyring();
  const bob = new s.Keyring();
  assert.equal(alice.hasKeys, false);
  assert.equal(alice.senderKey(0n), null);
  await alice.setEpoch({ epoch: 5n, baseKey: baseA, leafCount: 3, leafIndex: 2 });
  await bob.setEpoch({ epoch: 5, baseKey: baseA, leafCount: 3, leafIndex: 0 });
  const ak = await alice.senderKey(1n);
  assert.equal(ak.kid, s.makeKid(1n, 2, 5n, { senderBits: 2, epochBits: 4 }));
  const found = bob.lookup(ak.kid);
  assert.equal(found.epoch, 5n);
  const ct = await s.encryptFrame(ak, ak.kid, 9n, new Uint8Array(0), fromHex('aabb'));
  const r = await s.decryptFrame(await found.key, new Uint8Array(0), ct);
  assert.equal(toHex(r.plaintext), 'aabb');
  assert.equal(bob.lookup(s.makeKid(0n, 3, 5n, { senderBits: 2, epochBits: 4 })), null, 'leaf 3 outside a 3-leaf tree');
  assert.equal(bob.lookup(s.makeKid(0n, 1, 6n, { senderBits: 2, epochBits: 4 })), null, 'epoch 6 not installed');
  await assert.rejects(() => bob.setEpoch({ epoch: 5n, baseKey: baseA.subarray(0, 15), leafCount: 3, leafIndex: 0 }), RangeError);
  await assert.rejects(() => bob.setEpoch({ epoch: 4n, baseKey: baseA, leafCount: 3, leafIndex: 0 }), RangeError);
});

function videoTracks(aliceKeys, bobKeys, context = 1n) {
  return { send: new s.SendTrack(aliceKeys, context), recv: new s.ReceiveTrack(bobKeys) };
}

test('epoch change: previous epoch still decrypts until dropped; colliding low bits drop it', async () => {
  const alice = new s.Keyring();
  const bob = new s.Keyring();
  await alice.setEpoch({ epoch: 1n, baseKey: baseA, leafCount: 2, leafIndex: 0 });
  await bob.setEpoch({ epoch: 1n, baseKey: baseA, leafCount: 2, leafIndex: 1 });
  const { send, recv } = videoTracks(alice, bob);
  const oldFrame = await s.protectFrame(send, 'vp9', 'delta', fromHex('0102030405'));
  assert.equal(oldFrame.ok, true);
  // Commit: epoch 2 with a new base key and a bigger tree (S grows from 1 to 2).
  await bob.setEpoch({ epoch: 2n, baseKey: baseB, leafCount: 3, leafIndex: 1 });
  assert.equal(bob.previousEpoch, 1n);
  await alice.setEpoch({ epoch: 2n, baseKey: baseB, leafCount: 3, leafIndex: 0 });
  const newFrame = await s.protectFrame(send, 'vp9', 'delta', fromHex('060708'));
  assert.notEqual(s.decodeHeader(newFrame.data).kid, s.decodeHeader(oldFrame.data).kid);
  const r1 = await s.unprotectFrame(recv, 'vp9', 'delta', oldFrame.data);
  assert.equal(toHex(r1.data), '0102030405', 'old-epoch frame still decrypts in the grace period');
  const r2 = await s.unprotectFrame(recv, 'vp9', 'delta', newFrame.data);
  assert.equal(toHex(r2.data), '060708');
  assert.equal(bob.dropPrevious(), 1n);
  const late = await s.protectFrame(new s.SendTrack({ senderKey: () => null }, 1n), 'vp9', 'delta', fromHex('00'));
  assert.deepEqual(late, { ok: false, reason: 'no-key' });
  // After the drop, an old-epoch frame (fresh CTR) has no key.
  const oldSender = new s.Keyring();
  await oldSender.setEpoch({ epoch: 1n, baseKey: baseA, leafCount: 2, leafIndex: 0 });
  const t = new s.SendTrack(oldSender, 1n);
  t.nextCtr();
  t.nextCtr();
  const stale = await s.protectFrame(t, 'vp9', 'delta', fromHex('0a0b'));
  assert.deepEqual(await s.unprotectFrame(recv, 'vp9', 'delta', stale.data), { ok: false, reason: 'unknown-kid' });

  // Epoch 18 has the same low 4 bits as epoch 2: installing it drops epoch 2 at once.
  const d = await bob.setEpoch({ epoch: 18n, baseKey: baseA, leafCount: 3, leafIndex: 1 });
  assert.deepEqual(d.dropped, [2n]);
  assert.equal(bob.previousEpoch, null);
  assert.equal(bob.currentEpoch, 18n);
  const again = await s.protectFrame(send, 'vp9', 'delta', fromHex('0c'));
  assert.deepEqual(await s.unprotectFrame(recv, 'vp9', 'delta', again.data), { ok: false, reason: 'auth-failed' },
    'epoch-2 frame is tried against epoch 18 (same KID) and fails; it never decrypts');
  // Installing a non-colliding epoch keeps the current as previous and drops the older one.
  const d2 = await bob.setEpoch({ epoch: 19n, baseKey: baseB, leafCount: 3, leafIndex: 1 });
  assert.deepEqual(d2.dropped, []);
  const d3 = await bob.setEpoch({ epoch: 20n, baseKey: baseB, leafCount: 3, leafIndex: 1 });
  assert.deepEqual(d3.dropped, [18n]);
  bob.clear();
  assert.deepEqual(await s.unprotectFrame(recv, 'vp9', 'delta', again.data), { ok: false, reason: 'no-key' });
});

test('replay window: duplicates and too-old dropped, reordering within the window accepted', () => {
  const w = new s.ReplayWindow(128);
  assert.equal(w.accept(1000n), 'fresh');
  assert.equal(w.accept(1000n), 'duplicate');
  assert.equal(w.accept(999n), 'fresh', 'one behind, first time');
  assert.equal(w.accept(999n), 'duplicate');
  assert.equal(w.accept(1000n - 127n), 'fresh', 'last slot of the window');
  assert.equal(w.check(1000n - 128n), 'too-old');
  assert.equal(w.accept(1005n), 'fresh', 'jump ahead');
  assert.equal(w.accept(1001n), 'fresh', 'reordered, within window');
  assert.equal(w.accept(1000n), 'duplicate', 'still remembered after the shift');
  assert.equal(w.accept(1005n + 500n), 'fresh', 'jump beyond the window');
  assert.equal(w.check(1005n), 'too-old');
  assert.equal(w.accept(1504n), 'fresh');
  const g = new s.ReplayGuard(128);
  assert.equal(g.accept(7n, 3n, 1n), 'fresh');
  assert.equal(g.accept(7n, 3n, 1n), 'duplicate');
  assert.equal(g.accept(8n, 3n, 1n), 'fresh', 'windows are per KID');
  assert.equal(g.accept(7n, 3n, 17n), 'fresh', 'and per epoch (same KID, other base key)');
  g.forgetBefore(17n);
  assert.equal(g.size, 1);
});

async function pair() {
  const alice = new s.Keyring();
  const bob = new s.Keyring();
  await alice.setEpoch({ epoch: 7n, baseKey: baseA, leafCount: 2, leafIndex: 0 });
  await bob.setEpoch({ epoch: 7n, baseKey: baseA, leafCount: 2, leafIndex: 1 });
  return { alice, bob, ...videoTracks(alice, bob) };
}

test('replay through unprotectFrame: a resent frame is dropped, reordered frames pass', async () => {
  const { send, recv } = await pair();
  const frames = [];
  for (let i = 0; i < 4; i++) frames.push((await s.protectFrame(send, 'vp9', 'delta', Uint8Array.of(i, i, i))).data);
  assert.equal((await s.unprotectFrame(recv, 'vp9', 'delta', frames[0])).ok, true);
  assert.equal((await s.unprotectFrame(recv, 'vp9', 'delta', frames[2])).ok, true);
  assert.equal((await s.unprotectFrame(recv, 'vp9', 'delta', frames[1])).ok, true, 'late frame inside the window');
  assert.deepEqual(await s.unprotectFrame(recv, 'vp9', 'delta', frames[2]), { ok: false, reason: 'replay' });
  // A forged frame with a fresh CTR must not poison the window for the real one.
  const forged = frames[3].slice();
  forged[forged.length - 1] ^= 1;
  assert.deepEqual(await s.unprotectFrame(recv, 'vp9', 'delta', forged), { ok: false, reason: 'auth-failed' });
  assert.equal((await s.unprotectFrame(recv, 'vp9', 'delta', frames[3])).ok, true);
});

// A VP8 key frame: 3-byte frame tag (P bit 0), start code 9d 01 2a, 640x480, then data.
const vp8Key = fromHex('5002009d012a8002e001' + '11223344556677889900');
const vp8Delta = fromHex('f10100' + 'aabbccddeeff');

test('VP8: 10 clear bytes on key frames, 3 on delta frames, authenticated', async () => {
  const { send, recv } = await pair();
  const k = await s.protectFrame(send, 'vp8', 'key', vp8Key);
  assert.equal(toHex(k.data.subarray(0, 10)), toHex(vp8Key.subarray(0, 10)), 'prefix in clear');
  assert.equal(s.decodeHeader(k.data, 10).ok, true, 'SFrame header right after the prefix');
  assert.equal(k.data.length, 10 + s.decodeHeader(k.data, 10).length + 10 + 16);
  assert.ok(!toHex(k.data).includes('11223344556677889900'), 'payload not in clear');
  const d = await s.protectFrame(send, 'vp8', 'delta', vp8Delta);
  assert.equal(toHex(d.data.subarray(0, 3)), 'f10100');
  assert.equal(toHex((await s.unprotectFrame(recv, 'vp8', 'key', k.data)).data), toHex(vp8Key));
  assert.equal(toHex((await s.unprotectFrame(recv, 'vp8', 'delta', d.data)).data), toHex(vp8Delta));
  // The clear prefix is AAD: changing the (clear) width fails authentication.
  const k2 = await s.protectFrame(send, 'vp8', 'key', vp8Key);
  const tampered = k2.data.slice();
  tampered[6] ^= 0x01;
  assert.deepEqual(await s.unprotectFrame(recv, 'vp8', 'key', tampered), { ok: false, reason: 'auth-failed' });
  assert.deepEqual(await s.protectFrame(send, 'vp8', 'key', vp8Key.subarray(0, 9)), { ok: false, reason: 'malformed' });
  assert.deepEqual(await s.unprotectFrame(recv, 'vp8', 'delta', fromHex('f10100')), { ok: false, reason: 'malformed' });
});

test('Opus: 1-byte TOC in clear, 0-byte frames pass through, VP9 has no prefix', async () => {
  const { send, recv } = await pair();
  const audio = fromHex('fc' + 'deadbeefcafe');
  const a = await s.protectFrame(send, 'opus', 'audio', audio);
  assert.equal(a.data[0], 0xfc);
  assert.equal(s.decodeHeader(a.data, 1).ok, true);
  assert.equal(toHex((await s.unprotectFrame(recv, 'opus', 'audio', a.data)).data), toHex(audio));
  const tocOnly = await s.protectFrame(send, 'opus', 'audio', fromHex('fc'));
  assert.equal(toHex((await s.unprotectFrame(recv, 'opus', 'audio', tocOnly.data)).data), 'fc');
  for (const side of [s.protectFrame.bind(null, send), s.unprotectFrame.bind(null, recv)]) {
    const r = await side('opus', 'audio', new Uint8Array(0));
    assert.deepEqual({ ...r, data: toHex(r.data) }, { ok: true, data: '', passthrough: true });
  }
  const v = await s.protectFrame(send, 'vp9', 'key', fromHex('8249834200'));
  assert.equal(s.decodeHeader(v.data, 0).ok, true, 'VP9: SFrame header at byte 0');
  assert.equal(s.clearPrefixLength('vp9', 'key', v.data), 0);
  // An unencrypted Opus frame arriving is dropped, never played.
  const r = await s.unprotectFrame(recv, 'opus', 'audio', fromHex('fc' + '00'.repeat(30)));
  assert.equal(r.ok, false);
  assert.ok(['unknown-kid', 'auth-failed', 'malformed'].includes(r.reason));
  assert.deepEqual(await s.protectFrame(send, 'av1', 'key', fromHex('0a0b')), { ok: false, reason: 'unsupported-codec' });
  assert.deepEqual(await s.unprotectFrame(recv, 'av1', 'key', fromHex('0a0b')), { ok: false, reason: 'unsupported-codec' });
  assert.equal(s.codecFromMimeType('video/VP8'), 'vp8');
  assert.equal(s.codecFromMimeType('video/AV1'), null);
});

test('H264 emulation prevention escapes and unescapes', () => {
  const cases = ['', '00', '0000', '000000', '000001', '000002', '000003', '00000300', '0000000000', 'ff0000ff', '000004', '00000100000203'];
  for (const hex of cases) {
    const e = s.escapeEmulation(fromHex(hex));
    assert.equal(s.containsStartCodeEmulation(e), false, `escaped ${hex} = ${toHex(e)}`);
    assert.notEqual(toHex(e).slice(-4), '0000', 'never ends in 00 00');
    assert.equal(toHex(s.unescapeEmulation(e)), hex, `round trip ${hex}`);
  }
  assert.equal(toHex(s.escapeEmulation(fromHex('000001'))), '00000301');
  assert.equal(toHex(s.escapeEmulation(fromHex('0000'))), '000003');
  assert.equal(toHex(s.escapeEmulation(fromHex('000004'))), '000004', '00 00 04 needs no escape');
  // Random data with forced zero runs round-trips.
  const rnd = new Uint8Array(4000);
  crypto.getRandomValues(rnd);
  for (let i = 0; i < rnd.length; i += 37) rnd.fill(0, i, i + 3);
  for (let i = 20; i < rnd.length; i += 53) rnd[i] = rnd[i] & 3;
  const e = s.escapeEmulation(rnd);
  assert.ok(e.length > rnd.length);
  assert.equal(s.containsStartCodeEmulation(e), false);
  assert.deepEqual(s.unescapeEmulation(e), rnd);
});

// SPS, PPS, then an IDR slice (type 5) whose payload is full of zero runs, then a second slice.
const sps = '000000016742c01e95a0501ec8';
const pps = '0000000168ce3c80';
const idr = '0000000165' + '8884000000010000000200000003' + '00'.repeat(40) + '1234';
const slice2 = '0000000141' + '9a00000001aa';
const h264Frame = fromHex(sps + pps + idr + slice2);

test('H264: clear up to the first slice NAL header, escaped ciphertext, round trip', async () => {
  // Clear: SPS, PPS, the IDR's start code and NAL header, and 1 slice-header byte.
  assert.equal(s.H264_SLICE_HEADER_CLEAR_BYTES, 1);
  const prefixLen = (sps + pps).length / 2 + 5 + 1;
  assert.equal(s.h264ClearPrefixLength(h264Frame), prefixLen);
  assert.equal(s.h264ClearPrefixLength(fromHex('000001' + '41' + '9a00')), 5, '3-byte start code, type 1');
  assert.equal(s.h264ClearPrefixLength(fromHex('000001' + '41')), 4, 'slice NAL with nothing after its header');
  assert.equal(s.h264ClearPrefixLength(fromHex('000001' + '06' + '0000000001' + '6588')), 11, 'SEI skipped');
  assert.equal(s.h264ClearPrefixLength(fromHex(sps + pps)), null, 'no slice NAL');
  assert.equal(s.h264ClearPrefixLength(fromHex('0000')), null);
  const { send, recv } = await pair();
  // Many frames with different CTRs (header lengths 1-3 bytes) round-trip.
  for (let i = 0; i < 300; i++) {
    const p = await s.protectFrame(send, 'h264', 'key', h264Frame);
    assert.equal(p.ok, true);
    assert.equal(toHex(p.data.subarray(0, prefixLen)), toHex(h264Frame.subarray(0, prefixLen)));
    const tail = p.data.subarray(prefixLen);
    assert.equal(s.containsStartCodeEmulation(tail), false, 'no start code after the slice header');
    assert.equal(s.h264ClearPrefixLength(p.data), prefixLen, 'receiver finds the same prefix');
    const r = await s.unprotectFrame(recv, 'h264', 'key', p.data);
    assert.equal(toHex(r.data), toHex(h264Frame), `frame ${i}`);
  }
  // Force 00 00 0x into the ciphertext: learn the AES-GCM keystream for one CTR by
  // encrypting zeros (test only), then choose slice bytes that encrypt to 00 00 01 and
  // 00 00 00. CTR 0x1000000 also puts 01 00 00 00 into the SFrame header itself.
  const ctr = 0x1000000n;
  const key = await send.keys.senderKey(send.context);
  const payloadLen = h264Frame.length - prefixLen;
  const zerosCt = await s.encryptFrame(key, key.kid, ctr, new Uint8Array(0), new Uint8Array(payloadLen));
  const hdrLen = s.headerLength(key.kid, ctr);
  const keystream = zerosCt.subarray(hdrLen, hdrLen + payloadLen);
  const crafted = h264Frame.slice();
  const want = { 10: 0, 11: 0, 12: 1, 30: 0, 31: 0, 32: 0, 33: 3 };
  for (const [i, b] of Object.entries(want)) crafted[prefixLen + Number(i)] = keystream[Number(i)] ^ b;
  const forced = new s.SendTrack(send.keys, send.context, ctr);
  const p = await s.protectFrame(forced, 'h264', 'delta', crafted);
  const tail = p.data.subarray(prefixLen);
  const raw = s.unescapeEmulation(tail);
  assert.ok(toHex(raw).startsWith(toHex(s.encodeHeader(key.kid, ctr))), 'header precedes the ciphertext');
  assert.ok(toHex(raw.subarray(hdrLen + 10, hdrLen + 13)) === '000001', 'ciphertext holds a start code');
  assert.ok(tail.length >= raw.length + 3, 'header zeros and both forced runs were escaped');
  assert.equal(s.containsStartCodeEmulation(tail), false);
  assert.equal(s.h264ClearPrefixLength(p.data), prefixLen);
  const rr = await s.unprotectFrame(recv, 'h264', 'delta', p.data);
  assert.equal(toHex(rr.data), toHex(crafted), 'escaped frame decrypts to the original');
  // Without unescaping the receiver could not authenticate it: prove escaping mattered.
  assert.notEqual(tail.length, raw.length);
  // A clear prefix ending in a zero byte: the escaped part continues its zero run.
  assert.equal(toHex(s.escapeEmulation(fromHex('0001'), 1)), '000301');
  assert.equal(toHex(s.escapeEmulation(fromHex('01'), 2)), '0301');
  assert.equal(toHex(s.unescapeEmulation(fromHex('000301'), 1)), '0001');
  assert.equal(s.trailingZeros(fromHex('650000')), 2);
  const zeroEnd = fromHex(sps + '0000000165' + '00' + '0001020300000000');
  const kid0 = await s.deriveSFrameKeyFromBytes(baseA, 0n, 4);
  const zsend = new s.SendTrack({ senderKey: () => Promise.resolve(kid0) }, 0n); // header 00 at CTR 0
  const zrecv = new s.ReceiveTrack({ hasKeys: true, suite: 4, lookup: (k) => (k === 0n ? { epoch: 0n, key: Promise.resolve(kid0) } : null) });
  for (let i = 0; i < 8; i++) {
    const z = await s.protectFrame(zsend, 'h264', 'key', zeroEnd);
    const zl = s.h264ClearPrefixLength(zeroEnd);
    assert.equal(s.containsStartCodeEmulation(z.data.subarray(zl - 1)), false, 'no start code across the boundary');
    assert.equal(toHex((await s.unprotectFrame(zrecv, 'h264', 'key', z.data)).data), toHex(zeroEnd));
  }
  assert.deepEqual(await s.protectFrame(send, 'h264', 'delta', fromHex(sps + pps)), { ok: false, reason: 'malformed' });
  assert.deepEqual(await s.unprotectFrame(recv, 'h264', 'delta', fromHex(sps)), { ok: false, reason: 'malformed' });
});

test('no key: both sides drop with a typed reason, never pass the frame on', async () => {
  const empty = new s.Keyring();
  const send = new s.SendTrack(empty, 0n);
  const recv = new s.ReceiveTrack(empty);
  for (const [codec, kind, data] of [['vp8', 'key', vp8Key], ['opus', 'audio', fromHex('fc01')], ['h264', 'key', h264Frame], ['vp9', 'delta', fromHex('01')]]) {
    assert.deepEqual(await s.protectFrame(send, codec, kind, data), { ok: false, reason: 'no-key' }, `send ${codec}`);
  }
  assert.equal(send.counter, 0n, 'no CTR consumed without a key');
  const { send: keyed } = await pair();
  const f = await s.protectFrame(keyed, 'vp8', 'key', vp8Key);
  assert.deepEqual(await s.unprotectFrame(recv, 'vp8', 'key', f.data), { ok: false, reason: 'no-key' });
  // Unknown KID when keys exist but for another sender slot.
  const { recv: bobRecv } = await pair();
  const foreign = concat(f.data.subarray(0, 10), s.encodeHeader(0x7fn, 1n), new Uint8Array(20));
  assert.deepEqual(await s.unprotectFrame(bobRecv, 'vp8', 'key', foreign), { ok: false, reason: 'unknown-kid' });
});

test('simulcast layers and several tracks: every frame gets its own (KID, CTR)', async () => {
  const { alice } = await pair();
  const camera = new s.SendTrack(alice, 1n);
  const screen = new s.SendTrack(alice, 2n);
  const seen = new Set();
  for (let i = 0; i < 30; i++) {
    for (const t of [camera, camera, camera, screen]) {
      const p = await s.protectFrame(t, 'vp9', 'delta', Uint8Array.of(i));
      const h = s.decodeHeader(p.data);
      const id = `${h.kid}/${h.ctr}`;
      assert.ok(!seen.has(id), `nonce reuse at ${id}`);
      seen.add(id);
    }
  }
  assert.equal(seen.size, 120);
  assert.equal(camera.counter, 90n);
});

// The worker logic, driven with plain web streams as the legacy createEncodedStreams path
// would (RTCRtpScriptTransform differs only in who hands over the streams).
function frame(hex, type, mimeType) {
  const f = { data: fromHex(hex).buffer, getMetadata: () => (mimeType ? { mimeType } : {}) };
  if (type) f.type = type;
  return f;
}

async function run(core, options, frames, hooks = null) {
  const out = [];
  const readable = new ReadableStream({
    start(c) {
      for (const f of frames) c.enqueue(f);
      c.close();
    },
  });
  const writable = new WritableStream({ write: (f) => out.push(f) });
  await core.attach(readable, writable, options, hooks);
  return out;
}

// A receive/send track that stays open; push() resolves once the frame was handled.
function openTrack(core, options, hooks = null) {
  const out = [];
  let controller;
  const readable = new ReadableStream({ start(c) { controller = c; } });
  const writable = new WritableStream({ write: (f) => out.push(f) });
  const done = core.attach(readable, writable, options, hooks);
  const handled = () => {
    const st = core.snapshot();
    const side = options.side === 'send' ? st.send : st.receive;
    return side.processed + side.passthrough + side.errors + Object.values(side.dropped).reduce((a, b) => a + b, 0);
  };
  return {
    out,
    async push(f) {
      const before = handled();
      controller.enqueue(f);
      for (let i = 0; i < 10000 && handled() === before; i++) await new Promise((r) => setImmediate(r));
      assert.ok(handled() > before, 'frame was handled');
      await new Promise((r) => setImmediate(r));
    },
    close() {
      controller.close();
      return done;
    },
  };
}

test('worker core: no key drops, setKeys, encrypt/decrypt, stats, key-frame requests', async () => {
  const aliceMsgs = [];
  const bobMsgs = [];
  let clock = 0;
  const alice = new s.SFrameWorkerCore((m) => aliceMsgs.push(m), () => clock);
  const bob = new s.SFrameWorkerCore((m) => bobMsgs.push(m), () => clock);
  const sendOpts = { side: 'send', kind: 'video', trackId: 'cam', context: 1 };
  const recvOpts = { side: 'receive', kind: 'video', trackId: 'alice-cam' };

  // Before keys: the sender forwards nothing.
  const before = await run(alice, sendOpts, [frame(toHex(vp8Key), 'key', 'video/VP8')]);
  assert.equal(before.length, 0);

  const keys = { type: 'setKeys', epoch: 3n, baseKey: baseA, leafCount: 2 };
  await alice.handleMessage({ ...keys, leafIndex: 0 });
  assert.deepEqual(aliceMsgs.at(-1), { type: 'keysSet', epoch: 3n, dropped: [] });
  const sent = await run(alice, sendOpts, [
    frame(toHex(vp8Key), 'key', 'video/VP8'),
    frame(toHex(vp8Delta), 'delta', 'video/VP8'),
    frame(toHex(vp8Delta), 'delta', 'video/VP8'),
  ]);
  assert.equal(sent.length, 3);
  assert.notEqual(toHex(new Uint8Array(sent[0].data)), toHex(vp8Key));

  // Bob's receive track is open before he has keys: the first frame is dropped; after
  // setKeys the delta frames decrypt, and the track asks for a key frame (once: throttled).
  let requests = 0;
  const hooks = { sendKeyFrameRequest: async () => { requests++; } };
  const copy = (f) => ({ ...f, data: f.data.slice(0) });
  const live = openTrack(bob, recvOpts, hooks);
  await live.push(copy(sent[0]));
  assert.equal(live.out.length, 0);
  await bob.handleMessage({ ...keys, leafIndex: 1 });
  await live.push(copy(sent[1]));
  await live.push(copy(sent[2]));
  assert.deepEqual(live.out.map((f) => toHex(new Uint8Array(f.data))), [toHex(vp8Delta), toHex(vp8Delta)]);
  assert.equal(requests, 1, 'one request (throttled) for the delta frames after the loss');
  assert.deepEqual(bobMsgs.filter((m) => m.type === 'keyFrameNeeded'), [{ type: 'keyFrameNeeded', trackId: 'alice-cam' }]);
  // Once a key frame decrypted, later delta frames need no request.
  clock += 5000;
  await live.push(copy(sent[0]));
  assert.equal(toHex(new Uint8Array(live.out.at(-1).data)), toHex(vp8Key));
  await live.push(frame(toHex(vp8Delta), 'delta', 'video/VP8')); // unencrypted: dropped
  assert.equal(live.out.length, 3);
  assert.equal(requests, 1);
  await live.close();
  // The key frame decrypts; replaying it is dropped.
  clock += 5000;
  const k = await run(bob, recvOpts, [copy(sent[1]), copy(sent[1])], hooks);
  assert.equal(k.length, 1, 'a second receive track of the same sender has its own window');
  assert.equal(requests, 2, 'a newly attached track whose first frame is a delta asks for a key frame');

  await bob.handleMessage({ type: 'stats', requestId: 9 });
  const st = bobMsgs.at(-1);
  assert.equal(st.type, 'stats');
  assert.equal(st.requestId, 9);
  assert.equal(st.stats.receive.processed, 4);
  assert.equal(st.stats.receive.dropped['no-key'], 1);
  assert.equal(st.stats.receive.dropped.replay, 1);
  assert.equal(st.stats.receive.dropped['malformed'] + st.stats.receive.dropped['unknown-kid'] + st.stats.receive.dropped['auth-failed'], 1);
  assert.equal(st.stats.keyFrameRequests, 2);
  assert.equal(st.stats.currentEpoch, 3n);
  await alice.handleMessage({ type: 'stats', requestId: 1 });
  assert.equal(aliceMsgs.at(-1).stats.send.processed, 3);
  assert.equal(aliceMsgs.at(-1).stats.send.dropped['no-key'], 1);

  // Unknown codec and bad messages are reported, not thrown.
  assert.equal((await run(alice, sendOpts, [frame('0102', 'key', 'video/AV1')])).length, 0);
  await alice.handleMessage({ type: 'stats', requestId: 2 });
  assert.equal(aliceMsgs.at(-1).stats.send.dropped['unsupported-codec'], 1);
  await alice.handleMessage({ type: 'bogus' });
  assert.equal(aliceMsgs.at(-1).type, 'error');
  await alice.handleMessage({ type: 'setKeys', epoch: 1n, baseKey: baseA, leafCount: 2, leafIndex: 0 });
  assert.match(aliceMsgs.at(-1).message, /older than the current epoch/);
  assert.equal(s.parseTransformOptions({ side: 'send', kind: 'video', trackId: 'x' }), null, 'send needs a context');
  assert.equal(s.parseTransformOptions({ side: 'receive', kind: 'video', trackId: 'x', codec: 'av1' }), null);
  assert.deepEqual(s.parseTransformOptions({ side: 'receive', kind: 'audio', trackId: 'x' }), { side: 'receive', kind: 'audio', trackId: 'x' });
});

test('worker core: audio without mimeType falls back to Opus; epoch change asks for a key frame', async () => {
  const msgs = [];
  const alice = new s.SFrameWorkerCore(() => {});
  const bob = new s.SFrameWorkerCore((m) => msgs.push(m));
  await alice.handleMessage({ type: 'setKeys', epoch: 1n, baseKey: baseA, leafCount: 2, leafIndex: 0 });
  await bob.handleMessage({ type: 'setKeys', epoch: 1n, baseKey: baseA, leafCount: 2, leafIndex: 1 });
  const a = await run(alice, { side: 'send', kind: 'audio', trackId: 'mic', context: 0 }, [frame('fc0102'), frame('')]);
  assert.equal(a.length, 2);
  assert.equal(new Uint8Array(a[0].data)[0], 0xfc);
  assert.equal(a[1].data.byteLength, 0, '0-byte Opus passes through');
  const b = await run(bob, { side: 'receive', kind: 'audio', trackId: 'alice-mic' }, a);
  assert.deepEqual(b.map((f) => toHex(new Uint8Array(f.data))), ['fc0102', '']);

  // Send side: a new epoch triggers generateKeyFrame where the browser has it.
  let generated = 0;
  const hooks = { generateKeyFrame: async () => { generated++; } };
  let release;
  const pending = new ReadableStream({ start(c) { release = () => c.close(); } });
  const done = alice.attach(pending, new WritableStream(), { side: 'send', kind: 'video', trackId: 'cam', context: 1 }, hooks);
  await alice.handleMessage({ type: 'setKeys', epoch: 2n, baseKey: baseB, leafCount: 2, leafIndex: 0 });
  assert.equal(generated, 1);
  await alice.handleMessage({ type: 'setKeys', epoch: 2n, baseKey: baseB, leafCount: 2, leafIndex: 0 });
  assert.equal(generated, 1, 'same epoch again: no new key frame');
  release();
  await done;
});
