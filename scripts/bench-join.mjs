#!/usr/bin/env node
// Join time (issue 8, step 5; docs/PERFORMANCE.md "Join time"): in Chromium on loopback,
// the time from the host's Admit to the first decrypted remote video frame on the admitted
// person's page, and when each step on the way happened. Each run is a fresh patient who
// has passed the pre-join step and waits in the waiting room; the host presses Admit; the
// admitted page then has to get the MLS Welcome, derive the SFrame keys, subscribe,
// receive a key frame and decrypt and decode it. A frame counts once getStats shows
// framesDecoded > 0 on an inbound video stream (a frame that fails SFrame authentication
// is dropped before the decoder, so it never counts).
//
// The phases are observed from outside the product: an init script (recordJoinMarks)
// wraps WebSocket, Worker and RTCPeerConnection in both pages and timestamps, with
// Date.now(), what arrives and what is sent, by message type only. Both pages run in one
// browser on this machine, so their Date.now() and this script's are the same clock.
// Prints one row per join and, per phase, the median and p90 of the time since Admit.
// A benchmark: figures, no assertions. Usage: node scripts/bench-join.mjs [joins=10]
// (BENCH_JOIN_MARKS=1 also lists every mark of each join.)
import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../tests/lib/accounts.mjs';
import { pageOpener, useSession } from '../tests/lib/browser-session.mjs';
import { enterCall, waitInLobby } from '../tests/lib/call-page.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../tests/lib/harness.mjs';

const joins = Number(process.argv[2] ?? 10);
const POLL_MS = 5;
/** How long to wait, after the first decoded frame, for a tile to present one. */
const SHOWN_WAIT_MS = 3000;
/** BENCH_JOIN_MARKS=1 also prints every mark of each join (types and times only). */
const SHOW_MARKS = process.env.BENCH_JOIN_MARKS === '1';

/**
 * The phases, in the order they are expected: the first mark `mark` on the `host` or
 * admitted (`page`) page at or after Admit. The last is the join's end.
 */
const PHASES = [
  { name: 'admitted', on: 'page', mark: 'got room.joined', says: 'the server tells the page it is in the call (room.joined)' },
  { name: 'host sees', on: 'host', mark: 'got room.participant_joined', says: 'the host page learns of it (room.participant_joined)' },
  { name: 'offer', on: 'page', mark: 'recv offer applied', says: "the SFU's offer is applied on the receiving connection" },
  { name: 'add sent', on: 'host', mark: 'sent mls.commit+welcome', says: 'the host sends the MLS add commit with the Welcome' },
  { name: 'welcome', on: 'page', mark: 'got mls.message/welcome', says: 'the Welcome reaches the page' },
  { name: 'connected', on: 'page', mark: 'recv connected', says: 'the receiving connection is connected (ICE + DTLS)' },
  { name: 'keys', on: 'page', mark: 'sframe keysSet', says: "the SFrame worker has the epoch's keys" },
  { name: 'packet', on: 'page', mark: 'first video packet', says: 'getStats shows video packets received' },
  { name: 'frame in', on: 'page', mark: 'first shown frame received', says: 'the last packet of the first shown frame arrives' },
  { name: 'shown', on: 'page', mark: 'first video frame shown', says: 'the remote <video> presents that frame' },
  { name: 'decoded', on: 'page', mark: 'first video frame decoded', says: 'getStats shows framesDecoded > 0 (the end point, as before)' },
];

/**
 * Runs in each page before its own scripts (page.addInitScript; serialized, so it must not
 * use anything from this module). Pushes {what, at: Date.now()} to window.__joinMarks for
 * socket messages by their type (an MLS message also by kind, a commit with whether it
 * carries a Welcome), the SFrame worker's key messages, and the connections' offers,
 * tracks (and when each unmutes) and states. Never keeps contents: call messages carry SDP, MLS ciphertext and
 * names. The receiving connection is exposed as window.__joinRecvPc for getStats.
 */
function recordJoinMarks() {
  const marks = [];
  window.__joinMarks = marks;
  const mark = (what) => marks.length < 10_000 && marks.push({ what, at: Date.now() });
  const typeOf = (data) => {
    if (typeof data !== 'string') return null;
    try {
      const m = JSON.parse(data);
      if (typeof m?.type !== 'string') return null;
      if (m.type === 'mls.message' && typeof m.kind === 'string') return `${m.type}/${m.kind}`;
      return m.welcome === undefined ? m.type : `${m.type}+welcome`;
    } catch {
      return null;
    }
  };

  // Registered in the constructor, so it runs before the page's own onmessage.
  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        const type = typeOf(ev.data);
        if (type) mark(`got ${type}`);
      });
    }
    send(data) {
      const type = typeOf(data);
      if (type) mark(`sent ${type}`);
      return super.send(data);
    }
  };

  // The SFrame worker: setKeys from the page, keysSet and keyFrameNeeded back.
  window.Worker = class extends window.Worker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        if (ev.data?.type === 'keysSet' || ev.data?.type === 'keyFrameNeeded') mark(`sframe ${ev.data.type}`);
      });
    }
    postMessage(msg, ...rest) {
      if (msg?.type === 'setKeys') mark('sframe setKeys');
      return super.postMessage(msg, ...rest);
    }
  };

  // The SFU offers on the receiving connection and answers on the sending one.
  window.RTCPeerConnection = class extends window.RTCPeerConnection {
    constructor(...args) {
      super(...args);
      this.joinRole = '';
      this.addEventListener('track', (ev) => {
        mark(`${this.joinRole} track ${ev.track.kind}`);
        ev.track.addEventListener('unmute', () => mark(`${this.joinRole} ${ev.track.kind} unmuted`));
      });
      this.addEventListener('connectionstatechange', () => mark(`${this.joinRole} ${this.connectionState}`));
    }
    async setRemoteDescription(desc, ...rest) {
      if (!this.joinRole) this.joinRole = desc?.type === 'offer' ? 'recv' : 'send';
      if (this.joinRole === 'recv') window.__joinRecvPc = this;
      await super.setRemoteDescription(desc, ...rest);
      mark(`${this.joinRole} ${desc?.type} applied`);
    }
  };
}

/**
 * Runs in the admitted page (page.evaluate) from before Admit. Every `pollMs`: reads the
 * receiving connection's getStats and marks the first video packet and the first decoded
 * frame (Chromium caches a connection's stats for 50 ms, so these two are late by up to
 * that), and asks each new remote <video> for its first presented frame
 * (requestVideoFrameCallback: exact, and its receiveTime is when that frame's last packet
 * arrived). Returns once a frame is decoded and shown, or `shownWaitMs` after decoding if
 * no tile presents one.
 */
async function watchFirstFrame({ pollMs, shownWaitMs }) {
  const markAt = (what, at) => window.__joinMarks.push({ what, at });
  const mark = (what) => markAt(what, Date.now());
  const wall = (t) => Math.round(performance.timeOrigin + t);
  const hooked = new WeakSet();
  let shown = false;
  let packet = false;
  let decoded = null;
  for (;;) {
    for (const v of document.querySelectorAll('[data-testid="call-remote-video"]')) {
      if (hooked.has(v)) continue;
      hooked.add(v);
      v.requestVideoFrameCallback((now, frame) => {
        if (shown) return;
        shown = true;
        if (frame.receiveTime !== undefined) markAt('first shown frame received', wall(frame.receiveTime));
        markAt('first video frame shown', wall(now));
      });
    }
    if (!decoded) {
      const report = await window.__joinRecvPc?.getStats();
      let video = null;
      report?.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') video = s;
      });
      if (video && !packet && video.packetsReceived > 0) {
        packet = true;
        mark('first video packet');
      }
      if (video?.framesDecoded > 0) {
        mark('first video frame decoded');
        decoded = Date.now();
      }
    }
    if (decoded && (shown || Date.now() - decoded > shownWaitMs)) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** A new page of `pages` with the join marks recorded, signed in with `cookie`, at `path`. */
async function openMarked(pages, srv, cookie, path) {
  const opened = await pages.open();
  await opened.page.addInitScript(recordJoinMarks);
  await useSession(opened.ctx, srv, cookie);
  await opened.page.goto(`${srv.url}${path}`);
  return opened;
}

/** The page's marks since `since`, in time order (and forgets all it had): [{what, ms after `since`}]. */
async function takeMarks(page, since) {
  const marks = await page.evaluate(() => window.__joinMarks.splice(0));
  return marks
    .filter((m) => m.at >= since)
    .map((m) => ({ what: m.what, ms: m.at - since }))
    .sort((a, b) => a.ms - b.ms); // the frame callback's marks are timed after the fact
}

/** When `what` was first marked in `marks` (ms after Admit), or undefined. */
const firstOf = (marks, what) => marks.find((m) => m.what === what)?.ms;

/**
 * From the admitted page's marks, before its first decoded frame (at `end`): whether the
 * first video frame it decrypted was a delta frame (mostly: the key frame came before the
 * keys and was dropped), after which the worker asks for a key frame (keyFrameNeeded); and
 * how many commits followed the Welcome (each a new epoch to key; the add's own commit
 * comes just before the Welcome).
 */
function keyFrameFacts(marks, end) {
  const before = marks.filter((m) => m.ms < end);
  const welcome = before.findIndex((m) => m.what === 'got mls.message/welcome');
  return {
    deltaFirst: before.some((m) => m.what === 'sframe keyFrameNeeded'),
    newEpochs: welcome < 0 ? 0 : before.slice(welcome + 1).filter((m) => m.what === 'got mls.message/commit').length,
  };
}

/** Median (mean of the two middle values) and p90 (nearest rank) of `values`, with min and max. */
function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return { n, median: (s[(n - 1) >> 1] + s[n >> 1]) / 2, p90: s[Math.min(n - 1, Math.ceil(0.9 * n) - 1)], min: s[0], max: s[n - 1] };
}

const fmt = (ms) => (ms === undefined ? '—' : String(ms)).padStart(5);

function printTable(rows) {
  console.log('\n| phase (ms after Admit) | what | joins | median | p90 | min | max |\n|---|---|---|---|---|---|---|');
  for (const p of PHASES) {
    const values = rows.map((r) => r.at[p.name]).filter((v) => v !== undefined);
    if (values.length === 0) continue;
    const s = summary(values);
    console.log(`| ${p.name} | ${p.says} | ${s.n} | ${s.median} | ${s.p90} | ${s.min} | ${s.max} |`);
  }
  const some = (key) => `${rows.filter((r) => r[key] > 0).length}/${rows.length}`;
  console.log(`\nThe first video frame decrypted was a delta frame (the key frame was lost) in ${some('deltaFirst')} joins;`
    + ` a commit followed the Welcome before the first frame in ${some('newEpochs')}.`);
}

const srv = await startServer({ env: MANY_REQUESTS_ENV });
let browser;
let pages;
try {
  const admin = await enrollAdminWithTotp(srv);
  const therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'bench-therapist');
  const patients = [];
  for (let i = 0; i < joins; i++) patients.push(await invitePerson(srv, therapist.cookie, 'patient', `bench-patient-${i}`));
  const made = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: patients.map((p) => p.id) } });
  if (made.status !== 201) throw new Error(`room: ${made.status} ${made.text}`);
  const roomId = made.json.room.id;
  browser = await launchTrustingBrowser(srv);
  pages = pageOpener(browser, logPath('bench-join'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 800 } });
  const host = (await openMarked(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
  await enterCall(host);
  await host.getByTestId('call-self-video').waitFor();

  console.log(`join ${PHASES.map((p) => p.name.padStart(10)).join('')}   (ms after Admit; key frame lost; commits after the Welcome)`);
  const rows = [];
  for (const [i, patient] of patients.entries()) {
    const { page, ctx } = await openMarked(pages, srv, patient.cookie, `/call/${roomId}`);
    await enterCall(page);
    await waitInLobby(page);
    const row = host.locator(`[data-testid="lobby-person"][data-user-id="${patient.id}"]`);
    await row.waitFor({ timeout: 60_000 });
    // Watches from inside the admitted page, so no round trip to this script delays it.
    const firstFrame = page.evaluate(watchFirstFrame, { pollMs: POLL_MS, shownWaitMs: SHOWN_WAIT_MS });
    const admittedAt = Date.now();
    await row.getByTestId('lobby-admit').click();
    await firstFrame;
    const marks = { page: await takeMarks(page, admittedAt), host: await takeMarks(host, admittedAt) };
    const at = Object.fromEntries(PHASES.map((p) => [p.name, firstOf(marks[p.on], p.mark)]));
    const result = { at, ...keyFrameFacts(marks.page, at.decoded) };
    rows.push(result);
    console.log(`${String(i + 1).padStart(4)} ${PHASES.map((p) => fmt(at[p.name]).padStart(10)).join('')}   ${result.deltaFirst ? 'yes' : 'no'}  ${result.newEpochs}`);
    if (SHOW_MARKS) for (const side of ['host', 'page']) for (const m of marks[side]) console.log(`       ${fmt(m.ms)}  ${side} ${m.what}`);
    // Leave, so every join is into a call of two (the host and the one admitted).
    await page.getByTestId('call-leave').click().catch(() => undefined);
    await ctx.close();
  }
  printTable(rows);
} finally {
  if (pages) await pages.closeAll();
  if (browser) await browser.close();
  await srv.stop();
}
