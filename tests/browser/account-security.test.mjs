// Own account on /account (docs/API.md "Own account"): the list of active sessions with
// "this device", revoking another session, "Sign out everywhere" (asks first), changing
// the password (wrong current password changes nothing; a guessable one shows the
// server's reason; the right one ends the other sessions and the new password signs in)
// and changing the email, against the real server and Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  LOG_DIR,
  enrollAdmin,
  launchBrowser,
  logPath,
  randomHex,
  recordSensitive,
  request,
  sessionCookie,
  startServer,
} from '../lib/harness.mjs';
import { assertCleanPages, closeSuite, openSecurity, pageOpener, recordCookies, shownText, signInThroughUi } from '../lib/browser-session.mjs';

describe('account security: sessions, password, email', () => {
  let srv;
  let browser;
  let admin; // { who: { displayName, email, password } }
  let password = ''; // the admin's current password
  let email = ''; // the admin's current email
  let pages; // pageOpener: every browser of this file, at 375 px
  let a; // { ctx, page }: the browser that manages the account
  let b; // { ctx, page }: a second browser signed in as the same person

  async function apiSignIn(mail, pass) {
    const res = await request(srv, 'POST', '/api/session', { body: { email: mail, password: pass } });
    const cookie = sessionCookie(res);
    if (cookie) recordSensitive(cookie.split('=')[1], 'admin API session');
    return res;
  }

  before(async () => {
    srv = await startServer({ env: { HAVEN_LIMITS_SIGNIN_PER_IP_PER_MINUTE: '1000' } });
    admin = await enrollAdmin(srv);
    password = admin.who.password;
    email = admin.who.email;
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'), { viewport: { width: 375, height: 812 } });
  });

  after(() => closeSuite(pages, browser, srv));

  test('signed in in two browsers, /account lists both sessions and marks this device', async () => {
    // The enrollment's own API session is not a browser: end it so the list is exactly ours.
    const out = await request(srv, 'DELETE', '/api/session', { cookie: admin.cookie });
    assert.equal(out.status, 204);

    a = await pages.open();
    b = await pages.open();
    await signInThroughUi(a.page, srv, email, password);
    await signInThroughUi(b.page, srv, email, password);

    await openSecurity(a.page, 'sessions');
    const items = a.page.getByTestId('session-item');
    await items.nth(1).waitFor();
    assert.equal(await items.count(), 2);
    assert.equal(await a.page.getByTestId('session-current').count(), 1);
    const first = items.first();
    assert.match(await first.textContent(), /This device/);
    // Headless Chromium on Linux: the label names the browser and system, nothing finer.
    assert.equal((await first.getByTestId('session-device').textContent()).trim(), 'Chrome on Linux');
    assert.equal(await first.getByTestId('session-revoke').count(), 0, 'this device offers "revoke"');
    const other = items.nth(1);
    assert.match(await other.textContent(), /Signed in .*\d/);
    assert.match(await other.textContent(), /Last active .*\d/);
    assert.equal(await other.getByTestId('session-revoke').count(), 1);
    assert.match(await a.page.getByTestId('password-new').evaluate((el) => el.getAttribute('minlength')), /^15$/);
    await a.page.getByText('Use at least 15 characters').waitFor();
    const width = await a.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `/account is ${width}px wide at 375px`);
    await a.page.screenshot({ path: path.join(LOG_DIR, 'account-sessions-375.png'), fullPage: true });
  });

  test('revoking the other session signs that browser out at its next navigation', async () => {
    const other = a.page.getByTestId('session-item').nth(1);
    const revoked = a.page.waitForResponse((r) => r.url().endsWith('/api/account/sessions/revoke'));
    await other.getByTestId('session-revoke').click();
    const res = await revoked;
    assert.equal(res.status(), 200);
    assert.match(JSON.parse(res.request().postData()).id, /^[0-9a-f]{16}$/);
    assert.match(await shownText(a.page, 'sessions-status'), /signed out/);
    await a.page.waitForFunction(() => document.querySelectorAll('[data-testid="session-item"]').length === 1);
    assert.equal(await a.page.getByTestId('session-current').count(), 1);

    // B still shows /admin; its next (in-app) navigation finds the session gone. (If the
    // page noticed by itself first, e.g. through its live connection, it is on /signin.)
    if (new URL(b.page.url()).pathname === '/admin') {
      await b.page.getByTestId('nav-security').click({ timeout: 5000 }).catch(() => {});
    }
    await b.page.waitForURL((u) => u.pathname === '/signin');
    await b.page.getByTestId('signin-email').waitFor();
    await b.page.getByTestId('signed-out').waitFor();
    // A is unaffected.
    const me = await a.page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);
    assert.equal(me, 200);
  });

  test('a wrong current password is refused and changes nothing', async () => {
    await signInThroughUi(b.page, srv, email, password); // a second session again
    const wrong = recordSensitive(`wrong-${randomHex(6)}-current`, 'wrong current password');
    const fresh = recordSensitive(`quiet-meadow-${randomHex(6)}-river`, 'unused new password');
    const answered = a.page.waitForResponse((r) => r.url().endsWith('/api/account/password'));
    await a.page.getByTestId('password-current').fill(wrong);
    await a.page.getByTestId('password-new').fill(fresh);
    await a.page.getByTestId('password-submit').click();
    const res = await answered;
    assert.equal(res.status(), 401);
    const body = await res.json();
    assert.equal(body.error.code, 'reauth_failed');
    assert.equal(await shownText(a.page, 'password-error'), body.error.message);
    assert.equal(await a.page.getByTestId('password-current').inputValue(), '', 'current password left in the field');
    assert.equal(new URL(a.page.url()).pathname, '/account', 'a refused re-authentication signed the page out');
    assert.equal(await a.page.getByTestId('password-status').textContent(), '');

    assert.equal((await apiSignIn(email, password)).status, 200, 'the old password stopped working');
    assert.equal((await apiSignIn(email, fresh)).status, 401, 'the refused new password works');
    const other = await b.page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);
    assert.equal(other, 200, 'the other session ended');
  });

  test('a guessable new password shows the server\'s reason', async () => {
    const weak = recordSensitive('abcdefghijklmnop', 'guessable new password');
    const answered = a.page.waitForResponse((r) => r.url().endsWith('/api/account/password'));
    await a.page.getByTestId('password-current').fill(password);
    await a.page.getByTestId('password-new').fill(weak);
    await a.page.getByTestId('password-submit').click();
    const res = await answered;
    assert.equal(res.status(), 400);
    const body = await res.json();
    assert.equal(body.error.code, 'password_weak');
    assert.equal(await shownText(a.page, 'password-error'), body.error.message);
    assert.match(body.error.message, /less common password/);
    assert.equal((await apiSignIn(email, password)).status, 200);
  });

  test('the right current password changes it: other sessions end, the new one signs in', async () => {
    const fresh = recordSensitive(`gentle-harbor-${randomHex(6)}-compass`, 'admin new password');
    const answered = a.page.waitForResponse((r) => r.url().endsWith('/api/account/password'));
    await a.page.getByTestId('password-current').fill(password);
    await a.page.getByTestId('password-new').fill(fresh);
    await a.page.getByTestId('password-submit').click();
    assert.equal((await answered).status(), 200);
    assert.match(await shownText(a.page, 'password-status'), /password is changed/);
    assert.equal(await a.page.getByTestId('password-error').textContent(), '');
    await recordCookies(a.ctx, 'admin after password change');
    await a.page.waitForFunction(() => document.querySelectorAll('[data-testid="session-item"]').length === 1);
    const mine = await a.page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);
    assert.equal(mine, 200, 'this browser was signed out by its own password change');
    const other = await b.page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);
    assert.equal(other, 401, 'the other browser is still signed in');

    assert.equal((await apiSignIn(email, password)).status, 401, 'the old password still works');
    const old = password;
    password = fresh;
    await signInThroughUi(b.page, srv, email, password);
    assert.notEqual(old, password);
  });

  test('changing the email: a wrong password is refused, the right one changes it', async () => {
    const fresh = recordSensitive(`moved-${randomHex(4)}@clinic.example`, 'admin new email');
    assert.equal((await a.page.getByTestId('email-current').textContent()).trim(), email);

    const wrong = recordSensitive(`wrong-${randomHex(6)}-email`, 'wrong password (email change)');
    const refused = a.page.waitForResponse((r) => r.url().endsWith('/api/account/email'));
    await a.page.getByTestId('email-new').fill(fresh);
    await a.page.getByTestId('email-password').fill(wrong);
    await a.page.getByTestId('email-submit').click();
    const bad = await refused;
    assert.equal(bad.status(), 401);
    assert.equal((await bad.json()).error.code, 'reauth_failed');
    assert.equal(await shownText(a.page, 'email-error'), (await bad.json()).error.message);
    assert.equal((await a.page.getByTestId('email-current').textContent()).trim(), email);
    assert.equal(new URL(a.page.url()).pathname, '/account');

    const answered = a.page.waitForResponse((r) => r.url().endsWith('/api/account/email'));
    await a.page.getByTestId('email-password').fill(password);
    await a.page.getByTestId('email-submit').click();
    const res = await answered;
    assert.equal(res.status(), 200);
    assert.equal((await res.json()).user.email, fresh);
    assert.match(await shownText(a.page, 'email-status'), /email is changed/);
    assert.equal((await a.page.getByTestId('email-current').textContent()).trim(), fresh);
    assert.equal(await a.page.getByTestId('email-password').inputValue(), '');

    assert.equal((await apiSignIn(email, password)).status, 401, 'the old email still signs in');
    assert.equal((await apiSignIn(fresh, password)).status, 200, 'the new email does not sign in');
    email = fresh;
  });

  test('"Sign out everywhere" asks first, then ends every session', async () => {
    const page = a.page;
    await page.getByTestId('sessions-signout-all').click();
    const confirm = page.getByTestId('sessions-signout-all-confirm');
    await confirm.waitFor();
    // Focus moves to the confirming button (a keyboard user lands on the question's answer).
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'sessions-signout-all-confirm',
      null,
      { timeout: 5000 },
    );
    await page.getByText('including this one').waitFor();
    await page.getByTestId('sessions-signout-all-cancel').click();
    await page.getByTestId('sessions-signout-all').waitFor();
    assert.equal(await confirm.count(), 0);
    assert.equal(await page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status), 200);

    await page.getByTestId('sessions-signout-all').click();
    const done = page.waitForResponse((r) => r.url().endsWith('/api/account/sign-out-everywhere'));
    await page.getByTestId('sessions-signout-all-confirm').click();
    assert.equal((await done).status(), 204);
    await page.waitForURL((u) => u.pathname === '/signin');
    await page.getByTestId('signin-email').waitFor();
    assert.equal(await page.getByTestId('signed-out').count(), 0, 'a chosen sign-out is not "you were signed out"');
    const other = await b.page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);
    assert.equal(other, 401, 'the other browser is still signed in');
    const mine = await page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);
    assert.equal(mine, 401);
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
