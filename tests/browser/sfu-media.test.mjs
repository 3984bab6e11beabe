// Real Chromium through Haven's SFU, below the app's UI: three pages join one room with
// plain RTCPeerConnections driven by the signaling protocol (docs/SIGNALING.md; the room's
// owner lets whoever waits in as soon as its room.lobby lists them), and the
// test watches what each page decodes (getStats) while people leave and rejoin, a flood
// of garbage hits the media port, one page's network drops (a UDP relay the test controls
// stops passing its packets) and it comes back through an ICE restart, and a page restarts
// ICE on a working network. The call page itself is
// tested in call.test.mjs.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { assertCleanPages, openSignedIn, pageOpener } from '../lib/browser-session.mjs';
import { freePorts, launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';
import { UdpRelay } from '../lib/udp-relay.mjs';

/**
 * Installs window.rawCall in the page: join/leave/restartIce/summary over /ws. The room's
 * owner joins with { admitWaiting: true }: it admits everyone its room.lobby lists.
 */
function installRawCall() {
  const state = { peerId: null, tracks: {}, events: [], ws: null, sendPc: null, recvPc: null, admitWaiting: false };
  const send = (m) => state.ws.send(JSON.stringify(m));
  let chain = Promise.resolve();
  const serially = (fn) => (chain = chain.then(fn, fn));
  async function publish(iceRestart = false) {
    const offer = await state.sendPc.createOffer({ iceRestart });
    await state.sendPc.setLocalDescription(offer);
    const sources = {};
    for (const t of state.sendPc.getTransceivers()) sources[t.mid] = t.sender.track.kind === 'audio' ? 'microphone' : 'camera';
    send({ type: 'media.publish', sdp: offer.sdp, sources });
  }
  async function onMessage(m) {
    state.events.push(m.type === 'error' ? `error ${m.code}` : m.type);
    if (m.type === 'room.joined') {
      state.peerId = m.peer_id;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
      for (const track of stream.getTracks()) state.sendPc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      await publish();
    } else if (m.type === 'room.lobby') {
      const waiting = (m.waiting ?? []).map((w) => w.user_id);
      if (state.admitWaiting && waiting.length > 0) send({ type: 'room.admit', user_ids: waiting });
    } else if (m.type === 'media.publish_answer') {
      await state.sendPc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
    } else if (m.type === 'media.offer') {
      state.tracks = m.tracks;
      await state.recvPc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
      const answer = await state.recvPc.createAnswer();
      await state.recvPc.setLocalDescription(answer);
      send({ type: 'media.answer', sdp: answer.sdp });
    }
  }
  window.rawCall = {
    join(roomId, { admitWaiting = false } = {}) {
      state.admitWaiting = admitWaiting;
      state.sendPc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      state.recvPc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      state.ws = new WebSocket(`wss://${location.host}/ws`);
      state.ws.onmessage = (ev) => {
        const m = JSON.parse(ev.data);
        if (m.type === 'hello') send({ type: 'room.join', room_id: roomId });
        else serially(() => onMessage(m));
      };
    },
    leave() {
      send({ type: 'room.leave' });
      state.sendPc.close();
      state.recvPc.close();
    },
    restartIce() {
      serially(() => publish(true));
      send({ type: 'media.restart_ice' });
    },
    // The local ports this page's connections use (to cut its network path in the relay).
    async localPorts() {
      const ports = new Set();
      for (const pc of [state.sendPc, state.recvPc]) {
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'local-candidate' && s.port) ports.add(s.port);
        });
      }
      return [...ports];
    },
    remoteUfrags() {
      const ufrag = (pc) => /a=ice-ufrag:(\S+)/.exec(pc.remoteDescription?.sdp ?? '')?.[1] ?? null;
      return [ufrag(state.sendPc), ufrag(state.recvPc)];
    },
    // Per publishing peer: video frames decoded and width, audio bytes, from live sections.
    async summary() {
      const byPeer = {};
      const live = new Set(state.recvPc.getTransceivers().filter((t) => t.currentDirection === 'recvonly').map((t) => t.mid));
      (await state.recvPc.getStats()).forEach((s) => {
        if (s.type !== 'inbound-rtp' || !live.has(s.mid) || !state.tracks[s.mid]) return;
        const peer = (byPeer[state.tracks[s.mid].peer_id] ??= {});
        if (s.kind === 'video') Object.assign(peer, { frames: s.framesDecoded ?? 0, width: s.frameWidth ?? 0 });
        else peer.audioBytes = s.bytesReceived;
      });
      return { peerId: state.peerId, byPeer, events: state.events, sendIce: state.sendPc.iceConnectionState, recvIce: state.recvPc.iceConnectionState };
    },
  };
}

describe('media through the SFU in Chromium', () => {
  let srv;
  let relay;
  let sfuPort;
  let browser;
  let pages;
  let room;
  const people = [];
  const calls = [];

  before(async () => {
    // Media goes through a relay the test controls (sfu.announced_port), so it can cut one
    // page's network path; consent expires after 5 s of silence instead of 30.
    let relayPort;
    [sfuPort, relayPort] = await freePorts(2);
    relay = new UdpRelay(sfuPort);
    await relay.start(relayPort);
    srv = await startServer({
      env: { HAVEN_SFU_PORT: String(sfuPort), HAVEN_SFU_ANNOUNCED_PORT: String(relayPort), HAVEN_SFU_CONSENT_TIMEOUT_SECONDS: '5' },
    });
    const admin = await enrollAdminWithTotp(srv);
    const therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist');
    people.push(therapist);
    for (const label of ['alice', 'bob']) people.push(await invitePerson(srv, therapist.cookie, 'patient', label));
    room = (await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [people[1].id, people[2].id] } })).json.room;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'));
  });
  after(async () => {
    await pages?.closeAll();
    await browser?.close();
    await srv?.stop();
    relay?.close();
  });

  const summary = (i) => calls[i].page.evaluate(() => window.rawCall.summary());

  /** Polls summary(i) until `check` answers something truthy; answers it. */
  async function until(i, check, label) {
    const deadline = Date.now() + 30_000;
    let last;
    while (Date.now() < deadline) {
      last = await summary(i);
      const value = check(last);
      if (value) return value;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.fail(`${label}: page ${i}: ${JSON.stringify(last)}`);
  }

  /** Waits until page i receives, from each peer in `from`, video frames that keep rising and audio. */
  async function receiving(i, from, label, { exact = true } = {}) {
    const deadline = Date.now() + 30_000;
    let first = null;
    let last;
    while (Date.now() < deadline) {
      last = await summary(i);
      const ids = from.map((j) => calls[j].peerId);
      const all = ids.every((id) => last.byPeer[id]?.frames > 0 && last.byPeer[id].width > 0 && last.byPeer[id].audioBytes > 0);
      if (all && (!exact || Object.keys(last.byPeer).length === ids.length)) {
        if (!first) first = last;
        else if (ids.every((id) => last.byPeer[id].frames > first.byPeer[id].frames + 10 && last.byPeer[id].audioBytes > first.byPeer[id].audioBytes)) return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.fail(`${label}: page ${i} does not receive from ${from} (${from.map((j) => calls[j].peerId)}): first ${JSON.stringify(first?.byPeer)} last ${JSON.stringify({ ...last, events: last.events.filter((e) => e !== 'room.active_speaker') })}`);
  }

  test('three people each see and hear the two others', async () => {
    for (const person of people) {
      const opened = await openSignedIn(pages, srv, person.cookie, '/account');
      await opened.page.evaluate(installRawCall);
      // The therapist owns the room: its page lets the two patients in from the waiting room.
      opened.host = person.id === room.owner_id;
      await opened.page.evaluate(([id, admitWaiting]) => window.rawCall.join(id, { admitWaiting }), [room.id, opened.host]);
      calls.push(opened);
    }
    for (let i = 0; i < 3; i++) calls[i].peerId = await until(i, (s) => s.peerId, 'joined');
    for (let i = 0; i < 3; i++) await receiving(i, [0, 1, 2].filter((j) => j !== i), 'start');
  });

  test('a flood of garbage at the media port is counted and dropped; the call goes on', async () => {
    // Straight at the SFU's port (the pages reach it through the relay).
    const port = sfuPort;
    const metric = async (reason) => {
      const text = await fetch(`${srv.metricsUrl}/metrics`).then((r) => r.text());
      return Number(new RegExp(`^haven_sfu_dropped_packets_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text)[1]);
    };
    const before = { tuple: await metric('unknown_tuple'), ufrag: await metric('unknown_ufrag'), malformed: await metric('malformed') };
    const socket = dgram.createSocket('udp4');
    const firstBytes = [0x00, 0x01, 0x16, 0x80, 0x90, 0xff, 0x41];
    for (let n = 0; n < 20_000; n++) {
      const size = 20 + (n % 1200);
      const junk = Buffer.alloc(size, n & 0xff);
      junk[0] = firstBytes[n % firstBytes.length];
      if (junk[0] <= 1) junk.writeUInt32BE(0x2112a442, 4);  // looks like STUN: magic cookie
      socket.send(junk, port, '127.0.0.1');
      if (n % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 500));
    socket.close();
    const after = { tuple: await metric('unknown_tuple'), ufrag: await metric('unknown_ufrag'), malformed: await metric('malformed') };
    const dropped = after.tuple + after.ufrag + after.malformed - before.tuple - before.ufrag - before.malformed;
    assert.ok(dropped >= 10_000, `only ${dropped} of 20000 garbage datagrams were counted as dropped`);
    for (let i = 0; i < 3; i++) await receiving(i, [0, 1, 2].filter((j) => j !== i), 'after the flood');
  });

  test('when someone leaves, the others stop receiving them; when they rejoin, everyone sees them again', async () => {
    const leaver = calls[2];
    await leaver.page.evaluate(() => window.rawCall.leave());
    for (const i of [0, 1]) {
      await until(i, (s) => !s.byPeer[leaver.peerId] && s.events.includes('room.participant_left'), 'leave');
      await receiving(i, [1 - i], 'after a leave');
    }
    const old = leaver.peerId;
    const waits = (s) => s.events.filter((e) => e === 'room.waiting').length;
    const waitedBefore = waits(await summary(2));
    // Admitted once, admitted for this room: the patient comes back in without waiting.
    await leaver.page.evaluate(([id, admitWaiting]) => window.rawCall.join(id, { admitWaiting }), [room.id, leaver.host]);
    leaver.peerId = await until(2, (s) => s.peerId !== old && s.peerId, 'rejoined');
    assert.equal(waits(await summary(2)), waitedBefore, 'an admitted patient waited again on rejoining');
    for (let i = 0; i < 3; i++) await receiving(i, [0, 1, 2].filter((j) => j !== i), 'after a rejoin');
  });

  test('a page whose network drops comes back through an ICE restart and decodes again', async () => {
    const ports = await calls[0].page.evaluate(() => window.rawCall.localPorts());
    assert.ok(ports.length > 0, 'no local candidate ports');
    const ufragsBefore = await calls[0].page.evaluate(() => window.rawCall.remoteUfrags());
    relay.block(ports);
    // Chromium notices the silence on both connections; the others keep each other.
    await until(0, (s) => s.sendIce !== 'connected' && s.recvIce !== 'connected' && s.sendIce !== 'completed', 'network drop');
    await receiving(1, [2], 'during the drop', { exact: false });
    // The way back, as the call page does it: restart ICE, then the network returns.
    await calls[0].page.evaluate(() => window.rawCall.restartIce());
    relay.unblock();
    await calls[0].page.waitForFunction((old) => {
      const now = window.rawCall.remoteUfrags();
      return now[0] !== old[0] && now[1] !== old[1];
    }, ufragsBefore);
    for (let i = 0; i < 3; i++) await receiving(i, [0, 1, 2].filter((j) => j !== i), 'after the network came back');
    assert.ok(relay.dropped > 0);
  });

  test('an ICE restart gets new credentials on both connections and media keeps flowing', async () => {
    const before = await calls[0].page.evaluate(() => window.rawCall.remoteUfrags());
    await calls[0].page.evaluate(() => window.rawCall.restartIce());
    await calls[0].page.waitForFunction((old) => {
      const now = window.rawCall.remoteUfrags();
      return now[0] !== old[0] && now[1] !== old[1];
    }, before);
    const s = await summary(0);
    assert.equal(s.sendIce === 'connected' || s.sendIce === 'completed', true, s.sendIce);
    for (let i = 0; i < 3; i++) await receiving(i, [0, 1, 2].filter((j) => j !== i), 'after an ICE restart');
    assertCleanPages(pages.records);
    for (let i = 0; i < 3; i++) assert.deepEqual((await summary(i)).events.filter((e) => e.startsWith('error')), []);
  });
});
