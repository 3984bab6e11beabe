// Identity in the browser (docs/API.md "Identity"): the MFA nudge, authenticator setup on
// /account with recovery codes, sign-in with a TOTP code and with a recovery code,
// invitations (admin → therapist → patient), the People list and disabling an account,
// against the real server and Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  LOG_DIR,
  enrollAdmin,
  launchBrowser,
  logPath,
  newIdentity,
  recordSensitive,
  request,
  sessionCookie,
  startServer,
  tokenOf,
} from '../lib/harness.mjs';
import { enableTotp } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSecurity, pageOpener, recordCookies, shownText, signInWith, useSession } from '../lib/browser-session.mjs';
import { totp, totpStep } from '../lib/totp.mjs';

const INVITE_INVALID = 'This invitation link is not valid or was already used.';
const INVITE_HINT = 'Send this link to them privately. It works once and expires in 72 hours.';

describe('identity: two-step verification, invitations and people', () => {
  let srv;
  let browser;
  let admin; // { who }
  const therapist = newIdentity('therapist');
  const patient = newIdentity('patient');
  const staff = newIdentity('staff');
  let pages; // pageOpener
  let adminSession; // { ctx, page }
  let therapistSession;
  let patientSession;
  let secret = '';
  let lastUsedStep = -1; // highest TOTP step whose code the server has accepted
  let recoveryCodes = [];
  let therapistLink = '';

  async function signOut(page) {
    await page.getByTestId('signout').click();
    await page.waitForURL((u) => u.pathname === '/signin');
    await page.getByTestId('signin-email').waitFor();
  }

  /** A TOTP code the server has not seen yet: this step's, or the next one (±1 is accepted). */
  function freshCode() {
    const now = totpStep();
    const step = now > lastUsedStep ? now : lastUsedStep + 1;
    assert.ok(step <= now + 1, 'no fresh TOTP step within the accepted window');
    return { step, code: totp(secret, step) };
  }

  /** A 6-digit code that no step near now would produce. */
  function wrongCode() {
    const now = totpStep();
    const near = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, now + d)));
    for (let n = 13579; ; n += 1111) {
      const c = String(n).padStart(6, '0');
      if (!near.has(c)) return c;
    }
  }

  async function waitForLanding(page, pathname, heading) {
    await page.waitForURL((u) => u.pathname === pathname);
    await page.getByTestId('landing-heading').waitFor();
    assert.equal((await page.getByTestId('landing-heading').textContent()).trim(), heading);
  }

  before(async () => {
    // Every request of this file comes from 127.0.0.1: lift the per-IP sign-in limit so
    // the many sign-ins here do not trip it; the per-account limit (10) stays as shipped.
    srv = await startServer({ env: { HAVEN_LIMITS_SIGNIN_PER_IP_PER_MINUTE: '1000' } });
    admin = await enrollAdmin(srv);
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'));
  });

  after(() => closeSuite(pages, browser, srv));

  test('an admin without two-step verification sees the nudge and a Security link', async () => {
    adminSession = await pages.open({ viewport: { width: 1280, height: 900 } });
    const { page, ctx } = adminSession;
    await page.goto(`${srv.url}/signin`);
    await signInWith(page, admin.who.email, admin.who.password);
    await waitForLanding(page, '/admin', 'Practice administration');
    await recordCookies(ctx, 'admin');
    const nudge = page.getByTestId('mfa-nudge');
    await nudge.waitFor();
    assert.match(await nudge.textContent(), /Set up two-step verification to see patient information/);
    assert.equal(await nudge.locator('a[href="/account"]').count(), 1);
    assert.equal((await page.getByTestId('nav-security').textContent()).trim(), 'Security');
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-landing-nudge.png'), fullPage: true });
  });

  test('/account: a wrong password is refused, the right one shows the QR code and key', async () => {
    const { page } = adminSession;
    await openSecurity(page, 'reauth-password');
    await page.getByLabel('Your current password').waitFor();

    const wrong = recordSensitive(`not-${admin.who.password}`, 'wrong reauth password');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/mfa/totp/setup'));
    await page.getByTestId('reauth-password').fill(wrong);
    await page.getByTestId('totp-setup').click();
    const res = await refused;
    assert.equal(res.status(), 401);
    const body = await res.json();
    assert.equal(body.error.code, 'reauth_failed');
    assert.equal(await shownText(page, 'totp-error'), body.error.message);
    assert.equal(await page.getByTestId('reauth-password').inputValue(), '', 'password left in the field');

    const setup = page.waitForResponse((r) => r.url().endsWith('/api/mfa/totp/setup'));
    await page.getByTestId('reauth-password').fill(admin.who.password);
    await page.getByTestId('totp-setup').click();
    assert.equal((await setup).status(), 200);

    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml;base64,/);
    assert.ok(await qr.getAttribute('alt'));
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="totp-qr"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    const shown = (await page.getByTestId('totp-secret').textContent()).trim();
    assert.match(shown, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, 'secret not grouped in fours');
    secret = recordSensitive(shown.replace(/\s+/g, ''), 'admin TOTP secret');
    assert.ok(secret.length >= 16);
    const input = page.getByTestId('totp-code');
    assert.equal(await input.getAttribute('inputmode'), 'numeric');
    assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
    await page.screenshot({ path: path.join(LOG_DIR, 'account-totp-qr.png'), fullPage: true });
  });

  test('confirming with a code shows 10 recovery codes once, then "on"; the nudge is gone', async () => {
    const { page } = adminSession;
    const { step, code } = freshCode();
    const confirmed = page.waitForResponse((r) => r.url().endsWith('/api/mfa/totp/confirm'));
    await page.getByTestId('totp-code').fill(code);
    await page.getByTestId('totp-confirm').click();
    assert.equal((await confirmed).status(), 200);
    lastUsedStep = step;

    const list = page.getByTestId('recovery-codes');
    await list.waitFor();
    recoveryCodes = (await list.locator('li').allTextContents()).map((c) => c.trim());
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10);
    for (const c of recoveryCodes) recordSensitive(c, 'admin recovery code');
    await page.getByText('Store them somewhere safe').waitFor();
    await page.screenshot({ path: path.join(LOG_DIR, 'account-recovery-codes.png'), fullPage: true });

    await page.getByTestId('recovery-saved').click();
    await page.getByText('Two-step verification is on').waitFor();
    assert.match(await page.getByTestId('recovery-left').textContent(), /10/);
    assert.equal(await page.getByTestId('recovery-codes').count(), 0, 'recovery codes still on screen');

    await page.getByTestId('nav-home').click();
    await waitForLanding(page, '/admin', 'Practice administration');
    await page.getByTestId('people').waitFor();
    assert.equal(await page.getByTestId('mfa-nudge').count(), 0, 'nudge still shown');
  });

  test('sign-in now asks for a code; a wrong code is refused, the right one signs in', async () => {
    const { page, ctx } = adminSession;
    await signOut(page);
    const first = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
    await signInWith(page, admin.who.email, admin.who.password);
    const firstRes = await first;
    assert.equal(firstRes.status(), 200);
    const firstBody = await firstRes.json();
    assert.equal(firstBody.mfa_required, true);
    assert.ok(!('user' in firstBody), 'first step answered a user');
    await recordCookies(ctx, 'admin');

    const codeInput = page.getByTestId('mfa-code');
    await codeInput.waitFor();
    await page.getByText('Enter the 6-digit code from your authenticator app').waitFor();
    assert.equal(await codeInput.getAttribute('inputmode'), 'numeric');
    assert.equal(await codeInput.getAttribute('autocomplete'), 'one-time-code');
    assert.equal(new URL(page.url()).pathname, '/signin');
    await page.screenshot({ path: path.join(LOG_DIR, 'signin-mfa-step.png'), fullPage: true });

    const refused = page.waitForResponse((r) => r.url().endsWith('/api/session/mfa'));
    await codeInput.fill(wrongCode());
    await page.getByTestId('mfa-submit').click();
    const bad = await refused;
    assert.equal(bad.status(), 401);
    const badBody = await bad.json();
    assert.equal(badBody.error.code, 'mfa_invalid');
    assert.equal(await shownText(page), badBody.error.message);
    assert.equal(new URL(page.url()).pathname, '/signin');
    await page.screenshot({ path: path.join(LOG_DIR, 'signin-mfa-error.png'), fullPage: true });

    const { step, code } = freshCode();
    const accepted = page.waitForResponse((r) => r.url().endsWith('/api/session/mfa'));
    await codeInput.fill(code);
    await page.getByTestId('mfa-submit').click();
    assert.equal((await accepted).status(), 200);
    lastUsedStep = step;
    await waitForLanding(page, '/admin', 'Practice administration');
    await recordCookies(ctx, 'admin');
    assert.equal((await page.getByTestId('user-name').textContent()).trim(), admin.who.displayName);
  });

  test('a recovery code signs in once', async () => {
    const { page, ctx } = adminSession;
    await signOut(page);
    await signInWith(page, admin.who.email, admin.who.password);
    await page.getByTestId('mfa-code').waitFor();
    await page.getByTestId('mfa-use-recovery').click();
    await page.getByText('Recovery code', { exact: true }).waitFor();
    const accepted = page.waitForResponse((r) => r.url().endsWith('/api/session/mfa'));
    await page.getByTestId('mfa-code').fill(recoveryCodes[0]);
    await page.getByTestId('mfa-submit').click();
    const res = await accepted;
    assert.equal(res.status(), 200);
    assert.equal(JSON.parse(res.request().postData()).method, 'recovery');
    await waitForLanding(page, '/admin', 'Practice administration');
    await recordCookies(ctx, 'admin');

    await page.getByTestId('nav-security').click();
    await page.getByText('Two-step verification is on').waitFor();
    assert.match(await page.getByTestId('recovery-left').textContent(), /9/);

    // The same recovery code does not work a second time.
    const other = await pages.open();
    await other.page.goto(`${srv.url}/signin`);
    await signInWith(other.page, admin.who.email, admin.who.password);
    await other.page.getByTestId('mfa-use-recovery').click();
    const again = other.page.waitForResponse((r) => r.url().endsWith('/api/session/mfa'));
    await other.page.getByTestId('mfa-code').fill(recoveryCodes[0]);
    await other.page.getByTestId('mfa-submit').click();
    assert.equal((await again).status(), 401);
    await shownText(other.page);
    await recordCookies(other.ctx, 'admin (second browser)');

    // When the short-lived MFA cookie is gone, the step starts over with a message.
    await other.ctx.clearCookies({ name: 'haven_mfa' });
    const expired = other.page.waitForResponse((r) => r.url().endsWith('/api/session/mfa'));
    await other.page.getByTestId('mfa-code').fill(recoveryCodes[2]);
    await other.page.getByTestId('mfa-submit').click();
    const expiredRes = await expired;
    assert.equal(expiredRes.status(), 401);
    assert.equal((await expiredRes.json()).error.code, 'unauthenticated');
    await other.page.getByTestId('signin-email').waitFor();
    assert.match(await shownText(other.page), /Please enter your email and password again/);
    await other.ctx.close();
  });

  test('the admin invites a therapist and gets a one-time link to send', async () => {
    const { page } = adminSession;
    await page.getByTestId('nav-home').click();
    await waitForLanding(page, '/admin', 'Practice administration');
    await page.getByTestId('invite-name').fill(therapist.displayName);
    await page.getByTestId('invite-role').selectOption('therapist');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/invitations') && r.request().method() === 'POST');
    await page.getByTestId('invite-submit').click();
    const res = await created;
    assert.equal(res.status(), 201);
    const body = await res.json();
    assert.equal(body.invitation.role, 'therapist');

    const input = page.getByTestId('invite-link');
    await input.waitFor();
    therapistLink = await input.inputValue();
    assert.equal(therapistLink, body.link);
    recordSensitive(tokenOf(therapistLink), 'therapist invitation token');
    assert.equal(await input.getAttribute('readonly'), '');
    const u = new URL(therapistLink);
    assert.equal(u.origin, srv.url);
    assert.equal(u.pathname, '/invite');
    assert.equal(u.search, '');
    await page.getByText(INVITE_HINT).waitFor();
    await page.getByTestId('invite-copy').waitFor();
  });

  test('the therapist opens the link in another browser, creates an account and lands on /therapist', async () => {
    therapistSession = await pages.open();
    const { page, ctx } = therapistSession;
    const token = tokenOf(therapistLink);
    await page.goto(therapistLink);
    await page.getByTestId('invite-accept-email').waitFor();
    assert.ok(!(await page.evaluate(() => location.href)).includes(token), 'token still in the address bar');
    assert.ok(!(await page.evaluate(() => location.href)).includes('#'));
    assert.equal((await page.getByTestId('invite-welcome').textContent()).trim(), `Welcome, ${therapist.displayName}.`);
    await page.getByText('Create your Haven account').waitFor();
    await page.getByText('at least 15 characters').waitFor();
    await page.getByLabel('Email').waitFor();
    await page.getByLabel('Password').waitFor();
    await page.screenshot({ path: path.join(LOG_DIR, 'invite-accept.png'), fullPage: true });

    await page.getByTestId('invite-accept-email').fill(therapist.email);
    await page.getByTestId('invite-accept-password').fill(therapist.password);
    const accepted = page.waitForResponse((r) => r.url().endsWith('/api/invitations/accept'));
    await page.getByTestId('invite-accept-submit').click();
    assert.equal((await accepted).status(), 201);
    await waitForLanding(page, '/therapist', 'Your sessions');
    await recordCookies(ctx, 'therapist');
    assert.equal((await page.getByTestId('user-name').textContent()).trim(), therapist.displayName);
    await page.getByTestId('mfa-nudge').waitFor();
  });

  test('a used invitation link shows the invalid message', async () => {
    const { page } = await pages.open();
    await page.goto(therapistLink);
    await page.getByTestId('invite-invalid').waitFor();
    assert.equal((await page.getByTestId('invite-invalid').textContent()).trim(), INVITE_INVALID);
    assert.equal(await page.getByTestId('invite-accept-email').count(), 0);
    const { page: bare } = await pages.open();
    await bare.goto(`${srv.url}/invite`);
    await bare.getByText(INVITE_INVALID).waitFor();
  });

  test('the therapist invites a patient, who accepts and lands on /patient', async () => {
    const { page, ctx } = therapistSession;
    // An invitation names a patient: without two-step verification there is no form, only
    // the nudge (the server refuses such an invitation too).
    await page.getByTestId('mfa-nudge').waitFor();
    assert.equal(await page.getByTestId('invite-name').count(), 0, 'invite form shown without MFA');
    const current = (await ctx.cookies()).find((c) => c.name === 'haven_session');
    const { cookie } = await enableTotp(srv, `haven_session=${current.value}`, therapist.password, 'therapist');
    await useSession(ctx, srv, cookie);
    await page.reload();
    await page.getByTestId('invite-name').fill(patient.displayName);
    assert.equal(await page.getByTestId('invite-role').count(), 0, 'therapists choose no role');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/invitations') && r.request().method() === 'POST');
    await page.getByTestId('invite-submit').click();
    const res = await created;
    assert.equal(res.status(), 201, `invitation answered ${res.status()}: ${await res.text()}`);
    assert.equal(JSON.parse(res.request().postData()).role, 'patient');
    const link = await page.getByTestId('invite-link').inputValue();
    recordSensitive(tokenOf(link), 'patient invitation token');
    await page.screenshot({ path: path.join(LOG_DIR, 'therapist-invite-link.png'), fullPage: true });

    patientSession = await pages.open();
    const p = patientSession.page;
    await p.goto(link);
    await p.getByTestId('invite-accept-email').waitFor();
    assert.equal((await p.getByTestId('invite-welcome').textContent()).trim(), `Welcome, ${patient.displayName}.`);
    await p.getByTestId('invite-accept-email').fill(patient.email);
    await p.getByTestId('invite-accept-password').fill(patient.password);
    await p.getByTestId('invite-accept-submit').click();
    await waitForLanding(p, '/patient', 'Your appointments');
    await recordCookies(patientSession.ctx, 'patient');
    assert.equal(await p.getByTestId('mfa-nudge').count(), 0, 'patients get no MFA nudge');
  });

  test('the admin sees both in People with role and status', async () => {
    const { page } = adminSession;
    await page.getByTestId('people-refresh').click();
    const tRow = page.locator('[data-testid="user-row"]', { hasText: therapist.displayName });
    const pRow = page.locator('[data-testid="user-row"]', { hasText: patient.displayName });
    await tRow.waitFor();
    await pRow.waitFor();
    assert.ok(await tRow.getAttribute('data-user-id'));
    assert.match(await tRow.textContent(), new RegExp(therapist.email.replace(/[.]/g, '\\.')));
    assert.equal((await tRow.getByTestId('user-row-role').textContent()).trim(), 'Therapist');
    assert.equal((await pRow.getByTestId('user-row-role').textContent()).trim(), 'Patient');
    assert.equal(await pRow.getByTestId('badge-disabled').count(), 0);
    const aRow = page.locator('[data-testid="user-row"]', { hasText: admin.who.displayName });
    assert.equal(await aRow.getByTestId('badge-mfa').count(), 1, 'admin row lacks the MFA badge');
    assert.equal(await page.locator('[data-testid="user-row"]').count(), 3);
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-people.png'), fullPage: true });
  });

  test('disabling the patient ends their session and blocks sign-in; enabling restores it', async () => {
    const { page } = adminSession;
    const pRow = page.locator('[data-testid="user-row"]', { hasText: patient.displayName });
    const disabled = page.waitForResponse((r) => r.url().endsWith('/api/users/disable'));
    await pRow.getByTestId('user-disable').click();
    const res = await disabled;
    assert.equal(res.status(), 200);
    assert.deepEqual(Object.keys(JSON.parse(res.request().postData())), ['user_id']);
    await pRow.getByTestId('badge-disabled').waitFor();
    await pRow.getByTestId('user-enable').waitFor();

    // The patient's open page: the next API call is 401, a reload goes to sign-in.
    const p = patientSession.page;
    const status = await p.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);
    assert.equal(status, 401);
    await p.reload();
    await p.waitForURL((u) => u.pathname === '/signin');
    await p.getByTestId('signin-email').waitFor();

    const refused = p.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
    await signInWith(p, patient.email, patient.password);
    assert.equal((await refused).status(), 401);
    await shownText(p);
    assert.equal(new URL(p.url()).pathname, '/signin');

    const enabled = page.waitForResponse((r) => r.url().endsWith('/api/users/enable'));
    await pRow.getByTestId('user-enable').click();
    assert.equal((await enabled).status(), 200);
    await pRow.getByTestId('user-disable').waitFor();
    await signInWith(p, patient.email, patient.password);
    await waitForLanding(p, '/patient', 'Your appointments');
    await recordCookies(patientSession.ctx, 'patient');
  });

  test('the admin resets a colleague\'s two-step verification', async () => {
    // The therapist turned TOTP on before inviting their patient (above).
    const { page } = adminSession;
    await page.getByTestId('people-refresh').click();
    const tRow = page.locator('[data-testid="user-row"]', { hasText: therapist.displayName });
    await tRow.getByTestId('badge-mfa').waitFor();
    const reset = page.waitForResponse((r) => r.url().endsWith('/api/users/reset-mfa'));
    await tRow.getByTestId('user-reset-mfa').click();
    assert.equal((await reset).status(), 200);
    await page.getByText('Two-step verification reset').waitFor();
    await tRow.getByTestId('user-disable').waitFor();
    assert.equal(await tRow.getByTestId('badge-mfa').count(), 0, 'MFA badge still shown');

    const again = await request(srv, 'POST', '/api/session', { body: { email: therapist.email, password: therapist.password } });
    assert.equal(again.status, 200);
    assert.ok(again.json.user, 'sign-in still asks for a second factor after the reset');
    recordSensitive(sessionCookie(again).split('=')[1], 'therapist API session');
  });

  test('a locked account shows "Locked" in People and the admin can unlock it', async () => {
    // A fresh staff account (invited through the API with the admin's browser session),
    // so no earlier sign-in of this test counts towards its limits.
    const { page } = adminSession;
    const inv = await page.request.post(`${srv.url}/api/invitations`, { data: { role: 'staff', display_name: staff.displayName } });
    assert.equal(inv.status(), 201);
    const token = recordSensitive(tokenOf((await inv.json()).link), 'staff invitation token');
    const accepted = await request(srv, 'POST', '/api/invitations/accept', { body: { token, email: staff.email, password: staff.password } });
    assert.equal(accepted.status, 201);
    recordSensitive(sessionCookie(accepted).split('=')[1], 'staff API session');
    const answers = [];
    for (let i = 0; i < 10; i++) {
      const r = await request(srv, 'POST', '/api/session', { body: { email: staff.email, password: `wrong-password-attempt-${i}` } });
      answers.push(r.status);
    }
    assert.deepEqual(answers, Array(10).fill(401));
    await page.getByTestId('people-refresh').click();
    const tRow = page.locator('[data-testid="user-row"]', { hasText: staff.displayName });
    await tRow.getByTestId('badge-locked').waitFor();
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-people-locked.png'), fullPage: true });
    const unlock = page.waitForResponse((r) => r.url().endsWith('/api/users/unlock'));
    await tRow.getByTestId('user-unlock').click();
    assert.equal((await unlock).status(), 200);
    await page.getByText('Account unlocked.').waitFor();
    assert.equal(await tRow.getByTestId('badge-locked').count(), 0, 'Locked badge still shown');
  });

  test('a rate-limited sign-in shows the server\'s message', async () => {
    // The staff account used its 10 sign-in attempts of this minute in the test above.
    const { page } = await pages.open();
    await page.goto(`${srv.url}/signin`);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
    await signInWith(page, staff.email, staff.password);
    const res = await answered;
    assert.equal(res.status(), 429);
    const body = await res.json();
    assert.equal(body.error.code, 'rate_limited');
    assert.equal(await shownText(page), body.error.message);
    assert.equal(new URL(page.url()).pathname, '/signin');
    assert.equal(await page.getByTestId('signin-submit').isEnabled(), true);
  });

  test('at 375 px /account, the MFA step and People do not scroll sideways', async () => {
    const { page, ctx } = await pages.open({ viewport: { width: 375, height: 740 } });
    await page.goto(`${srv.url}/signin`);
    await signInWith(page, admin.who.email, admin.who.password);
    await page.getByTestId('mfa-code').waitFor();
    assert.ok((await page.evaluate(() => document.scrollingElement.scrollWidth)) <= 375, 'MFA step too wide');
    await page.screenshot({ path: path.join(LOG_DIR, 'signin-mfa-step-375.png'), fullPage: true });
    await page.getByTestId('mfa-use-recovery').click();
    await page.getByTestId('mfa-code').fill(recoveryCodes[1]);
    await page.getByTestId('mfa-submit').click();
    await waitForLanding(page, '/admin', 'Practice administration');
    await recordCookies(ctx, 'admin (375 px)');
    await page.locator('[data-testid="user-row"]').first().waitFor();
    const w1 = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(w1 <= 375, `admin page is ${w1}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-people-375.png'), fullPage: true });
    await page.getByTestId('nav-security').click();
    await page.getByText('Two-step verification is on').waitFor();
    const w2 = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(w2 <= 375, `/account is ${w2}px wide`);
  });

  test('at 375 px a therapist follows the nudge and sets up two-step verification', async () => {
    const { page, ctx } = await pages.open({ viewport: { width: 375, height: 740 } });
    const width = () => page.evaluate(() => document.scrollingElement.scrollWidth);
    await page.goto(`${srv.url}/signin`);
    await signInWith(page, therapist.email, therapist.password);
    await waitForLanding(page, '/therapist', 'Your sessions');
    await recordCookies(ctx, 'therapist (375 px)');
    await page.getByTestId('mfa-nudge').getByRole('link').click();
    await page.waitForURL((u) => u.pathname === '/account');
    await page.getByTestId('reauth-password').fill(therapist.password);
    await page.getByTestId('totp-setup').click();
    await page.getByTestId('totp-qr').waitFor();
    const key = recordSensitive((await page.getByTestId('totp-secret').textContent()).replace(/\s+/g, ''), 'therapist TOTP secret (UI)');
    assert.ok((await width()) <= 375, `/account with the QR code is ${await width()}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'account-totp-qr-375.png'), fullPage: true });
    await page.getByTestId('totp-code').fill(totp(key));
    await page.getByTestId('totp-confirm').click();
    await page.getByTestId('recovery-codes').waitFor();
    const codes = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((c) => c.trim());
    assert.equal(codes.length, 10);
    for (const c of codes) recordSensitive(c, 'therapist recovery code (UI)');
    await recordCookies(ctx, 'therapist (375 px)');
    assert.ok((await width()) <= 375, `recovery codes are ${await width()}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'account-recovery-codes-375.png'), fullPage: true });
    await page.getByTestId('recovery-saved').click();
    await page.getByTestId('mfa-status').waitFor();
    await page.getByTestId('nav-home').click();
    await waitForLanding(page, '/therapist', 'Your sessions');
    await page.getByTestId('invite-name').waitFor();
    assert.equal(await page.getByTestId('mfa-nudge').count(), 0, 'nudge still shown');
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
