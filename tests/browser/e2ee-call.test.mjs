// End-to-end encrypted group call in real Chromium (docs/E2EE.md "In the call"): a
// therapist and two patients on /call/<id>, every frame through SFrame keyed by the room's
// MLS group, which runs through the real server's delivery service on the call socket.
//
// The patients arrive first: they wait for the host in the waiting room and receive
// nothing (no tile, no frame, nothing encrypted or decrypted). The therapist arrives,
// admits both from the waiting room, and every page then decodes the other two with frames encrypted and
// decrypted by the worker and no authentication failure; all three show one security
// code. A patient leaves; the host removes their device and the code changes on the two
// left. A reload resumes from the stored group state without a new Welcome; the same
// patient in a new browser (a new device) is admitted again and the code changes on both
// pages. The server's own sample of what its SFU forwards (sfu.test_payload_sample_file)
// holds SFrame headers after the codec's clear prefix, counters rising per sender. A browser
// without encoded transforms is refused with words naming the browsers that work. A page
// whose socket drops its Welcome, like a listener a server slipped into the call, receives
// the video and decodes none of it.
// Everything is polled until a generous deadline; nothing here asserts how fast.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, openSignedIn, pageOpener, shownText, pollUntil, useSession } from '../lib/browser-session.mjs';
import { admitFromLobby, enterCall, waitInLobby } from '../lib/call-page.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';

const DEADLINE_MS = 90_000;
const POLL_MS = 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The server's tests-only sample of what its SFU forwards (sfu.test_payload_sample_file).
const SAMPLE_FILE = path.join(os.tmpdir(), `haven-forwarded-${process.pid}.jsonl`);

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: DEADLINE_MS, pollMs: POLL_MS });

/** What a page decodes and what its group and SFrame worker say (ids, counters, the public code). */
function sample(page) {
  return page.evaluate(async () => {
    const hook = window.__havenCall;
    if (!hook) return null;
    const stats = await hook.stats();
    const sframe = await hook.sframeStats().catch(() => null);
    const e2ee = hook.e2ee();
    const videos = [...document.querySelectorAll('[data-testid="call-remote-video"]')].map((v) => ({ peer: v.dataset.peerId, width: v.videoWidth }));
    const frames = {};
    for (const [peer, p] of Object.entries(stats?.peers ?? {})) frames[peer] = p.framesDecoded;
    const shown = document.querySelector('[data-testid="e2ee-code-digits"]')?.textContent?.trim() ?? '';
    return {
      state: e2ee?.state ?? null,
      epoch: e2ee?.epoch ?? null,
      code: e2ee?.code?.digits ?? null,
      words: e2ee?.code?.words?.join(' ') ?? null,
      shown,
      roster: (e2ee?.roster ?? []).map((m) => ({ user: m.userId, status: m.status, self: m.self })),
      counters: e2ee?.counters ?? null,
      videos,
      frames,
      sframe: sframe && { sent: sframe.send.processed, received: sframe.receive.processed, authFailed: sframe.receive.dropped['auth-failed'], epoch: String(sframe.currentEpoch) },
    };
  });
}

/** RFC 9605 §4.3 header at `at`: { kid, ctr } or null when it does not parse. */
function sframeHeader(bytes, at) {
  if (at >= bytes.length) return null;
  const config = bytes[at];
  let i = at + 1;
  const field = (extended, value) => {
    if (!extended) return value;
    const n = value + 1;
    if (i + n > bytes.length) return null;
    let v = 0n;
    for (let k = 0; k < n; k++) v = (v << 8n) | BigInt(bytes[i + k]);
    i += n;
    return v;
  };
  const kid = field((config & 0x80) !== 0, (config >> 4) & 7);
  const ctr = kid === null ? null : field((config & 0x08) !== 0, config & 7);
  return ctr === null ? null : { kid: BigInt(kid), ctr: BigInt(ctr) };
}

/**
 * Where a forwarded payload's SFrame header starts, or -1 when the packet does not start a
 * frame. VP8 (RFC 7741 §4.2): the payload descriptor, then Haven's clear prefix of 10 bytes
 * on key frames and 3 otherwise; Opus: the 1-byte TOC (docs/E2EE.md, codec-prefix.ts).
 */
function sframeOffset(sample, bytes) {
  if (sample.codec === 'opus') return 1;
  let i = 1;
  const b0 = bytes[0];
  if (!(b0 & 0x10) || (b0 & 0x07) !== 0) return -1; // not S=1, PID 0
  if (b0 & 0x80) {
    const x = bytes[i++];
    if (x & 0x80) i += bytes[i] & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (x & 0x40) i += 1; // TL0PICIDX
    if (x & 0x30) i += 1; // TID/KEYIDX
  }
  const keyFrame = (bytes[i] & 0x01) === 0;
  return i + (keyFrame ? 10 : 3);
}

/** Between two samples: `count` remote pictures, each still decoding new frames. */
function decoding(prev, cur, count) {
  if (!prev || !cur || cur.videos.length !== count) return false;
  return cur.videos.every((v) => v.width > 0 && (cur.frames[v.peer] ?? 0) > (prev.frames[v.peer] ?? Infinity));
}

async function mediaFlows(page, count, label) {
  let prev = null;
  return until(`${label}: ${count} encrypted video(s) did not keep decoding`, async () => {
    const cur = await sample(page);
    const ok = decoding(prev, cur, count);
    prev = cur;
    return [ok, cur];
  });
}

describe('end-to-end encrypted call', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patientA;
  let patientB;
  let patientC;
  let roomId = '';
  const callPages = {};

  before(async () => {
    fs.rmSync(SAMPLE_FILE, { force: true });
    srv = await startServer({ env: { ...MANY_REQUESTS_ENV, HAVEN_SFU_TEST_PAYLOAD_SAMPLE_FILE: SAMPLE_FILE } });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'e2ee-therapist');
    patientA = await invitePerson(srv, therapist.cookie, 'patient', 'e2ee-patient-a');
    patientB = await invitePerson(srv, therapist.cookie, 'patient', 'e2ee-patient-b');
    patientC = await invitePerson(srv, therapist.cookie, 'patient', 'e2ee-patient-c');
    const res = await request(srv, 'POST', '/api/rooms', {
      cookie: therapist.cookie,
      body: { participant_ids: [patientA.id, patientB.id, patientC.id] },
    });
    assert.equal(res.status, 201, res.text);
    roomId = res.json.room.id;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 900 } });
  });

  after(async () => {
    if (pages) await pages.closeAll();
    if (browser) await browser.close();
    if (srv) await srv.stop();
    fs.rmSync(SAMPLE_FILE, { force: true });
  });

  test('patients who arrive before the host wait for it and receive nothing', async () => {
    for (const [label, who] of [['patientA', patientA], ['patientB', patientB]]) {
      callPages[label] = (await openSignedIn(pages, srv, who.cookie, `/call/${roomId}`)).page;
      await enterCall(callPages[label]);
    }
    for (const [label, page] of Object.entries(callPages)) {
      await waitInLobby(page);
      const text = await shownText(page, 'waiting-status');
      assert.match(text, /has not joined yet/, label);
    }
    // Waiting is not being in the call: no tile of the other, no camera, no frame, no key.
    await sleep(5000);
    for (const [label, page] of Object.entries(callPages)) {
      const s = await sample(page);
      assert.notEqual(s.state, 'secure', label);
      assert.equal(s.videos.length, 0, `${label}: a tile before the host came: ${JSON.stringify(s)}`);
      assert.ok(Object.values(s.frames).every((n) => !n), `${label}: frames decoded before the host came: ${JSON.stringify(s.frames)}`);
      assert.equal(s.sframe?.sent ?? 0, 0, `${label}: frames encrypted without a key`);
      assert.equal(s.sframe?.received ?? 0, 0, `${label}: frames decrypted without a key`);
      assert.equal(await page.getByTestId('call-self-video').count(), 0, `${label}: the camera started before admission`);
      assert.equal(await page.getByTestId('e2ee-code-digits').count(), 0, `${label}: a code before the group`);
    }
  });

  test('the host arrives and admits both; every page decodes the other two through SFrame; one security code', async (t) => {
    const opened = Date.now();
    callPages.therapist = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
    await enterCall(callPages.therapist);
    await admitFromLobby(callPages.therapist, patientA.id);
    await admitFromLobby(callPages.therapist, patientB.id);
    for (const [label, page] of Object.entries(callPages)) {
      const s = await mediaFlows(page, 2, label);
      assert.equal(s.state, 'secure', label);
    }
    t.diagnostic(`all three pages decoding both others ${Date.now() - opened} ms after the host's page opened`);
    const samples = {};
    for (const [label, page] of Object.entries(callPages)) {
      samples[label] = await until(`${label}: SFrame counters`, async () => {
        const s = await sample(page);
        return [s.sframe.sent > 0 && s.sframe.received > 0 && s.roster.length === 3, s];
      });
      const s = samples[label];
      t.diagnostic(`${label}: SFrame frames encrypted ${s.sframe.sent}, decrypted ${s.sframe.received}, auth failures ${s.sframe.authFailed}, epoch ${s.epoch}`);
      assert.equal(s.sframe.authFailed, 0, `${label}: SFrame authentication failures`);
      assert.ok(s.roster.every((m) => m.status === 'verified'), `${label}: roster ${JSON.stringify(s.roster)}`);
      assert.equal(await page.getByTestId('e2ee-member').count(), 3, `${label}: roster rows`);
      assert.match(await page.getByTestId('e2ee-state').textContent(), /Encrypted/);
    }
    // All three pages show the same code (digits and words), read from the page itself.
    const codes = Object.values(samples).map((s) => `${s.code} / ${s.words} / ${s.epoch}`);
    assert.equal(new Set(codes).size, 1, `codes differ: ${codes.join(' | ')}`);
    assert.match(samples.therapist.code, /^(\d{5} ){5}\d{5}$/);
    for (const [label, s] of Object.entries(samples)) assert.equal(s.shown.replace(/\s+/g, ' '), s.code, `${label}: shown code`);
    assert.match(await callPages.therapist.getByTestId('e2ee-prompt').textContent(), /Read this code aloud; everyone should see the same/);
    assert.equal(samples.patientA.counters.welcomesJoined, 1);
    assert.equal(samples.therapist.counters.welcomesJoined, 0);
  });

  test('what the SFU forwards is SFrame ciphertext behind the codec prefix, never a plain frame', async (t) => {
    // Let a few more seconds of media pass through the sampler (flushed every 250 ms).
    await sleep(3000);
    const samples = fs.readFileSync(SAMPLE_FILE, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const bySsrc = new Map();
    const starts = { video: 0, audio: 0 };
    const seen = new Set();
    for (const s of samples) {
      assert.ok(s.codec === 'vp8' || s.codec === 'opus', `forwarded ${s.codec}`);
      if (s.size < 20) continue; // too short to hold a header and a tag (Opus DTX, padding)
      if (seen.has(`${s.ssrc}/${s.head}`)) continue; // a retransmission (RTX) of one already seen
      seen.add(`${s.ssrc}/${s.head}`);
      const bytes = Buffer.from(s.head, 'hex');
      const at = sframeOffset(s, bytes);
      if (at < 0) continue; // a later packet of a video frame: ciphertext without a header
      const header = sframeHeader(bytes, at);
      assert.ok(header, `${s.kind} frame without an SFrame header: ${s.head}`);
      starts[s.kind]++;
      const key = `${s.ssrc}/${header.kid}`;
      if (!bySsrc.has(key)) bySsrc.set(key, []);
      bySsrc.get(key).push(header.ctr);
    }
    t.diagnostic(`sampled ${samples.length} forwarded payloads: ${starts.video} video frame starts, ${starts.audio} audio frames, ${bySsrc.size} (SSRC, KID) pairs`);
    assert.ok(starts.video >= 20 && starts.audio >= 20, JSON.stringify(starts));
    // Each sender's CTR counts its frames: per (SSRC, KID) the counters rise, which a plain
    // VP8 or Opus frame read as a header would not do.
    for (const [key, ctrs] of bySsrc) {
      if (ctrs.length < 5) continue;
      let rising = 0;
      for (let i = 1; i < ctrs.length; i++) {
        assert.ok(ctrs[i] >= ctrs[i - 1] || ctrs[i - 1] - ctrs[i] < 64n, `${key}: CTR went back ${ctrs[i - 1]} → ${ctrs[i]}`);
        if (ctrs[i] > ctrs[i - 1]) rising++;
      }
      assert.ok(rising >= (ctrs.length - 1) * 0.9, `${key}: CTRs do not count frames: ${ctrs.slice(0, 20).join(',')}`);
    }
  });

  test('a patient leaves; the host removes their device and the code changes for the two left', async () => {
    const before = await sample(callPages.therapist);
    await callPages.patientB.getByTestId('call-leave').click();
    await callPages.patientB.waitForURL((u) => u.pathname === '/patient');
    delete callPages.patientB;
    const after = await until('the two left do not agree on a new code without patient B', async () => {
      const s = await Promise.all(Object.values(callPages).map(sample));
      const ok = s.every((x) => x.code && x.code !== before.code && x.code === s[0].code && x.roster.length === 2);
      return [ok, s.map((x) => ({ code: x.code, epoch: x.epoch, roster: x.roster }))];
    });
    assert.ok(!after[0].roster.some((m) => m.user === patientB.id), 'patient B still holds the keys');
    for (const [label, page] of Object.entries(callPages)) {
      const s = await mediaFlows(page, 1, `${label} after the removal`);
      assert.equal(s.sframe.authFailed, 0, `${label}: authentication failures after the removal`);
    }
  });

  test('a reload resumes from the stored group state, without a new Welcome', async () => {
    const page = callPages.patientA;
    const before = await sample(page);
    await page.reload();
    await enterCall(page);
    await page.getByTestId('call-self-video').waitFor();
    const s = await mediaFlows(page, 1, 'patientA after the reload');
    assert.equal(s.counters.welcomesJoined, 0, 'joined from a new Welcome instead of resuming');
    // The resumed page commits a fresh epoch before it sends (SFrame counters restart).
    assert.ok(BigInt(s.epoch) > BigInt(before.epoch), `epoch ${before.epoch} → ${s.epoch}`);
    await until('the therapist does not show the new code', async () => {
      const t = await sample(callPages.therapist);
      const a = await sample(page);
      return [t.code === a.code && t.epoch === a.epoch, { t: t.epoch, a: a.epoch }];
    });
    await mediaFlows(callPages.therapist, 1, 'therapist after the patient reloaded');
  });

  test('the same patient from a new browser (a new device) is admitted again; the code changes on both pages', async () => {
    const old = callPages.patientA;
    await old.getByTestId('call-leave').click();
    await old.waitForURL((u) => u.pathname === '/patient');
    const before = await sample(callPages.therapist);
    const { page } = await openSignedIn(pages, srv, patientA.cookie, `/call/${roomId}`);
    await enterCall(page);
    callPages.patientA = page;
    const s = await mediaFlows(page, 1, 'patientA in a new browser');
    assert.equal(s.state, 'secure');
    assert.equal(s.counters.welcomesJoined, 1, 'the new device was not admitted by a Welcome');
    // Its own device is in the roster, verified (the old device's leaf may stay while the
    // person is in the call; it goes once they have been away for the grace period).
    assert.ok(s.roster.some((m) => m.self && m.user === patientA.id && m.status === 'verified'), JSON.stringify(s.roster));
    await mediaFlows(callPages.therapist, 1, 'therapist with the patient’s new browser');
    await until('the therapist and the new browser do not agree on a new code', async () => {
      const [th, pa] = await Promise.all([sample(callPages.therapist), sample(page)]);
      return [th.code && th.code === pa.code && th.code !== before.code, { before: before.code, th: th.code, pa: pa.code }];
    });
  });

  test('a browser that cannot encrypt media is refused, naming the browsers that can', async () => {
    const { ctx, page } = await pages.open();
    await ctx.addInitScript(() => {
      delete window.RTCRtpScriptTransform;
      delete RTCRtpSender.prototype.createEncodedStreams;
    });
    await ctx.addCookies([{ name: 'haven_session', value: patientB.cookie.split('=')[1], url: srv.url, httpOnly: true, secure: true, sameSite: 'Strict' }]);
    await page.goto(`${srv.url}/call/${roomId}`);
    const text = await shownText(page, 'call-error');
    assert.match(text, /cannot encrypt/);
    assert.match(text, /Chrome/);
    assert.match(text, /Firefox/);
    assert.match(text, /Safari/);
    assert.equal(await page.getByTestId('call-self-video').count(), 0, 'media started without encryption');
    assert.equal(await page.locator('[data-testid="call-remote-video"]').count(), 0);
    // The two in the call never saw this page join.
    const s = await sample(callPages.therapist);
    assert.equal(s.videos.length, 1);
  });

  test('a page that never gets its Welcome (like a listener a server slipped in) receives the media and decodes none of it', async (t) => {
    // The page's own socket drops every Welcome the server forwards to it, so it is in the
    // SFU's call and in the host's roster, as a listener injected by a server would be, but
    // holds no epoch secret.
    const { ctx, page } = await pages.open();
    await useSession(ctx, srv, patientB.cookie);
    let dropped = 0;
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        try {
          const m = JSON.parse(String(message));
          if (m.type === 'mls.message' && m.kind === 'welcome') {
            dropped++;
            return;
          }
        } catch {
          /* not JSON: pass it on */
        }
        ws.send(message);
      });
    });
    await page.goto(`${srv.url}/call/${roomId}`);
    await enterCall(page);
    await page.getByTestId('call-self-video').waitFor();
    await until('no Welcome for the listener was sent and dropped', async () => [dropped > 0, dropped]);
    const first = await until('the listener receives no video', async () => {
      const s = await page.evaluate(async () => (await window.__havenCall.stats()).bytesReceived.video);
      return [s > 0, s];
    });
    // The therapist still decodes patient A (the listener's tile stays dark: it sends nothing).
    let prev = null;
    await until('the therapist stopped decoding patient A with the listener in the call', async () => {
      const cur = await sample(callPages.therapist);
      const lit = cur.videos.filter((v) => v.width > 0);
      const ok = prev && lit.length === 1 && (cur.frames[lit[0].peer] ?? 0) > (prev.frames[lit[0].peer] ?? Infinity);
      prev = cur;
      return [ok, cur];
    });
    await sleep(5000);
    const s = await sample(page);
    const bytes = await page.evaluate(async () => (await window.__havenCall.stats()).bytesReceived.video);
    t.diagnostic(`listener: ${dropped} Welcome(s) dropped, ${bytes} video bytes received, state ${s.state}`);
    assert.ok(bytes > first, 'the SFU stopped forwarding to the listener; the test proves nothing');
    assert.notEqual(s.state, 'secure');
    assert.ok(Object.values(s.frames).every((n) => !n), `decoded frames without keys: ${JSON.stringify(s.frames)}`);
    assert.equal(s.sframe.received, 0, 'frames decrypted without keys');
    assert.ok(s.videos.every((v) => v.width === 0), `a picture without keys: ${JSON.stringify(s.videos)}`);
    await page.close();
  });

  test('the host removes a patient: that page is told and holds no key of the next epoch, cannot rejoin, and the others go on', async (t) => {
    const { page } = await openSignedIn(pages, srv, patientC.cookie, `/call/${roomId}`);
    await enterCall(page);
    await admitFromLobby(callPages.therapist, patientC.id);
    const joined = await until('patient C is not admitted', async () => {
      const s = await sample(page);
      return [s?.state === 'secure' && s.videos.some((v) => v.width > 0), s];
    });
    const peerC = await page.evaluate(() => window.__havenCall.peerId);
    const tile = callPages.therapist.locator(`[data-testid="call-peer"][data-peer-id="${peerC}"]`);
    // The control asks first; Cancel changes nothing.
    await tile.getByTestId('call-remove').click();
    await tile.getByTestId('call-remove-cancel').click();
    assert.equal(await tile.getByTestId('call-remove-confirm').count(), 0);
    // Patients have no such control.
    assert.equal(await callPages.patientA.getByTestId('call-remove').count(), 0);
    const before = await sample(callPages.therapist);
    await tile.getByTestId('call-remove').click();
    await tile.getByTestId('call-remove-confirm').click();

    assert.match(await shownText(page, 'call-error'), /The host removed you from this call/);
    const last = await sample(page).catch(() => null);
    const after = await until('the therapist and patient A do not agree on a code without patient C', async () => {
      const s = await Promise.all([sample(callPages.therapist), sample(callPages.patientA)]);
      const ok = s.every((x) => x.code && x.code !== before.code && x.code === s[0].code && !x.roster.some((m) => m.user === patientC.id));
      return [ok, s.map((x) => ({ epoch: x.epoch, roster: x.roster }))];
    });
    // The page's keys stop at the epoch it was removed from: everything said after is in
    // an epoch it never had a secret for.
    const keptEpoch = BigInt(last?.sframe?.epoch ?? joined.epoch);
    t.diagnostic(`patient C held epoch ${keptEpoch}; the two left moved on to ${after[0].epoch}`);
    assert.ok(BigInt(after[0].epoch) > keptEpoch, `epoch ${after[0].epoch} vs the removed page's ${keptEpoch}`);
    assert.equal(await page.locator('[data-testid="call-remote-video"]').count(), 0, 'the removed page still shows the call');
    await mediaFlows(callPages.patientA, 1, 'patient A after the removal');

    // Coming back is refused until the call ends, in plain words, before the camera is asked for.
    await page.reload();
    assert.match(await shownText(page, 'call-error'), /removed you from this call/);
    assert.equal(await page.getByTestId('prejoin-join').count(), 0, 'a removed person was offered the pre-join step');
    assert.equal(await page.locator('[data-testid="call-remote-video"]').count(), 0);
    await page.close();
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
