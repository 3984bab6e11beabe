// End-to-end encrypted group call in real Chromium (docs/E2EE.md "In the call"): a
// therapist and two patients on /call/<id>, every frame through SFrame keyed by the room's
// MLS group, which runs through the real server's delivery service on the call socket.
//
// The patients arrive first: they wait for the host and nothing decodes (their SFrame
// workers hold no key, so nothing is even sent). The therapist arrives, admits both with
// one Add commit, and every page then decodes the other two with frames encrypted and
// decrypted by the worker and no authentication failure; all three show one security
// code. A patient leaves; the host removes their device and the code changes on the two
// left. A reload resumes from the stored group state without a new Welcome; the same
// patient in a new browser (a new device) is admitted again. A browser
// without encoded transforms is refused with words naming the browsers that work.
// Everything is polled until a generous deadline; nothing here asserts how fast.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, openSignedIn, pageOpener, shownText, pollUntil } from '../lib/browser-session.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';

const DEADLINE_MS = 90_000;
const POLL_MS = 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
  let roomId = '';
  const callPages = {};

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'e2ee-therapist');
    patientA = await invitePerson(srv, therapist.cookie, 'patient', 'e2ee-patient-a');
    patientB = await invitePerson(srv, therapist.cookie, 'patient', 'e2ee-patient-b');
    const res = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [patientA.id, patientB.id] } });
    assert.equal(res.status, 201, res.text);
    roomId = res.json.room.id;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 900 } });
  });

  after(async () => {
    if (pages) await pages.closeAll();
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  test('patients who arrive before the host wait for it and receive nothing', async () => {
    for (const [label, who] of [['patientA', patientA], ['patientB', patientB]]) {
      callPages[label] = (await openSignedIn(pages, srv, who.cookie, `/call/${roomId}`)).page;
    }
    for (const [label, page] of Object.entries(callPages)) {
      await page.getByTestId('call-self-video').waitFor();
      const text = await shownText(page, 'e2ee-state');
      assert.match(text, /Waiting for the host to admit you/, label);
    }
    // Each sees the other's tile (call signaling), but no frame: nothing has keys.
    await until('the patients do not see each other in the call', async () => {
      const s = await Promise.all(Object.values(callPages).map(sample));
      return [s.every((x) => x.videos.length === 1), s];
    });
    await sleep(5000);
    for (const [label, page] of Object.entries(callPages)) {
      const s = await sample(page);
      assert.equal(s.state, 'waiting-for-host', label);
      assert.ok(s.videos.every((v) => v.width === 0), `${label}: a picture before the host came: ${JSON.stringify(s)}`);
      assert.ok(Object.values(s.frames).every((n) => !n), `${label}: frames decoded before the host came: ${JSON.stringify(s.frames)}`);
      assert.equal(s.sframe.sent, 0, `${label}: frames encrypted without a key`);
      assert.equal(s.sframe.received, 0, `${label}: frames decrypted without a key`);
      assert.equal(await page.getByTestId('e2ee-code-digits').count(), 0, `${label}: a code before the group`);
    }
  });

  test('the host arrives and admits both; every page decodes the other two through SFrame; one security code', async (t) => {
    const opened = Date.now();
    callPages.therapist = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
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

  test('the same patient from a new browser (a new device) is admitted again', async () => {
    const old = callPages.patientA;
    await old.getByTestId('call-leave').click();
    await old.waitForURL((u) => u.pathname === '/patient');
    const { page } = await openSignedIn(pages, srv, patientA.cookie, `/call/${roomId}`);
    callPages.patientA = page;
    const s = await mediaFlows(page, 1, 'patientA in a new browser');
    assert.equal(s.state, 'secure');
    assert.equal(s.counters.welcomesJoined, 1, 'the new device was not admitted by a Welcome');
    // Its own device is in the roster, verified (the old device's leaf may stay while the
    // person is in the call; it goes once they have been away for the grace period).
    assert.ok(s.roster.some((m) => m.self && m.user === patientA.id && m.status === 'verified'), JSON.stringify(s.roster));
    await mediaFlows(callPages.therapist, 1, 'therapist with the patient’s new browser');
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

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
