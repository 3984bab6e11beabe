// Helpers for tests/browser/*.test.mjs: pages that log (scanned by zz-log-scan) and keep
// their CSP violations and page errors, API sessions put into a browser, session cookies
// recorded as sensitive, the sign-in form, and waiting for a message to show.
import assert from 'node:assert/strict';
import { attachPageLog, newContext, recordSensitive } from './harness.mjs';

/**
 * Opens pages that log to `logFile` and remembers their CSP violations and page errors.
 * `defaults` are newContext options for every page (e.g. a viewport); open(opts) adds to
 * them. Answers { open(opts) → {ctx, page}, records, closeAll() }.
 */
export function pageOpener(browser, logFile, defaults = {}) {
  const contexts = [];
  const records = [];
  return {
    records,
    async open(opts = {}) {
      const ctx = await newContext(browser, { ...defaults, ...opts });
      contexts.push(ctx);
      const page = await ctx.newPage();
      records.push(attachPageLog(page, logFile));
      return { ctx, page };
    },
    async closeAll() {
      for (const ctx of contexts) await ctx.close().catch(() => {});
    },
  };
}

/** Asserts that no page of `records` (pageOpener's, or attachPageLog's) violated the CSP or threw. */
export function assertCleanPages(records) {
  assert.deepEqual(records.flatMap((r) => r.cspViolations), []);
  assert.deepEqual(records.flatMap((r) => r.pageErrors), []);
}

/** Puts an API session into a browser context, so its pages are signed in as that person. */
export async function useSession(ctx, srv, cookie) {
  const value = cookie.split('=')[1];
  await ctx.addCookies([{ name: 'haven_session', value, url: srv.url, httpOnly: true, secure: true, sameSite: 'Strict' }]);
}

/** Opens `path` in a new page of `pages` (a pageOpener), signed in with the API session `cookie`. Answers { ctx, page }. */
export async function openSignedIn(pages, srv, cookie, path, opts = {}) {
  const opened = await pages.open(opts);
  await useSession(opened.ctx, srv, cookie);
  await opened.page.goto(`${srv.url}${path}`);
  return opened;
}

/** Records the context's session and sign-in challenge cookies as sensitive (`who` labels them). */
export async function recordCookies(ctx, who) {
  for (const c of await ctx.cookies()) {
    if ((c.name === 'haven_session' || c.name === 'haven_mfa') && c.value.length >= 6) {
      recordSensitive(c.value, `${who} ${c.name} cookie`);
    }
  }
}

/** Fills in and sends the /signin form. */
export async function signInWith(page, email, password) {
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}

/**
 * Signs in through /signin (an account without a second factor), waits for the landing
 * page at `home`, and records the session cookie under `label`.
 */
export async function signInThroughUi(page, srv, email, password, home = '/admin', label = 'admin') {
  await page.goto(`${srv.url}/signin`);
  await signInWith(page, email, password);
  await page.waitForURL((u) => u.pathname === home);
  await page.getByTestId('landing-heading').waitFor();
  await recordCookies(page.context(), label);
}

/** Follows the top bar's "Security" link to /account and waits for the element with test id `ready`. */
export async function openSecurity(page, ready) {
  await page.getByTestId('nav-security').click();
  await page.waitForURL((u) => u.pathname === '/account');
  await page.getByTestId(ready).waitFor();
}

/** Waits until the element with this test id (the page's error region unless given) shows text; answers it trimmed. */
export async function shownText(page, testId = 'error') {
  await page.waitForFunction(
    (id) => (document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '').trim() !== '',
    testId,
  );
  return (await page.getByTestId(testId).textContent()).trim();
}

/** The page's width in CSS pixels (more than the viewport means it scrolls sideways). */
export function pageWidth(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth);
}

/**
 * Polls `probe` (answers [done, detail]) every `pollMs` until done or `deadlineMs` passed;
 * answers the last detail, or fails with `label` and the last detail.
 */
export async function pollUntil(label, probe, { deadlineMs = 90_000, pollMs = 1000 } = {}) {
  const deadline = Date.now() + deadlineMs;
  let detail = null;
  while (Date.now() < deadline) {
    const [done, d] = await probe();
    detail = d;
    if (done) return d;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  assert.fail(`${label}; last: ${JSON.stringify(detail)}`);
}

/** A browser suite's after(): its pages, then the browser, then the server (each if it started). */
export async function closeSuite(pages, browser, srv) {
  if (pages) await pages.closeAll();
  if (browser) await browser.close();
  if (srv) await srv.stop();
}
