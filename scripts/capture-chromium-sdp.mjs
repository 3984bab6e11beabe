#!/usr/bin/env node
// One-off: captures real Chromium SDP offers into tests/fixtures/sdp/ for the SFU's SDP
// parser tests (src/sfu/sdp/) and the `sdp` fuzz seeds. Re-run after a Chromium upgrade:
//   node scripts/capture-chromium-sdp.mjs
// Launches Debian's Chromium headless the same way tests/lib/harness.mjs does (fake media
// devices, loopback candidates allowed) but stand-alone, without the test harness's log
// bookkeeping. The offers are created in an empty page that Playwright's router serves at a
// loopback URL: about:blank is not a secure context (no navigator.mediaDevices there), and
// no server has to run.
//
// Environment: CHROMIUM     browser executable (default /usr/bin/chromium)
//              SDP_OUT_DIR  where to write (default tests/fixtures/sdp; use a temp dir to try)

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = process.env.SDP_OUT_DIR || path.join(ROOT, 'tests', 'fixtures', 'sdp');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PAGE_URL = 'http://127.0.0.1:9/sdp-capture';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

// Each capture runs inside the page and returns { name: sdp } for one or more offers.
// setLocalDescription is applied so that a re-offer (d) is a real subsequent offer with the
// same ICE credentials and the previous mids kept.
const CAPTURES = {
  // (a) audio+video sendrecv from the fake camera/microphone.
  async sendrecv() {
    const pc = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    const offer = await pc.createOffer();
    stream.getTracks().forEach((t) => t.stop());
    pc.close();
    return { 'a-sendrecv.sdp': offer.sdp };
  },

  // (b) audio+video sendonly, VP8 preferred, three simulcast layers rid q/h/f.
  async simulcast() {
    const pc = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: 1280, height: 720 },
    });
    const [audio] = stream.getAudioTracks();
    const [video] = stream.getVideoTracks();
    pc.addTransceiver(audio, { direction: 'sendonly', streams: [stream] });
    const vt = pc.addTransceiver(video, {
      direction: 'sendonly',
      streams: [stream],
      sendEncodings: [
        { rid: 'q', scaleResolutionDownBy: 4.0 },
        { rid: 'h', scaleResolutionDownBy: 2.0 },
        { rid: 'f' },
      ],
    });
    // Put VP8 (and its RTX) first so the fixture shows the SFU's expected primary codec.
    const codecs = RTCRtpSender.getCapabilities('video').codecs;
    const vp8 = codecs.filter((c) => c.mimeType.toLowerCase() === 'video/vp8');
    const rest = codecs.filter((c) => c.mimeType.toLowerCase() !== 'video/vp8');
    vt.setCodecPreferences([...vp8, ...rest]);
    const offer = await pc.createOffer();
    stream.getTracks().forEach((t) => t.stop());
    pc.close();
    return { 'b-simulcast-sendonly.sdp': offer.sdp };
  },

  // (c) receive-only: one audio and one video transceiver, nothing to send.
  async recvonly() {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    const offer = await pc.createOffer();
    pc.close();
    return { 'c-recvonly.sdp': offer.sdp };
  },

  // (d) initial camera+mic offer, then a re-offer after adding a screen-share track
  // (a canvas captureStream stands in for getDisplayMedia, which needs a user gesture).
  async reoffer() {
    const pc = new RTCPeerConnection();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    const first = await pc.createOffer();
    await pc.setLocalDescription(first);
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#3366aa';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const screen = canvas.captureStream(5);
    const [screenTrack] = screen.getVideoTracks();
    screenTrack.contentHint = 'detail';
    pc.addTrack(screenTrack, screen);
    const second = await pc.createOffer();
    stream.getTracks().forEach((t) => t.stop());
    screenTrack.stop();
    pc.close();
    return { 'd-initial.sdp': first.sdp, 'd-reoffer-screenshare.sdp': second.sdp };
  },

  // (e) full offer after ICE gathering completes, so host candidates are inline.
  async candidates() {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    pc.createDataChannel('probe');
    const done = new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    });
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([done, new Promise((r) => setTimeout(r, 10000))]);
    const sdp = pc.localDescription.sdp;
    stream.getTracks().forEach((t) => t.stop());
    pc.close();
    return { 'e-candidates.sdp': sdp };
  },
};

function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch (err) {
    return `unknown (${err.message})`;
  }
}

async function main() {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const written = [];
  try {
    const context = await browser.newContext();
    // about:blank has an opaque, non-secure origin, so navigator.mediaDevices is missing
    // there. Serve an empty page at a loopback URL (a secure context per the Secure
    // Contexts spec) straight from Playwright's router: no listening socket needed.
    await context.route(PAGE_URL, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>sdp</title>' }),
    );
    const page = await context.newPage();
    await page.goto(PAGE_URL);
    for (const [label, fn] of Object.entries(CAPTURES)) {
      const result = await page.evaluate(`(${fn.toString().replace(/^async \w+\(/, 'async function(')})()`);
      for (const [file, sdp] of Object.entries(result)) {
        if (!sdp || !sdp.startsWith('v=0')) throw new Error(`${label}: no SDP for ${file}`);
        fs.writeFileSync(path.join(OUT_DIR, file), sdp);
        written.push(`${file} (${sdp.length} bytes)`);
      }
    }
  } finally {
    await browser.close();
  }
  const version = chromiumVersion();
  const readme = `# Chromium SDP fixtures

Real offers captured by \`node scripts/capture-chromium-sdp.mjs\` (headless Debian Chromium,
fake media devices, an empty page at a loopback URL). Used by tests/unit/sfu/sdp/ and as seeds of the \`sdp\`
fuzz target. Regenerate after a Chromium upgrade and re-check the tests' expectations
(Chromium assigns payload types and extmap ids dynamically since M140).

Captured with: \`${version}\` on ${new Date().toISOString().slice(0, 10)}.

| File | What |
|------|------|
| a-sendrecv.sdp | getUserMedia audio+video, addTrack (sendrecv) |
| b-simulcast-sendonly.sdp | audio+video sendonly, VP8 first, sendEncodings rid q/h/f |
| c-recvonly.sdp | two recvonly transceivers (audio, video) |
| d-initial.sdp | audio+video offer, applied as local description |
| d-reoffer-screenshare.sdp | re-offer of d-initial after adding a canvas captureStream video track |
| e-candidates.sdp | audio+video+data channel, local description after ICE gathering completed (host candidates, loopback allowed) |

The ICE credentials, fingerprints and candidate addresses are throwaway values of the
capture run (the peer connections were closed immediately).
`;
  fs.writeFileSync(path.join(OUT_DIR, 'README.md'), readme);
  console.log(`${version}\n${written.join('\n')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
