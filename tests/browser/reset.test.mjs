// Admin-issued password reset (docs/API.md "Password reset", web/src/pages/Reset.tsx): an
// administrator with two-step verification issues a one-time link for a therapist who has
// an authenticator app; the therapist opens /reset#token=… (the token leaves the address
// bar at once), sets a new password, is told to sign in, and sign-in still asks for the
// TOTP code: a reset never bypasses the second factor. The link works once.
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
  newIdentity,
  randomHex,
  recordSensitive,
  request,
  sessionCookie,
  startServer,
  tokenOf,
} from '../lib/harness.mjs';
import { totp, totpStep } from '../lib/totp.mjs';

const INVALID = 'This password reset link is not valid or was already used.';

describe('password reset link', () => {
  let srv;
  let browser;
  let adminCookie = '';
  const therapist = newIdentity('therapist');
  let therapistId = '';
  let therapistCookie = '';
  let therapistSecret = '';
  let lastStep = -1; // the therapist's last TOTP step the server accepted
  let link = '';
  let newPassword = '';
  const browserLog = logPath('browser');
  const records = [];
  const contexts = [];

  function keep(res, label) {
    const c = sessionCookie(res);
    if (c) recordSensitive(c.split('=')[1], label);
    return c;
  }

  /** Turns on TOTP for the session's account; returns { secret, cookie, step }. */
  async function enrolTotp(cookie, password, who) {
    const setup = await request(srv, 'POST', '/api/mfa/totp/setup', { cookie, body: { password } });
    assert.equal(setup.status, 200, setup.text);
    const secret = recordSensitive(setup.json.secret, `${who} TOTP secret`);
    const step = totpStep();
    const confirm = await request(srv, 'POST', '/api/mfa/totp/confirm', { cookie, body: { code: totp(secret, step) } });
    assert.equal(confirm.status, 200, confirm.text);
    for (const c of confirm.json.recovery_codes) recordSensitive(c, `${who} recovery code`);
    return { secret, cookie: keep(confirm, `${who} session`) || cookie, step };
  }

  async function openPage() {
    const ctx = await newContext(browser, { viewport: { width: 375, height: 812 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    records.push(attachPageLog(page, browserLog));
    return { ctx, page };
  }

  before(async () => {
    srv = await startServer({ env: { HAVEN_LIMITS_SIGNIN_PER_IP_PER_MINUTE: '1000' } });
    const admin = await enrollAdmin(srv);
    ({ cookie: adminCookie } = await enrolTotp(admin.cookie, admin.who.password, 'admin'));

    const inv = await request(srv, 'POST', '/api/invitations', {
      cookie: adminCookie,
      body: { role: 'therapist', display_name: therapist.displayName },
    });
    assert.equal(inv.status, 201, inv.text);
    const token = recordSensitive(tokenOf(inv.json.link), 'therapist invitation token');
    const accepted = await request(srv, 'POST', '/api/invitations/accept', {
      body: { token, email: therapist.email, password: therapist.password },
    });
    assert.equal(accepted.status, 201, accepted.text);
    therapistId = accepted.json.user.id;
    const enrolled = await enrolTotp(keep(accepted, 'therapist session'), therapist.password, 'therapist');
    therapistSecret = enrolled.secret;
    therapistCookie = enrolled.cookie;
    lastStep = enrolled.step;
    browser = await launchBrowser();
  });

  after(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
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
    const { page } = await openPage();
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
    await page.waitForFunction(() => (document.querySelector('[data-testid="error"]')?.textContent ?? '').trim() !== '');
    assert.equal((await page.getByTestId('error').textContent()).trim(), badBody.error.message);

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
    await page.getByTestId('signin-email').fill(therapist.email);
    await page.getByTestId('signin-password').fill(newPassword);
    const first = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
    await page.getByTestId('signin-submit').click();
    const firstBody = await (await first).json();
    assert.equal(firstBody.mfa_required, true);
    assert.ok(!('user' in firstBody));
    for (const c of await page.context().cookies()) {
      if (c.value.length >= 6 && c.name.startsWith('haven_')) recordSensitive(c.value, `therapist ${c.name} cookie`);
    }
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
    for (const c of await page.context().cookies()) {
      if (c.value.length >= 6 && c.name === 'haven_session') recordSensitive(c.value, 'therapist session cookie');
    }
  });

  test('the old password no longer works', async () => {
    const res = await request(srv, 'POST', '/api/session', { body: { email: therapist.email, password: therapist.password } });
    assert.equal(res.status, 401);
  });

  test('the link is refused the second time', async () => {
    const { page } = await openPage();
    await page.goto(link);
    await page.getByTestId('reset-invalid').waitFor();
    assert.equal((await page.getByTestId('reset-invalid').textContent()).trim(), INVALID);
    assert.equal(await page.getByTestId('reset-password').count(), 0);
    const direct = await request(srv, 'POST', '/api/password-reset/accept', {
      body: { token: tokenOf(link), new_password: recordSensitive(`another-${randomHex(5)}-lantern`, 'second reset password') },
    });
    assert.equal(direct.status, 409);
    assert.equal(direct.json.error.code, 'reset_invalid');

    const { page: bare } = await openPage();
    await bare.goto(`${srv.url}/reset`);
    await bare.getByText(INVALID).waitFor();
  });

  test('nothing violated the CSP and no page threw', () => {
    for (const r of records) {
      assert.deepEqual(r.cspViolations, []);
      assert.deepEqual(r.pageErrors, []);
    }
  });
});
