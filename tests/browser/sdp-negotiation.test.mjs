// Does real Chromium accept the SDP Haven's SFU generates (src/sfu/negotiation/)?
//
// SEND connection: the page offers (camera+mic, simulcast, a screen-share re-offer, a
// stopped track, H.264-only with a data channel) and setRemoteDescription must take the
// C++ answer. RECV connection: the C++ side offers consumers, the page must take the
// offer, answer it, and the answer must pass RecvNegotiator::apply_answer; re-offers after
// a removal and after recycling the closed m-line must work too.
//
// No server and no media: the C++ negotiators run in build/sdp_negotiation_tool (built
// when HAVEN_TESTS is on), driven over JSON lines. The page is an empty document that
// Playwright's router serves at a loopback URL, a secure context with getUserMedia (the
// same trick as scripts/capture-chromium-sdp.mjs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { ROOT, attachPageLog, launchBrowser, logPath } from '../lib/harness.mjs';

const TOOL = process.env.HAVEN_SDP_TOOL || path.join(ROOT, 'build', 'sdp_negotiation_tool');
const PAGE_URL = 'http://127.0.0.1:9/sdp-negotiation';

/** The C++ negotiators behind a JSON-lines pipe: one request, one reply, in order. */
class NegotiationTool {
  constructor() {
    this.child = spawn(TOOL, ['--serve', '--ip', '127.0.0.1', '--port', '40000'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.waiting = [];
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.waiting.shift()?.resolve(JSON.parse(line));
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`tool exited ${code}`));
    });
  }

  request(obj) {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(JSON.stringify(obj) + '\n');
    });
  }

  /** A request that must succeed. */
  async ok(obj) {
    const reply = await this.request(obj);
    assert.equal(reply.ok, true, `${obj.op}: ${reply.error}`);
    return reply;
  }

  close() {
    this.child.stdin.end();
  }
}

/** SSRCs a section lists in a=ssrc lines, by mid. */
function ssrcsByMid(sdp) {
  const out = {};
  for (const section of sdp.split(/\r\n(?=m=)/).slice(1)) {
    const mid = /a=mid:(\S+)/.exec(section)?.[1];
    out[mid] = [...new Set([...section.matchAll(/a=ssrc:(\d+) /g)].map((m) => Number(m[1])))];
  }
  return out;
}

describe('Chromium accepts the SFU negotiators SDP', () => {
  let browser;
  let page;
  let tool;
  let seen;

  before(async () => {
    assert.ok(fs.existsSync(TOOL), `${TOOL} missing: build with HAVEN_TESTS=ON (cmake --build build)`);
    tool = new NegotiationTool();
    browser = await launchBrowser();
    const context = await browser.newContext();
    await context.route(PAGE_URL, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>sdp</title>' }),
    );
    page = await context.newPage();
    seen = attachPageLog(page, logPath('browser'));
    await page.goto(PAGE_URL);
    await page.evaluate(() => {
      window.pcs = {};
      window.describe = (pc) => ({
        signalingState: pc.signalingState,
        transceivers: pc.getTransceivers().map((t) => ({
          mid: t.mid,
          direction: t.direction,
          currentDirection: t.currentDirection,
          kind: t.receiver.track.kind,
          sendKind: t.sender.track?.kind ?? null,
          codecs: t.sender.getParameters().codecs?.map((c) => c.mimeType) ?? [],
          rids: t.sender.getParameters().encodings.map((e) => e.rid ?? null),
        })),
      });
      // Offer side helpers (SEND connection: the browser offers).
      window.offer = async (name) => {
        const pc = window.pcs[name];
        const offer = await pc.createOffer();
        await pc.setLocalDescription(offer);
        return offer.sdp;
      };
      window.accept = async (name, sdp) => {
        const pc = window.pcs[name];
        await pc.setRemoteDescription({ type: 'answer', sdp });
        return window.describe(pc);
      };
      // Answer side helpers (RECV connection: the SFU offers).
      window.answer = async (name, sdp) => {
        const pc = window.pcs[name];
        await pc.setRemoteDescription({ type: 'offer', sdp });
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        return answer.sdp;
      };
    });
  });

  after(async () => {
    await page?.evaluate(() => Object.values(window.pcs).forEach((pc) => pc.close())).catch(() => {});
    await browser?.close();
    tool?.close();
  });

  describe('SEND connection (browser offers, SFU answers)', () => {
    let camera; // { audio, video, stream } ids of the first test's tracks

    test('camera+mic: the answer is accepted and both tracks send', async () => {
      camera = await page.evaluate(async () => {
        const pc = (window.pcs.send = new RTCPeerConnection());
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
        return { stream: stream.id, audio: stream.getAudioTracks()[0].id, video: stream.getVideoTracks()[0].id };
      });
      const offer = await page.evaluate(() => window.offer('send'));
      const res = await tool.ok({ op: 'send.answer', conn: 'send', sdp: offer });
      assert.match(res.answer, /^a=ice-lite\r$/m);
      assert.match(res.answer, /^a=setup:passive\r$/m);
      assert.doesNotMatch(res.answer, /^a=setup:(?!passive)/m);
      const state = await page.evaluate(([sdp]) => window.accept('send', sdp), [res.answer]);
      assert.equal(state.signalingState, 'stable');
      assert.deepEqual(
        state.transceivers.map((t) => [t.mid, t.currentDirection, t.sendKind]),
        [
          ['0', 'sendonly', 'audio'],
          ['1', 'sendonly', 'video'],
        ],
      );
      assert.equal(state.transceivers[0].codecs[0], 'audio/opus');
      assert.equal(state.transceivers[1].codecs[0], 'video/VP8');

      // The producers describe exactly what the page will send.
      const ssrcs = ssrcsByMid(offer);
      assert.equal(res.producers.length, 2);
      const [audio, video] = res.producers;
      assert.equal(audio.kind, 'audio');
      assert.equal(audio.codecs[0].name, 'opus');
      assert.deepEqual([audio.stream_id, audio.track_id], [camera.stream, camera.audio]);
      assert.deepEqual(audio.encodings.map((e) => e.ssrc), ssrcs['0']);
      assert.equal(video.codecs[0].name, 'VP8');
      assert.ok(video.codecs[0].rtx_payload_type > 0);
      assert.deepEqual([video.stream_id, video.track_id], [camera.stream, camera.video]);
      assert.deepEqual([video.encodings[0].ssrc, video.encodings[0].rtx_ssrc], ssrcs['1']);
      assert.ok(video.extensions.mid > 0 && video.extensions.transport_cc > 0);
      assert.match(offer, new RegExp(`a=extmap:${video.extensions.mid} urn:ietf:params:rtp-hdrext:sdes:mid`));
    });

    test('screen-share re-offer on the same connection is accepted', async () => {
      const screen = await page.evaluate(async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 640;
        canvas.height = 360;
        canvas.getContext('2d').fillRect(0, 0, 640, 360);
        const stream = canvas.captureStream(5);
        const [track] = stream.getVideoTracks();
        track.contentHint = 'detail';
        window.pcs.send.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
        return { stream: stream.id, track: track.id };
      });
      const offer = await page.evaluate(() => window.offer('send'));
      const res = await tool.ok({ op: 'send.answer', conn: 'send', sdp: offer });
      assert.match(res.answer, /^a=group:BUNDLE 0 1 2\r$/m);
      const state = await page.evaluate(([sdp]) => window.accept('send', sdp), [res.answer]);
      assert.deepEqual(
        state.transceivers.map((t) => t.currentDirection),
        ['sendonly', 'sendonly', 'sendonly'],
      );
      assert.equal(res.producers.length, 3);
      assert.deepEqual([res.producers[2].stream_id, res.producers[2].track_id], [screen.stream, screen.track]);
      assert.equal(res.producers[2].mid, '2');
    });

    test('stopping the screen share: the re-offer with a rejected section is accepted', async () => {
      await page.evaluate(() => window.pcs.send.getTransceivers()[2].stop());
      const offer = await page.evaluate(() => window.offer('send'));
      const res = await tool.ok({ op: 'send.answer', conn: 'send', sdp: offer });
      assert.match(res.answer, /^m=video 0 /m);
      const state = await page.evaluate(([sdp]) => window.accept('send', sdp), [res.answer]);
      assert.equal(state.signalingState, 'stable');
      assert.deepEqual(
        state.transceivers.filter((t) => t.currentDirection !== 'stopped').map((t) => t.mid),
        ['0', '1'],
      );
      assert.deepEqual(res.producers.map((p) => p.mid), ['0', '1']);
    });

    test('simulcast q/h/f: the answer keeps all three layers', async () => {
      await page.evaluate(async () => {
        const pc = (window.pcs.simulcast = new RTCPeerConnection());
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
        pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
        pc.addTransceiver(stream.getVideoTracks()[0], {
          direction: 'sendonly',
          streams: [stream],
          sendEncodings: [{ rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }],
        });
      });
      const offer = await page.evaluate(() => window.offer('simulcast'));
      const res = await tool.ok({ op: 'send.answer', conn: 'simulcast', sdp: offer });
      assert.match(res.answer, /^a=simulcast:recv q;h;f\r$/m);
      const state = await page.evaluate(([sdp]) => window.accept('simulcast', sdp), [res.answer]);
      assert.equal(state.transceivers[1].currentDirection, 'sendonly');
      // Chromium drops layers the answer does not accept; all three must survive.
      assert.deepEqual(state.transceivers[1].rids, ['q', 'h', 'f']);
      const video = res.producers[1];
      assert.deepEqual(video.encodings.map((e) => [e.rid, e.ssrc]), [['q', 0], ['h', 0], ['f', 0]]);
      assert.ok(video.extensions.rid > 0 && video.extensions.repaired_rid > 0);
    });

    test('H.264 only, with a data channel: H.264 chosen, data channel rejected', async () => {
      const offer = await page.evaluate(async () => {
        const pc = (window.pcs.h264 = new RTCPeerConnection());
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
        const vt = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', streams: [stream] });
        const h264 = RTCRtpSender.getCapabilities('video').codecs.filter(
          (c) => c.mimeType === 'video/H264' || c.mimeType === 'video/rtx',
        );
        vt.setCodecPreferences(h264);
        pc.createDataChannel('chat');
        return window.offer('h264');
      });
      const res = await tool.ok({ op: 'send.answer', conn: 'h264', sdp: offer });
      assert.match(res.answer, /^m=application 0 /m);
      assert.match(res.answer, /packetization-mode=1;profile-level-id=42e01f/);
      const state = await page.evaluate(([sdp]) => window.accept('h264', sdp), [res.answer]);
      assert.equal(state.signalingState, 'stable');
      assert.equal(state.transceivers[1].currentDirection, 'sendonly');
      assert.equal(state.transceivers[1].codecs[0], 'video/H264');
      assert.equal(res.producers[1].codecs[0].name, 'H264');
    });

    test('VP9-only first section: the BUNDLE tag is answered inactive, the rest still sends', async () => {
      const offer = await page.evaluate(async () => {
        const pc = (window.pcs.vp9 = new RTCPeerConnection());
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        const vt = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', streams: [stream] });
        vt.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter((c) => c.mimeType === 'video/VP9'));
        pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
        return window.offer('vp9');
      });
      const res = await tool.ok({ op: 'send.answer', conn: 'vp9', sdp: offer });
      assert.match(res.answer, /^m=video [1-9]\d* /m);
      assert.match(res.answer, /^a=inactive\r$/m);
      const state = await page.evaluate(([sdp]) => window.accept('vp9', sdp), [res.answer]);
      assert.deepEqual(
        state.transceivers.map((t) => [t.mid, t.currentDirection]),
        [
          ['0', 'inactive'],
          ['1', 'sendonly'],
        ],
      );
      assert.deepEqual(res.producers.map((p) => p.mid), ['1']);
    });
  });

  describe('RECV connection (SFU offers, browser answers)', () => {
    const alice = { stream_id: 'alice-stream', cname: 'alicecname' };
    let audioMid;
    let videoMid;

    test('an offer without consumers is accepted', async () => {
      const { offer } = await tool.ok({ op: 'recv.offer', conn: 'empty' });
      assert.doesNotMatch(offer, /^m=/m);
      const answer = await page.evaluate(([sdp]) => {
        window.pcs.empty = new RTCPeerConnection();
        return window.answer('empty', sdp);
      }, [offer]);
      const res = await tool.ok({ op: 'recv.answer', conn: 'empty', sdp: answer });
      assert.deepEqual(res.accepted, []);
    });

    test('two consumers (audio+video of one participant) are received', async () => {
      audioMid = (
        await tool.ok({
          op: 'recv.add',
          conn: 'recv',
          consumer: { ...alice, track_id: 'alice-mic', kind: 'audio', codec: 'opus', ssrc: 1111 },
        })
      ).mid;
      videoMid = (
        await tool.ok({
          op: 'recv.add',
          conn: 'recv',
          consumer: { ...alice, track_id: 'alice-cam', kind: 'video', codec: 'vp8', ssrc: 2222, rtx_ssrc: 3333 },
        })
      ).mid;
      const { offer } = await tool.ok({ op: 'recv.offer', conn: 'recv' });
      assert.match(offer, /^a=setup:actpass\r$/m);
      const answer = await page.evaluate(([sdp]) => {
        const pc = (window.pcs.recv = new RTCPeerConnection());
        window.tracks = [];
        pc.ontrack = (e) => window.tracks.push({ mid: e.transceiver.mid, kind: e.track.kind, streams: e.streams.map((s) => s.id) });
        return window.answer('recv', sdp);
      }, [offer]);
      assert.match(answer, /^a=setup:active\r$/m);
      const res = await tool.ok({ op: 'recv.answer', conn: 'recv', sdp: answer });
      assert.deepEqual(res.accepted.map((p) => [p.mid, p.kind, p.codecs[0].payload_type]), [
        [audioMid, 'audio', 111],
        [videoMid, 'video', 96],
      ]);
      assert.equal(res.accepted[1].codecs[0].rtx_payload_type, 97);
      assert.deepEqual(res.accepted[1].encodings, [{ ssrc: 2222, rtx_ssrc: 3333, rid: '' }]);
      assert.equal(res.accepted[0].extensions.mid, 1);
      assert.equal(res.accepted[0].extensions.audio_level, 4);
      assert.match(res.remote.fingerprint, /^sha-256 [0-9A-F:]{95}$/);

      const state = await page.evaluate(() => ({ ...window.describe(window.pcs.recv), tracks: window.tracks }));
      assert.deepEqual(
        state.transceivers.map((t) => [t.mid, t.kind, t.currentDirection]),
        [
          [audioMid, 'audio', 'recvonly'],
          [videoMid, 'video', 'recvonly'],
        ],
      );
      assert.deepEqual(state.tracks, [
        { mid: audioMid, kind: 'audio', streams: ['alice-stream'] },
        { mid: videoMid, kind: 'video', streams: ['alice-stream'] },
      ]);
    });

    test('re-offer with the video consumer removed is accepted', async () => {
      await tool.ok({ op: 'recv.remove', conn: 'recv', mid: videoMid });
      const { offer } = await tool.ok({ op: 'recv.offer', conn: 'recv' });
      assert.match(offer, /^m=video 0 /m);
      assert.match(offer, /^a=setup:passive\r$/m); // the established role, not actpass again
      const answer = await page.evaluate(([sdp]) => window.answer('recv', sdp), [offer]);
      const res = await tool.ok({ op: 'recv.answer', conn: 'recv', sdp: answer });
      assert.deepEqual(res.accepted.map((p) => p.mid), [audioMid]);
      const state = await page.evaluate(() => window.describe(window.pcs.recv));
      const live = state.transceivers.filter((t) => t.currentDirection !== 'stopped');
      assert.deepEqual(live.map((t) => [t.mid, t.kind, t.currentDirection]), [[audioMid, 'audio', 'recvonly']]);
    });

    test('a new consumer recycles the closed m-line with a new mid', async () => {
      const { mid } = await tool.ok({
        op: 'recv.add',
        conn: 'recv',
        consumer: { stream_id: 'bob-stream', track_id: 'bob-screen', cname: 'bobcname', kind: 'video', codec: 'vp8', ssrc: 4444, rtx_ssrc: 5555 },
      });
      assert.notEqual(mid, videoMid);
      const { offer } = await tool.ok({ op: 'recv.offer', conn: 'recv' });
      assert.equal(offer.match(/^m=/gm).length, 2, 'the closed m-line is reused, not appended');
      const answer = await page.evaluate(([sdp]) => window.answer('recv', sdp), [offer]);
      const res = await tool.ok({ op: 'recv.answer', conn: 'recv', sdp: answer });
      assert.deepEqual(res.accepted.map((p) => p.mid), [audioMid, mid]);
      const state = await page.evaluate(() => ({ ...window.describe(window.pcs.recv), tracks: window.tracks }));
      const live = state.transceivers.filter((t) => t.currentDirection !== 'stopped');
      assert.deepEqual(live.map((t) => [t.mid, t.kind, t.currentDirection]), [
        [audioMid, 'audio', 'recvonly'],
        [mid, 'video', 'recvonly'],
      ]);
      assert.deepEqual(state.tracks.at(-1), { mid, kind: 'video', streams: ['bob-stream'] });
    });

    test('removing the first (BUNDLE-tag) consumer keeps its m-line inactive', async () => {
      await tool.ok({ op: 'recv.remove', conn: 'recv', mid: audioMid });
      const { offer } = await tool.ok({ op: 'recv.offer', conn: 'recv' });
      assert.match(offer, /^m=audio [1-9]\d* /m);
      const answer = await page.evaluate(([sdp]) => window.answer('recv', sdp), [offer]);
      const res = await tool.ok({ op: 'recv.answer', conn: 'recv', sdp: answer });
      assert.equal(res.accepted.length, 1);
      const state = await page.evaluate(() => window.describe(window.pcs.recv));
      assert.equal(state.signalingState, 'stable');
      assert.equal(state.transceivers.find((t) => t.mid === audioMid)?.currentDirection, 'inactive');
    });

    test('a tampered answer (setup:passive) is rejected by apply_answer', async () => {
      const { offer } = await tool.ok({ op: 'recv.offer', conn: 'recv' });
      const answer = await page.evaluate(([sdp]) => window.answer('recv', sdp), [offer]);
      const reply = await tool.request({ op: 'recv.answer', conn: 'recv', sdp: answer.replaceAll('a=setup:active', 'a=setup:passive') });
      assert.equal(reply.ok, false);
      assert.match(reply.error, /setup:passive/);
    });
  });

  test('no page errors', () => {
    assert.deepEqual(seen.pageErrors, []);
  });
});
