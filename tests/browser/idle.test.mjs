// Automatic sign-out after inactivity (web/src/idle.ts, components/IdleGuard.tsx) against a
// server whose idle timeout is 20 s (HAVEN_SESSION_IDLE_SECONDS). The browser's clock is
// set 3 hours behind the server's: the client must measure the remaining time against the
// server's `now`, not its own clock. Real activity restarts the clock (timers do not); the
// warning is an alertdialog with focus on "Stay signed in", which keeps the session; left
// alone, the page signs out, lands on /signin and says why, and the session is gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  LOG_DIR,
  attachPageLog,
  enrollAdmin,
  launchBrowser,
  logPath,
  newContext,
  startServer,
} from '../lib/harness.mjs';
import { assertCleanPages, recordCookies, signInWith } from '../lib/browser-session.mjs';

const IDLE_SECONDS = 20;
const SKEW_MS = -3 * 3600 * 1000; // the device clock is 3 hours behind
const WAIT_MS = 60_000; // generous upper bounds for things that happen after ~10-20 s

describe('automatic sign-out after inactivity', () => {
  let srv;
  let browser;
  let admin;
  let ctx;
  let page;
  let record;
  const meRequests = []; // times (node clock) of GET /api/me sent by the page
  const signOuts = []; // DELETE /api/session sent by the page

  before(async () => {
    srv = await startServer({ env: { HAVEN_SESSION_IDLE_SECONDS: String(IDLE_SECONDS) } });
    admin = await enrollAdmin(srv);
    browser = await launchBrowser();
    ctx = await newContext(browser, { viewport: { width: 375, height: 812 } });
    await ctx.addInitScript((skew) => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + skew;
    }, SKEW_MS);
    page = await ctx.newPage();
    record = attachPageLog(page, logPath('browser'));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/me' && r.method() === 'GET') meRequests.push(Date.now());
      if (u.pathname === '/api/session' && r.method() === 'DELETE') signOuts.push(Date.now());
    });
  });

  after(async () => {
    await ctx?.close().catch(() => {});
    await browser?.close();
    await srv?.stop();
  });

  const dialog = () => page.getByRole('alertdialog');

  test('signed in, GET /api/me answers the session clock and the page stays', async () => {
    await page.goto(`${srv.url}/signin`);
    const me = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/me' && r.status() === 200);
    await signInWith(page, admin.who.email, admin.who.password);
    const body = await (await me).json();
    assert.equal(body.session.idle_seconds, IDLE_SECONDS);
    assert.equal(typeof body.session.now, 'number');
    assert.ok(body.session.idle_expires_at > body.session.now);
    assert.ok(body.session.idle_expires_at - body.session.now <= IDLE_SECONDS);
    await page.waitForURL((u) => u.pathname === '/admin');
    await page.getByTestId('landing-heading').waitFor();
    await recordCookies(ctx, 'admin (idle)');
    // With a device clock 3 hours behind, a naive client would count from its own clock.
    assert.equal(await dialog().count(), 0);
    assert.equal(new URL(page.url()).pathname, '/admin');
  });

  test('real activity restarts the clock with GET /api/me; timers alone do not', async () => {
    // Past min(30, idle/4) = 5 s since the last GET /api/me, a key press sends another.
    await page.waitForTimeout(6000);
    const before = meRequests.length;
    const touched = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/me', { timeout: 5000 });
    await page.keyboard.press('Shift');
    await touched;
    assert.ok(meRequests.length > before);

    // Now nobody touches the page: the warning comes, and no GET /api/me was sent meanwhile.
    const quiet = meRequests.length;
    await dialog().waitFor({ timeout: WAIT_MS });
    assert.equal(meRequests.length, quiet, 'GET /api/me sent without any activity');
  });

  test('the warning is an alertdialog with focus on "Stay signed in", which keeps the session', async () => {
    const d = dialog();
    assert.equal(await d.getAttribute('aria-modal'), 'true');
    assert.equal((await page.getByRole('heading', { name: 'Are you still there?' }).count()), 1);
    const text = (await page.getByTestId('idle-countdown').textContent()).trim();
    assert.match(text, /^For your privacy you will be signed out in \d+ seconds?\.$/);
    const n = Number(text.match(/in (\d+) second/)[1]);
    assert.ok(n >= 1 && n <= 10, `countdown starts at ${n} s; expected at most min(60, idle/2) = 10`);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'idle-stay');
    await page.screenshot({ path: path.join(LOG_DIR, 'idle-warning-375.png') });

    const stayed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/me');
    await page.getByTestId('idle-stay').click();
    const res = await stayed;
    assert.equal(res.status(), 200, 'the session was gone before "Stay signed in"');
    const body = await res.json();
    assert.ok(body.session.idle_expires_at - body.session.now >= IDLE_SECONDS - 1, 'the idle clock did not restart');
    await d.waitFor({ state: 'hidden' });
    assert.equal(new URL(page.url()).pathname, '/admin');
    assert.equal(signOuts.length, 0);
    await page.getByTestId('landing-heading').waitFor();
  });

  test('left alone, the page signs out and /signin says why; the session is gone', async () => {
    // The warning comes back (the session outlived its first deadline), then the sign-out.
    await dialog().waitFor({ timeout: WAIT_MS });
    assert.equal(new URL(page.url()).pathname, '/admin');
    await page.waitForURL((u) => u.pathname === '/signin', { timeout: WAIT_MS });
    const notice = page.getByTestId('signed-out-idle');
    await notice.waitFor();
    assert.equal((await notice.textContent()).trim(), 'You were signed out after a period of inactivity.');
    assert.equal(await page.getByTestId('landing-heading').count(), 0);
    assert.equal(await page.getByTestId('user-name').count(), 0, 'the user is still on screen');
    assert.equal(await dialog().count(), 0);
    assert.equal(signOuts.length, 1, 'DELETE /api/session was not sent');
    await page.getByTestId('signin-email').waitFor();
    await page.screenshot({ path: path.join(LOG_DIR, 'idle-signed-out-375.png') });

    const status = await page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);
    assert.equal(status, 401);
    const again = await ctx.request.get(`${srv.url}/api/me`);
    assert.equal(again.status(), 401);
    // Back does not bring the page back.
    await page.goBack().catch(() => {});
    await page.waitForURL((u) => u.pathname === '/signin');
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages([record]);
  });
});
