// Group video call through Haven's SFU (docs/SIGNALING.md): a therapist opens a room over
// the API for two patients; all three join /call/<id> in separate browser contexts with
// Chromium's fake camera and microphone, and each must see and hear the other two. Then
// a patient leaves, one page restarts ICE, and a patient who was not invited is turned
// away. Media is checked through window.__havenCall.stats() (getStats inbound-rtp), always
// by polling until a generous deadline: nothing here asserts how fast anything happens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LOG_DIR, launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, openSignedIn, pageOpener, pageWidth, shownText } from '../lib/browser-session.mjs';

const MEDIA_DEADLINE_MS = 90_000;
const POLL_MS = 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What one call page shows and receives: remote <video>s and the client's receive stats. */
function sample(page) {
  return page.evaluate(async () => {
    const hook = window.__havenCall;
    const stats = hook ? await hook.stats() : null;
    const videos = [...document.querySelectorAll('[data-testid="call-remote-video"]')].map((v) => ({
      peer: v.dataset.peerId,
      width: v.videoWidth,
    }));
    return { peerId: hook?.peerId ?? '', participants: hook?.participants() ?? [], stats, videos };
  });
}

/** Peer ids and counters only (no names) for failure messages. */
function summary(s) {
  if (!s) return 'nothing sampled';
  return JSON.stringify({ videos: s.videos, peers: s.stats?.peers ?? null, states: s.stats?.connectionStates ?? null });
}

/** Between two samples: `count` remote videos with a picture, each publisher's frames and audio still arriving. */
function flowing(prev, cur, count) {
  if (!prev?.stats || !cur.stats || cur.videos.length !== count) return false;
  return cur.videos.every((v) => {
    const a = prev.stats.peers[v.peer];
    const b = cur.stats.peers[v.peer];
    return v.width > 0 && a && b && b.framesDecoded > a.framesDecoded && b.audioBytesReceived > a.audioBytesReceived;
  });
}

/** Polls until `page` shows `count` remote tiles whose video and audio keep arriving; answers the last sample. */
async function mediaFlows(page, count, label) {
  const deadline = Date.now() + MEDIA_DEADLINE_MS;
  let prev = null;
  let cur = null;
  while (Date.now() < deadline) {
    cur = await sample(page);
    if (flowing(prev, cur, count)) return cur;
    prev = cur;
    await sleep(POLL_MS);
  }
  assert.fail(`${label}: media from ${count} publisher(s) did not keep flowing; last sample: ${summary(cur)}`);
}

/** Polls until `page` shows exactly `count` remote videos. */
async function tileCount(page, count, label) {
  const deadline = Date.now() + MEDIA_DEADLINE_MS;
  let n = -1;
  while (Date.now() < deadline) {
    n = await page.locator('[data-testid="call-remote-video"]').count();
    if (n === count) return;
    await sleep(POLL_MS);
  }
  assert.fail(`${label}: ${n} remote tiles, expected ${count}`);
}

describe('group video call', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patientA;
  let patientB;
  let outsider; // a patient of the same therapist, not invited to the room
  let roomId = '';
  const callPages = {}; // label → page
  const nameOf = {}; // user id → display name

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    // Rooms are opened by therapists with two-step verification; patients need none.
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'call-therapist');
    patientA = await invitePerson(srv, therapist.cookie, 'patient', 'call-patient-a');
    patientB = await invitePerson(srv, therapist.cookie, 'patient', 'call-patient-b');
    outsider = await invitePerson(srv, therapist.cookie, 'patient', 'call-outsider');
    for (const p of [therapist, patientA, patientB, outsider]) nameOf[p.id] = p.who.displayName;
    // A certificate Chromium trusts (not just ignored): a plain secure context for
    // getUserMedia, WebRTC and the wss:// signaling socket.
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 800 } });
  });

  after(async () => {
    if (pages) await pages.closeAll();
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  test('the therapist opens a room for two patients; only they see it', async () => {
    const res = await request(srv, 'POST', '/api/rooms', {
      cookie: therapist.cookie,
      body: { participant_ids: [patientA.id, patientB.id] },
    });
    assert.equal(res.status, 201, `POST /api/rooms answered ${res.status} ${res.text}`);
    roomId = res.json.room.id;
    assert.match(roomId, /^[A-Za-z0-9_-]{1,64}$/);
    assert.equal(res.json.room.owner_id, therapist.id);

    const listed = async (who) => (await apiGet(srv, who.cookie, '/api/rooms')).json.rooms.map((r) => r.id);
    assert.ok((await listed(patientA)).includes(roomId), 'invited patient does not see the room');
    assert.ok(!(await listed(outsider)).includes(roomId), 'a patient who was not invited sees the room');
  });

  test('all three join: the therapist and one patient through Join on their home page', async () => {
    const join = async (who, home, viewport) => {
      const { page } = await openSignedIn(pages, srv, who.cookie, home, { viewport });
      const item = page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
      await item.waitFor();
      assert.match(await item.textContent(), /With 2 other people/);
      await item.getByTestId('room-join').click();
      await page.waitForURL((u) => u.pathname === `/call/${roomId}`);
      return page;
    };
    callPages.therapist = await join(therapist, '/therapist', { width: 1024, height: 800 });
    callPages.patientA = await join(patientA, '/patient', { width: 1024, height: 800 });
    // The second patient follows the link directly, on a phone-sized screen.
    const { page } = await openSignedIn(pages, srv, patientB.cookie, `/call/${roomId}`, { viewport: { width: 375, height: 740 } });
    callPages.patientB = page;
    for (const p of Object.values(callPages)) await p.getByTestId('call-self-video').waitFor();
  });

  test('every page shows the other two, with moving video and sound', async () => {
    for (const [label, page] of Object.entries(callPages)) {
      const s = await mediaFlows(page, 2, label);
      // Each tile is labelled with the name of the person whose peer id it carries.
      const users = new Map(s.participants.map((p) => [p.peer_id, p.user_id]));
      for (const v of s.videos) {
        const tile = page.locator(`[data-testid="call-peer"][data-peer-id="${v.peer}"]`);
        assert.equal((await tile.getByTestId('call-tile-name').textContent()).trim(), nameOf[users.get(v.peer)], `${label}: tile label`);
      }
      assert.equal((await page.getByTestId('call-status').textContent()).trim(), 'Connected');
      assert.ok(!page.url().includes(encodeURIComponent(patientA.who.displayName)), 'a name in the URL');
    }
    assert.ok((await pageWidth(callPages.patientB)) <= 375, `call page is ${await pageWidth(callPages.patientB)}px wide at 375`);
    await callPages.patientB.screenshot({ path: path.join(LOG_DIR, 'call-375.png'), fullPage: true });
    await callPages.therapist.screenshot({ path: path.join(LOG_DIR, 'call-therapist.png'), fullPage: true });
  });

  test('muting the microphone is shown to the others', async () => {
    const page = callPages.patientB;
    const peerB = await page.evaluate(() => window.__havenCall.peerId);
    await page.getByTestId('call-mic').click();
    assert.equal((await page.getByTestId('call-mic').textContent()).trim(), 'Unmute microphone');
    await callPages.therapist.waitForFunction(
      (peer) => window.__havenCall.participants().some((p) => p.peer_id === peer && p.muted.microphone),
      peerB,
    );
    const tile = callPages.therapist.locator(`[data-testid="call-peer"][data-peer-id="${peerB}"]`);
    assert.match(await tile.textContent(), /microphone off/);
    await page.getByTestId('call-mic').click();
    assert.equal((await page.getByTestId('call-mic').textContent()).trim(), 'Mute microphone');
  });

  test('a patient leaves: back on their home page, and the others keep one tile', async () => {
    const page = callPages.patientA;
    await page.getByTestId('call-leave').click();
    await page.waitForURL((u) => u.pathname === '/patient');
    await page.getByTestId('landing-heading').waitFor();
    delete callPages.patientA;
    for (const [label, p] of Object.entries(callPages)) {
      await tileCount(p, 1, `${label} after the leave`);
      await mediaFlows(p, 1, `${label} after the leave`);
    }
  });

  test('after an ICE restart, video and sound keep arriving', async () => {
    const page = callPages.therapist;
    const before = await sample(page);
    await page.evaluate(() => window.__havenCall.restartIce());
    const s = await mediaFlows(page, 1, 'therapist after the ICE restart');
    const peer = s.videos[0].peer;
    assert.ok(s.stats.peers[peer].framesDecoded > before.stats.peers[peer].framesDecoded, 'no frames after the restart');
    // The other side is unaffected too.
    await mediaFlows(callPages.patientB, 1, 'patient after the therapist’s ICE restart');
  });

  test('a patient who was not invited is told the room cannot be found', async () => {
    const { page } = await openSignedIn(pages, srv, outsider.cookie, `/call/${roomId}`);
    const text = await shownText(page, 'call-error');
    assert.match(text, /could not be found/);
    assert.doesNotMatch(text, /room_not_found/, 'a raw error code shown');
    assert.equal((await page.getByTestId('call-status').textContent()).trim(), 'Not connected');
    assert.equal(await page.locator('[data-testid="call-remote-video"]').count(), 0);
    assert.equal(await page.getByTestId('call-home').getAttribute('href'), '/patient');
    // The room still runs for the two left in it.
    await mediaFlows(callPages.therapist, 1, 'therapist after the outsider tried');
  });

  test('when the owner ends the room, everyone still in it is told the call has ended', async () => {
    const res = await request(srv, 'POST', `/api/rooms/${roomId}/end`, { cookie: therapist.cookie });
    assert.equal(res.status, 200, `POST /api/rooms/:id/end answered ${res.status} ${res.text}`);
    for (const [label, page] of Object.entries(callPages)) {
      assert.match(await shownText(page, 'call-error'), /call has ended/, label);
      assert.equal(await page.locator('[data-testid="call-remote-video"]').count(), 0, `${label}: tiles left`);
    }
    const rooms = await apiGet(srv, patientB.cookie, '/api/rooms');
    assert.ok(!rooms.json.rooms.some((r) => r.id === roomId), 'an ended room is still listed');
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
