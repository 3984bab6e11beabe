// Admin-issued password reset (docs/API.md "Password reset", web/src/pages/Reset.tsx): an
// administrator with two-step verification issues a one-time link for a therapist who has
// an authenticator app; the therapist opens /reset#token=… (the token leaves the address
// bar at once), sets a new password, is told to sign in, and sign-in still asks for the
// TOTP code: a reset never bypasses the second factor. The link works once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LOG_DIR, launchBrowser, logPath, randomHex, recordSensitive, request, startServer, tokenOf } from '../lib/harness.mjs';
import { enrollAdminWithTotp, invitePersonWithTotp } from '../lib/accounts.mjs';
import { assertCleanPages, pageOpener, recordCookies, shownText, signInWith } from '../lib/browser-session.mjs';
import { totp, totpStep } from '../lib/totp.mjs';

const INVALID = 'This password reset link is not valid or was already used.';

describe('password reset link', () => {
  let srv;
  let browser;
  let adminCookie = '';
  let therapist; // { displayName, email, password }
  let therapistId = '';
  let therapistCookie = '';
  let therapistSecret = '';
  let lastStep = -1; // the therapist's last TOTP step the server accepted
  let link = '';
  let newPassword = '';
  let pages; // pageOpener, at 375 px

  before(async () => {
    srv = await startServer({ env: { HAVEN_LIMITS_SIGNIN_PER_IP_PER_MINUTE: '1000' } });
    adminCookie = (await enrollAdminWithTotp(srv)).cookie;
    const t = await invitePersonWithTotp(srv, adminCookie, 'therapist');
    ({ who: therapist, id: therapistId, secret: therapistSecret, cookie: therapistCookie, step: lastStep } = t);
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'), { viewport: { width: 375, height: 812 } });
  });

  after(async () => {
    await pages?.closeAll();
    await browser?.close();
    await srv?.stop();
  });

  test('the admin issues a reset link; the therapist\'s sessions end', async () => {
    assert.equal((await request(srv, 'GET', '/api/me', { cookie: therapistCookie })).status, 200);
    const res = await request(srv, 'POST', '/api/users/reset-password', { cookie: adminCookie, body: { user_id: therapistId } });
    assert.equal(res.status, 201, res.text);
    link = res.json.link;
    recordSensitive(tokenOf(link), 'password reset token');
    const u = new URL(link);
    assert.equal(u.pathname, '/reset');
    assert.equal(u.search, '');
    assert.ok(tokenOf(link).length >= 20);
    assert.equal((await request(srv, 'GET', '/api/me', { cookie: therapistCookie })).status, 401);
  });

  test('the link asks for a new password for the therapist and drops the token from the URL', async () => {
    const { page } = await pages.open();
    const token = tokenOf(link);
    const checked = page.waitForResponse((r) => r.url().endsWith('/api/password-reset/check'));
    await page.goto(`${srv.url}/reset#token=${token}`);
    const check = await checked;
    assert.equal(check.status(), 200);
    assert.equal((await check.json()).min_length, 8, 'an account with MFA needs 8 characters');
    const heading = page.getByTestId('reset-heading');
    await heading.waitFor();
    assert.equal((await heading.textContent()).trim(), `Set a new password for ${therapist.displayName}`);
    const href = await page.evaluate(() => location.href);
    assert.ok(!href.includes(token), 'token still in the address bar');
    assert.ok(!href.includes('#'));
    await page.getByText('Use at least 8 characters').waitFor();
    assert.equal(await page.getByTestId('reset-password').getAttribute('minlength'), '8');
    assert.equal(await page.getByTestId('reset-password').getAttribute('autocomplete'), 'new-password');
    await page.getByLabel('New password').waitFor();
    await page.screenshot({ path: path.join(LOG_DIR, 'reset-form-375.png'), fullPage: true });

    // A guessable password: the server's reason is shown and the link stays usable.
    const weak = recordSensitive('abcdefghijklmnop', 'guessable reset password');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/password-reset/accept'));
    await page.getByTestId('reset-password').fill(weak);
    await page.getByTestId('reset-submit').click();
    const bad = await refused;
    assert.equal(bad.status(), 400);
    const badBody = await bad.json();
    assert.equal(badBody.error.code, 'password_weak');
    assert.equal(await shownText(page), badBody.error.message);

    newPassword = recordSensitive(`steady-${randomHex(5)}-orchard`, 'therapist reset password');
    const accepted = page.waitForResponse((r) => r.url().endsWith('/api/password-reset/accept'));
    await page.getByTestId('reset-password').fill(newPassword);
    await page.getByTestId('reset-submit').click();
    const res = await accepted;
    assert.equal(res.status(), 200);
    assert.equal((await res.json()).mfa_required, true);
    await page.getByTestId('reset-done').waitFor();
    assert.match(await page.getByTestId('reset-mfa-note').textContent(), /Two-step verification is still on/);
    assert.equal((await page.context().cookies()).filter((c) => c.name === 'haven_session').length, 0, 'a reset issued a session');
    await page.screenshot({ path: path.join(LOG_DIR, 'reset-done-375.png'), fullPage: true });

    // Sign in with the new password: the authenticator code is still required.
    await page.getByTestId('reset-signin').click();
    await page.waitForURL((u) => u.pathname === '/signin');
    const first = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
    await signInWith(page, therapist.email, newPassword);
    const firstBody = await (await first).json();
    assert.equal(firstBody.mfa_required, true);
    assert.ok(!('user' in firstBody));
    await recordCookies(page.context(), 'therapist');
    const code = page.getByTestId('mfa-code');
    await code.waitFor();
    assert.equal(new URL(page.url()).pathname, '/signin');
    const now = totpStep();
    const step = now > lastStep ? now : lastStep + 1;
    assert.ok(step <= now + 1, 'no fresh TOTP step within the accepted window');
    await code.fill(totp(therapistSecret, step));
    const verified = page.waitForResponse((r) => r.url().endsWith('/api/session/mfa'));
    await page.getByTestId('mfa-submit').click();
    assert.equal((await verified).status(), 200);
    lastStep = step;
    await page.waitForURL((u) => u.pathname === '/therapist');
    await page.getByTestId('landing-heading').waitFor();
    await recordCookies(page.context(), 'therapist (signed in)');
  });

  test('the old password no longer works', async () => {
    const res = await request(srv, 'POST', '/api/session', { body: { email: therapist.email, password: therapist.password } });
    assert.equal(res.status, 401);
  });

  test('the link is refused the second time', async () => {
    const { page } = await pages.open();
    await page.goto(link);
    await page.getByTestId('reset-invalid').waitFor();
    assert.equal((await page.getByTestId('reset-invalid').textContent()).trim(), INVALID);
    assert.equal(await page.getByTestId('reset-password').count(), 0);
    const direct = await request(srv, 'POST', '/api/password-reset/accept', {
      body: { token: tokenOf(link), new_password: recordSensitive(`another-${randomHex(5)}-lantern`, 'second reset password') },
    });
    assert.equal(direct.status, 409);
    assert.equal(direct.json.error.code, 'reset_invalid');

    const { page: bare } = await pages.open();
    await bare.goto(`${srv.url}/reset`);
    await bare.getByText(INVALID).waitFor();
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
