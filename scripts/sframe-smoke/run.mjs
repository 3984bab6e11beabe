// SFrame loopback smoke test in headless Chromium (manual; not part of `make test`).
// Two RTCPeerConnections in one page, fake camera and microphone, sendonly/recvonly
// transceivers with the SFrame worker on both sides; the receiver gets its keys 1.5 s late
// (so it must drop, then request a key frame). Prints, per codec and path, frames decoded
// and the worker's counters.
//   npx vite build -c scripts/sframe-smoke/vite.config.ts && node scripts/sframe-smoke/run.mjs
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/lib/harness.mjs';

const root = path.resolve(import.meta.dirname, '../../build/sframe-smoke');
const srv = http.createServer((req, res) => {
  const p = path.join(root, req.url === '/' ? 'index.html' : path.normalize(req.url.split('?')[0]));
  if (!p.startsWith(root) || !fs.existsSync(p)) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, {
    'content-type': p.endsWith('.js') ? 'text/javascript' : 'text/html',
    // The same script/worker rules as the Haven server's CSP.
    'content-security-policy': "default-src 'self'; script-src 'self'; worker-src 'self' blob:; media-src 'self' blob:",
  });
  fs.createReadStream(p).pipe(res);
});
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
const page = await browser.newPage();
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(`http://127.0.0.1:${srv.address().port}/`);
const results = await page.evaluate(() => window.runSmoke());
for (const r of results) {
  console.log(
    `${r.codec.padEnd(5)} ${r.legacy ? 'createEncodedStreams ' : 'RTCRtpScriptTransform'}`,
    r.error ?? `decoded ${r.framesDecoded} (${r.width}x${r.height}), PLIs ${r.pli}, sent ${r.send.processed}, ` +
      `received ${r.recv.processed}, dropped ${JSON.stringify(r.recv.dropped)}`,
  );
}
await browser.close();
srv.close();
