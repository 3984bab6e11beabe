#!/usr/bin/env node
// Join time (issue 8, step 5; docs/PERFORMANCE.md "Join time"): in Chromium on loopback,
// the time from the host's Admit to the first decrypted remote video frame on the admitted
// person's page. Each run is a fresh patient who has passed the pre-join step and waits in
// the waiting room; the host presses Admit; the admitted page then has to get the MLS
// Welcome, derive the SFrame keys, subscribe, receive a key frame and decrypt and decode
// it. A frame counts once getStats shows framesDecoded > 0 on an inbound video stream (a
// frame that fails SFrame authentication is dropped before the decoder, so it never
// counts). Prints one row per join and the median and p90. A benchmark: figures, no
// assertions. Usage: node scripts/bench-join.mjs [joins=10]
import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../tests/lib/accounts.mjs';
import { openSignedIn, pageOpener } from '../tests/lib/browser-session.mjs';
import { enterCall, waitInLobby } from '../tests/lib/call-page.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../tests/lib/harness.mjs';

const joins = Number(process.argv[2] ?? 10);
const POLL_MS = 5;

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
  const host = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
  await enterCall(host);
  await host.getByTestId('call-self-video').waitFor();

  const rows = [];
  for (const [i, patient] of patients.entries()) {
    const { page, ctx } = await openSignedIn(pages, srv, patient.cookie, `/call/${roomId}`);
    await enterCall(page);
    await waitInLobby(page);
    const row = host.locator(`[data-testid="lobby-person"][data-user-id="${patient.id}"]`);
    await row.waitFor({ timeout: 60_000 });
    // Watches from inside the admitted page, so no round trip to this script delays it.
    const firstFrame = page.evaluate(async (pollMs) => {
      for (;;) {
        const s = await window.__havenCall?.stats();
        if (s?.inbound.some((x) => x.kind === 'video' && x.framesDecoded > 0)) return Date.now();
        await new Promise((r) => setTimeout(r, pollMs));
      }
    }, POLL_MS);
    const admittedAt = Date.now();
    await row.getByTestId('lobby-admit').click();
    const ms = (await firstFrame) - admittedAt;
    rows.push(ms);
    console.log(`join ${String(i + 1).padStart(2)}  admit → first decrypted frame  ${String(ms).padStart(5)} ms`);
    // Leave, so every join is into a call of two (the host and the one admitted).
    await page.getByTestId('call-leave').click().catch(() => undefined);
    await ctx.close();
  }
  const sorted = [...rows].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  console.log(`\n| joins | median | p90 | min | max |\n|---|---|---|---|---|\n| ${rows.length} | ${(sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2} ms | ${at(0.9)} ms | ${sorted[0]} ms | ${sorted[sorted.length - 1]} ms |`);
} finally {
  if (pages) await pages.closeAll();
  if (browser) await browser.close();
  await srv.stop();
}
