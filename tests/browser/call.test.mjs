// Group video call through Haven's SFU (docs/SIGNALING.md): a therapist opens a room over
// the API for two patients; all three join /call/<id> in separate browser contexts with
// Chromium's fake camera and microphone, and each must see and hear the other two. Each
// camera goes out as three simulcast layers and each page says which layer its tiles need
// (media.layers); screens are shared and unshared. Then a patient leaves, one page
// restarts ICE, and a patient who was not invited is turned away. Media is checked through
// window.__havenCall.stats() (getStats inbound-rtp / outbound-rtp), always by polling
// until a generous deadline: nothing here asserts how fast anything happens.
//
// Screen sharing uses Chromium's real getDisplayMedia: headless Chromium with
// --use-fake-ui-for-media-stream (CHROMIUM_ARGS) picks a fake 1280×720 "screen" without a
// picker, so no stub is needed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LOG_DIR, launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, pollUntil, shownText, useSession } from '../lib/browser-session.mjs';
import { admitFromLobby, enterCall } from '../lib/call-page.mjs';
import { layersSent, spyOnLayerMessages } from '../lib/call-layers.mjs';

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

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: MEDIA_DEADLINE_MS, pollMs: POLL_MS });

/** The page's camera as sent (outbound-rtp by rid) and received (inbound-rtp camera video per publisher). */
function simulcastSample(page) {
  return page.evaluate(async () => {
    const s = await window.__havenCall.stats();
    const sent = {};
    for (const o of s.outbound) if (o.source === 'camera' && o.kind === 'video') sent[o.rid] = o.framesEncoded;
    const received = {};
    for (const i of s.inbound) {
      if (i.source !== 'camera' || i.kind !== 'video') continue;
      (received[i.peerId] ??= []).push(i.framesDecoded);
    }
    return { sent, received };
  });
}

/** Camera video received per recv mid: frame height and frames decoded. */
function cameraFrames(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const i of (await window.__havenCall.stats()).inbound) {
      if (i.source === 'camera' && i.kind === 'video') out[i.mid] = { height: i.frameHeight, frames: i.framesDecoded };
    }
    return out;
  });
}

/** Polls until `page`'s camera video `check`s between two samples (prev, cur per mid). */
function camerasUntil(page, label, check) {
  let prev = null;
  return until(label, async () => {
    const cur = await cameraFrames(page);
    const ok = prev !== null && Object.keys(cur).length > 0 && check(prev, cur);
    prev = cur;
    return [ok, cur];
  });
}

/** Polls until `page` shows `peer`'s screen with frames rising; answers the tile's label. */
async function screenFlows(page, peer, label) {
  const tile = page.locator(`[data-testid="call-screen"][data-peer-id="${peer}"]`);
  let prev = null;
  await until(`${label}: no moving screen share from ${peer}`, async () => {
    const cur = await page.evaluate(async (p) => {
      const v = document.querySelector(`[data-testid="call-screen-video"][data-peer-id="${p}"]`);
      const s = await window.__havenCall.stats();
      return { width: v?.videoWidth ?? 0, frames: s.screens[p]?.framesDecoded ?? 0, cameras: s.inbound.filter((i) => i.source === 'camera' && i.kind === 'video').length };
    }, peer);
    const ok = prev !== null && cur.width > 0 && cur.frames > prev.frames;
    prev = cur;
    return [ok, cur];
  });
  return (await tile.getByTestId('call-screen-name').textContent()).trim();
}

/** Polls until `page` shows no screen tile. */
function noScreens(page, label) {
  return until(`${label}: a screen tile is still shown`, async () => {
    const n = await page.locator('[data-testid="call-screen"]').count();
    return [n === 0, n];
  });
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

  after(() => closeSuite(pages, browser, srv));

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
    /** Like openSignedIn, with the media.layers spy in place before the app starts. */
    const open = async (who, urlPath, viewport) => {
      const { ctx, page } = await pages.open({ viewport });
      await useSession(ctx, srv, who.cookie);
      await page.addInitScript(spyOnLayerMessages);
      await page.goto(`${srv.url}${urlPath}`);
      return page;
    };
    const join = async (who, home, viewport) => {
      const page = await open(who, home, viewport);
      const item = page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
      await item.waitFor();
      assert.match(await item.textContent(), /With 2 other people/);
      await item.getByTestId('room-join').click();
      await page.waitForURL((u) => u.pathname === `/call/${roomId}`);
      await enterCall(page);
      return page;
    };
    callPages.therapist = await join(therapist, '/therapist', { width: 1024, height: 800 });
    // The patients wait until the therapist (the room's owner) lets them in.
    callPages.patientA = await join(patientA, '/patient', { width: 1024, height: 800 });
    await admitFromLobby(callPages.therapist, patientA.id);
    // The second patient follows the link directly, on a phone-sized screen (tall enough
    // that all three tiles are at least partly in view: a tile out of view wants no video).
    callPages.patientB = await open(patientB, `/call/${roomId}`, { width: 375, height: 812 });
    await enterCall(callPages.patientB);
    await admitFromLobby(callPages.therapist, patientB.id);
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

  test('each camera goes out as three simulcast layers; each subscriber decodes one stream per camera', async () => {
    for (const [label, page] of Object.entries(callPages)) {
      let prev = null;
      await until(`${label}: camera not sent as q/h/f with at least two layers encoding, or not received once per publisher`, async () => {
        const cur = await simulcastSample(page);
        const rids = Object.keys(cur.sent).sort().join(',');
        // A slow machine may stop encoding the top layer (Chromium's CPU adaptation): two suffice.
        const encoding = prev ? Object.keys(cur.sent).filter((r) => cur.sent[r] > (prev.sent[r] ?? Infinity)).length : 0;
        const publishers = Object.entries(cur.received);
        const receivedOnce =
          prev !== null &&
          publishers.length === 2 &&
          publishers.every(([peer, frames]) => frames.length === 1 && frames[0] > (prev.received[peer]?.[0] ?? Infinity));
        const ok = rids === 'f,h,q' && encoding >= 2 && receivedOnce;
        prev = cur;
        return [ok, cur];
      });
    }
  });

  test('each page tells the SFU the layer each tile needs (media.layers), and off for a tile out of view', async () => {
    for (const [label, page] of Object.entries(callPages)) {
      const s = await layersSent(page, label);
      // A server that does not know media.layers answers unknown_type: that is no problem to show.
      assert.equal(await page.getByTestId('call-notice').count(), 0, `${label}: a notice is shown`);
      // A `low` tile (all of them at these sizes) gets the quarter-size layer (the fake
      // camera is 1280×720, so at most 180 rows), and every tile keeps moving.
      assert.ok(Object.values(s.last).includes('low'), `${label}: no low tile: ${JSON.stringify(s)}`);
      await camerasUntil(page, `${label}: the low layer is not what arrives`, (prev, cur) =>
        Object.entries(cur).every(
          ([mid, c]) => c.height > 0 && (s.last[mid] !== 'low' || c.height <= 180) && c.frames > (prev[mid]?.frames ?? Infinity),
        ),
      );
    }
    // On the phone, a short window leaves the lowest tile out of view: it must be `off`,
    // and the SFU then stops sending it while the tile in view keeps moving. The first
    // other person's tile is scrolled to the window's bottom edge, so the one after it is
    // out of view however tall the rest of the page is (an earlier click scrolled it).
    const page = callPages.patientB;
    await page.setViewportSize({ width: 375, height: 420 });
    await page.locator('[data-testid="call-peer"]').first().evaluate((el) => el.scrollIntoView({ block: 'end' }));
    const s = await layersSent(page, 'patientB with a short window');
    const off = Object.keys(s.last).filter((mid) => s.last[mid] === 'off');
    assert.ok(off.length > 0, `no tile is off: ${JSON.stringify(s)}`);
    await camerasUntil(page, 'patientB: a tile out of view still gets video, or the one in view stopped', (prev, cur) =>
      Object.entries(cur).every(([mid, c]) => (off.includes(mid) ? c.frames === prev[mid]?.frames : c.frames > (prev[mid]?.frames ?? Infinity))),
    );
    await page.setViewportSize({ width: 375, height: 812 });
    await layersSent(page, 'patientB with the window restored');
    // Video comes back for the tile that was paused.
    await mediaFlows(page, 2, 'patientB after its tiles were shown again');
  });

  test('a shared screen shows as its own tile to the others, and goes away when sharing stops', async () => {
    const sharerPage = callPages.therapist;
    const sharer = await sharerPage.evaluate(() => window.__havenCall.peerId);
    const share = sharerPage.getByTestId('call-share');
    assert.equal((await share.textContent()).trim(), 'Share screen');
    await share.click();
    await sharerPage.getByTestId('call-sharing').waitFor();
    assert.equal((await share.textContent()).trim(), 'Stop sharing');
    for (const label of ['patientA', 'patientB']) {
      const page = callPages[label];
      const name = await screenFlows(page, sharer, label);
      assert.equal(name, `${nameOf[therapist.id]}'s screen`, `${label}: screen tile label`);
      // The cameras are still there next to it.
      assert.equal(await page.locator('[data-testid="call-remote-video"]').count(), 2, `${label}: camera tiles`);
    }
    // The wide screen tile asks for a larger layer than the camera thumbnails.
    await layersSent(callPages.patientA, 'patientA with a screen tile');
    assert.ok((await pageWidth(callPages.patientB)) <= 375, 'the phone page scrolls sideways with a screen tile');
    await callPages.patientA.screenshot({ path: path.join(LOG_DIR, 'call-screen-share.png'), fullPage: true });

    await share.click();
    assert.equal((await share.textContent()).trim(), 'Share screen');
    for (const label of ['patientA', 'patientB']) await noScreens(callPages[label], `${label} after Stop sharing`);

    // Sharing again, from a patient, ended with the browser's own "Stop sharing": Chromium
    // then ends the track and fires `ended`. A script's track.stop() fires nothing, so the
    // test stops the track and fires the event the way the browser would.
    const patientPage = callPages.patientA;
    const patientPeer = await patientPage.evaluate(() => window.__havenCall.peerId);
    await patientPage.evaluate(() => {
      const media = navigator.mediaDevices;
      const real = media.getDisplayMedia.bind(media);
      media.getDisplayMedia = async (c) => (window.__screenStream = await real(c));
    });
    await patientPage.getByTestId('call-share').click();
    for (const label of ['therapist', 'patientB']) await screenFlows(callPages[label], patientPeer, label);
    await patientPage.evaluate(() => {
      const track = window.__screenStream.getVideoTracks()[0];
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await until('the patient’s Share button did not come back', async () => {
      const text = (await patientPage.getByTestId('call-share').textContent()).trim();
      return [text === 'Share screen', text];
    });
    assert.equal(await patientPage.getByTestId('call-sharing').count(), 0);
    for (const label of ['therapist', 'patientB']) await noScreens(callPages[label], `${label} after the browser stopped the share`);

    // The therapist shares once more: the new section reuses the closed one's place in the
    // offer (Chromium recycles a stopped m-line under a new mid), which the SFU must accept.
    // This time from the keyboard: the button is a plain <button>.
    await share.focus();
    await sharerPage.keyboard.press('Enter');
    for (const label of ['patientA', 'patientB']) await screenFlows(callPages[label], sharer, `${label}, second share`);
    await share.click();
    for (const label of ['patientA', 'patientB']) await noScreens(callPages[label], `${label} after the second share`);
    // Cameras kept flowing through all of it, and no re-offer was refused (that shows a notice).
    for (const [label, page] of Object.entries(callPages)) {
      await mediaFlows(page, 2, `${label} after screen sharing`);
      assert.equal(await page.getByTestId('call-notice').count(), 0, `${label}: a notice is shown`);
    }
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
