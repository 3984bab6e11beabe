// First-admin enrollment, sign-out, sign-in, wrong password, reused enrollment link and
// the 375 px layout, against the real server and Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  LOG_DIR,
  attachPageLog,
  launchBrowser,
  logPath,
  newContext,
  newIdentity,
  recordSensitive,
  request,
  startServer,
  tokenOf,
} from '../lib/harness.mjs';

const INVALID_LINK = 'This enrollment link is not valid or was already used.';

describe('enrollment and sign-in', () => {
  let srv;
  let browser;
  let link;
  let token;
  const admin = newIdentity('admin');
  const browserLog = logPath('browser');
  const pageRecords = [];
  const contexts = [];

  async function openPage(opts = {}) {
    const ctx = await newContext(browser, opts);
    contexts.push(ctx);
    const page = await ctx.newPage();
    pageRecords.push(attachPageLog(page, browserLog));
    return { ctx, page };
  }

  async function wsStatus(page) {
    return page.getByTestId('ws-status').textContent();
  }

  async function waitForConnected(page) {
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ws-status"]')?.textContent === 'Connected',
      null,
      { timeout: 15_000 },
    );
  }

  async function signInWith(page, email, password) {
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
  }

  before(async () => {
    srv = await startServer();
    link = await srv.enrollLink();
    token = tokenOf(link);
    browser = await launchBrowser();
  });

  after(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  let main; // { ctx, page } of the admin's browser

  test('the enrollment link points at this server and carries the token in the fragment', () => {
    const u = new URL(link);
    assert.equal(u.origin, srv.url);
    assert.equal(u.pathname, '/enroll');
    assert.ok(token.length >= 16, 'token looks too short');
    assert.equal(u.search, '', 'nothing of the link may be in the query string');
  });

  test('the enrollment page removes the token from the address bar and shows the form', async () => {
    main = await openPage();
    const { page } = main;
    await page.goto(link);
    await page.getByTestId('enroll-name').waitFor();
    const href = await page.evaluate(() => location.href);
    assert.ok(!href.includes(token), 'token still in location.href');
    assert.ok(!href.includes('#'), 'fragment still in location.href');
    assert.ok(!page.url().includes(token), 'token still in the page URL');
    await page.getByText('at least 15 characters').waitFor();
    // Labels are associated with the inputs.
    await page.getByLabel('Your name').waitFor();
    await page.getByLabel('Email').waitFor();
    await page.getByLabel('Password').waitFor();
    await page.screenshot({ path: path.join(LOG_DIR, 'enroll.png'), fullPage: true });
  });

  test('completing enrollment lands on the admin page, connected', async () => {
    const { page, ctx } = main;
    await page.getByTestId('enroll-name').fill(admin.displayName);
    await page.getByTestId('enroll-email').fill(admin.email);
    await page.getByTestId('enroll-password').fill(admin.password);
    const completed = page.waitForResponse((r) => r.url().endsWith('/api/enrollment/complete'));
    await page.getByTestId('enroll-submit').click();
    assert.equal((await completed).status(), 201);
    await page.waitForURL((u) => u.pathname === '/admin');
    const heading = page.getByTestId('landing-heading');
    await heading.waitFor();
    assert.equal((await heading.textContent()).trim(), 'Practice administration');
    assert.equal((await page.getByTestId('user-name').textContent()).trim(), admin.displayName);
    await waitForConnected(page);
    assert.equal(await wsStatus(page), 'Connected');
    assert.equal(await page.getByTestId('ws-status').getAttribute('role'), 'status');

    const cookie = (await ctx.cookies()).find((c) => c.name === 'haven_session');
    assert.ok(cookie, 'no haven_session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/');
    recordSensitive(cookie.value, 'admin session cookie');
    assert.ok(!(await page.evaluate(() => document.cookie)).includes('haven_session'), 'session cookie readable from script');

    await page.screenshot({ path: path.join(LOG_DIR, 'admin-landing.png'), fullPage: true });
  });

  test('signing out goes to /signin and the admin page then needs a session', async () => {
    const { page, ctx } = main;
    const deleted = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'DELETE');
    await page.getByTestId('signout').click();
    assert.equal((await deleted).status(), 204);
    await page.waitForURL((u) => u.pathname === '/signin');
    await page.getByTestId('signin-email').waitFor();
    const cookie = (await ctx.cookies()).find((c) => c.name === 'haven_session' && c.value !== '');
    assert.equal(cookie, undefined, 'session cookie still set after sign-out');

    await page.goto(`${srv.url}/admin`);
    await page.waitForURL((u) => u.pathname === '/signin');
    await page.getByTestId('signin-email').waitFor();
  });

  test('signing in again with the same credentials lands on the admin page', async () => {
    const { page } = main;
    await signInWith(page, admin.email, admin.password);
    await page.waitForURL((u) => u.pathname === '/admin');
    await page.getByTestId('landing-heading').waitFor();
    assert.equal((await page.getByTestId('landing-heading').textContent()).trim(), 'Practice administration');
    assert.equal((await page.getByTestId('user-name').textContent()).trim(), admin.displayName);
    await waitForConnected(page);
  });

  test('a signed-in admin who opens another role page is sent to /admin', async () => {
    const { page } = main;
    await page.goto(`${srv.url}/patient`);
    await page.waitForURL((u) => u.pathname === '/admin');
    await page.getByTestId('landing-heading').waitFor();
    assert.equal((await page.getByTestId('landing-heading').textContent()).trim(), 'Practice administration');
  });

  test('a wrong password shows the error and stays on /signin', async () => {
    const { page } = await openPage();
    await page.goto(`${srv.url}/signin`);
    await page.getByTestId('signin-email').waitFor();
    const wrong = recordSensitive(`wrong-${admin.password}`, 'wrong password');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
    await signInWith(page, admin.email, wrong);
    const res = await answered;
    assert.equal(res.status(), 401);
    const body = await res.json();
    assert.equal(body.error.code, 'invalid_credentials');
    const error = page.getByTestId('error');
    await page.waitForFunction(() => (document.querySelector('[data-testid="error"]')?.textContent ?? '').trim() !== '');
    const shown = (await error.textContent()).trim();
    assert.equal(shown, body.error.message);
    assert.equal(await error.getAttribute('aria-live'), 'assertive');
    assert.equal(new URL(page.url()).pathname, '/signin');
    assert.ok(!shown.includes(admin.email));
    await page.screenshot({ path: path.join(LOG_DIR, 'signin-error.png'), fullPage: true });
  });

  test('the used enrollment link now shows the invalid message', async () => {
    const { page } = await openPage();
    await page.goto(link);
    await page.getByText(INVALID_LINK).waitFor();
    assert.ok(!(await page.evaluate(() => location.href)).includes(token));
    assert.equal(await page.getByTestId('enroll-name').count(), 0, 'form shown for a used link');
  });

  test('an enrollment page without a token says the link is not valid', async () => {
    const { page } = await openPage();
    await page.goto(`${srv.url}/enroll`);
    await page.getByText(INVALID_LINK).waitFor();
  });

  test('at 375 px the sign-in form and the landing page do not scroll sideways', async () => {
    const { page } = await openPage({ viewport: { width: 375, height: 740 } });
    await page.goto(`${srv.url}/signin`);
    await page.getByTestId('signin-email').waitFor();
    const signinWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(signinWidth <= 375, `sign-in page is ${signinWidth}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'signin-375.png'), fullPage: true });

    await signInWith(page, admin.email, admin.password);
    await page.waitForURL((u) => u.pathname === '/admin');
    await page.getByTestId('landing-heading').waitFor();
    await waitForConnected(page);
    const landingWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(landingWidth <= 375, `landing page is ${landingWidth}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-landing-375.png'), fullPage: true });
  });

  test('screenshot of the sign-in page (desktop)', async () => {
    const { page } = await openPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${srv.url}/signin`);
    await page.getByTestId('signin-email').waitFor();
    await page.screenshot({ path: path.join(LOG_DIR, 'signin.png'), fullPage: true });
  });

  test('pages are served with a CSP without unsafe-inline, and nothing violated it', async () => {
    const res = await request(srv, 'GET', '/signin', { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] || '', /text\/html/);
    const csp = res.headers['content-security-policy'];
    assert.ok(csp, 'no Content-Security-Policy header on the HTML page');
    assert.ok(!csp.includes('unsafe-inline'), `CSP allows unsafe-inline: ${csp}`);
    const violations = pageRecords.flatMap((r) => r.cspViolations);
    assert.deepEqual(violations, []);
    const pageErrors = pageRecords.flatMap((r) => r.pageErrors);
    assert.deepEqual(pageErrors, []);
  });

  test('the server stops cleanly on SIGTERM', async () => {
    for (const ctx of contexts.splice(0)) await ctx.close();
    const info = await srv.stop();
    srv = null;
    assert.equal(info.timedOut, undefined, 'server did not stop within 15 s');
    assert.equal(info.signal, null, `server died by signal ${info.signal}`);
    assert.equal(info.code, 0);
  });
});
