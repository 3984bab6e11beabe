// Admin People actions in the browser: changing a colleague's role (their sessions end;
// patients and oneself get no role change) and a password reset link that is shown once
// and leaves two-step verification on (contract sections C and D), against the real
// server and Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LOG_DIR, launchBrowser, logPath, randomHex, recordSensitive, request, startServer, tokenOf } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth } from '../lib/browser-session.mjs';

describe('admin: change role and password reset links', () => {
  let srv;
  let browser;
  let pages;
  let admin; // { who, cookie }
  let therapist; // will become staff
  let colleague; // gets a reset link; has TOTP
  let patient;
  let adminPage;

  const row = (page, id) => page.locator(`[data-testid="user-row"][data-user-id="${id}"]`);

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    admin = await enrollAdminWithTotp(srv);
    // Therapists need two-step verification before they invite a patient.
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist');
    colleague = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'colleague');
    patient = await invitePerson(srv, therapist.cookie, 'patient');
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'));
    const { page } = await openSignedIn(pages, srv, admin.cookie, '/admin', { viewport: { width: 1280, height: 900 } });
    await row(page, patient.id).waitFor();
    adminPage = page;
  });

  after(() => closeSuite(pages, browser, srv));

  test('patient rows and the admin\'s own row offer no role change; colleagues\' rows do', async () => {
    const page = adminPage;
    assert.equal(await row(page, patient.id).getByTestId('user-change-role').count(), 0, 'patient row offers a role change');
    assert.equal(await row(page, admin.response.json.user.id).getByTestId('user-change-role').count(), 0, 'own row offers a role change');
    assert.equal(await row(page, therapist.id).getByTestId('user-change-role').count(), 1);
    assert.equal(await row(page, colleague.id).getByTestId('user-change-role').count(), 1);
  });

  test('changing a therapist to staff asks first, then ends their session', async () => {
    const page = adminPage;
    assert.equal((await apiGet(srv, therapist.cookie, '/api/me')).status, 200, 'therapist session not live before the change');
    const tRow = row(page, therapist.id);
    await tRow.getByTestId('user-change-role').click();
    const panel = tRow.getByTestId('role-change');
    await panel.waitFor();
    assert.match(await panel.textContent(), /They will be signed out/);
    const options = await tRow.getByTestId('role-select').locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(options.sort(), ['admin', 'staff'], 'offers the current role or patient');

    // Cancel changes nothing.
    await tRow.getByTestId('role-cancel').click();
    assert.equal(await tRow.getByTestId('role-change').count(), 0);
    assert.equal((await tRow.getByTestId('user-row-role').textContent()).trim(), 'Therapist');

    await tRow.getByTestId('user-change-role').click();
    await tRow.getByTestId('role-select').selectOption('staff');
    const changed = page.waitForResponse((r) => r.url().endsWith('/api/users/role'));
    await tRow.getByTestId('role-confirm').click();
    const res = await changed;
    assert.equal(res.status(), 200, `role change answered ${res.status()}: ${await res.text()}`);
    assert.deepEqual(JSON.parse(res.request().postData()), { user_id: therapist.id, role: 'staff' });
    await page.waitForFunction(
      (id) => document.querySelector(`[data-user-id="${id}"] [data-testid="user-row-role"]`)?.textContent?.trim() === 'Staff',
      therapist.id,
    );
    assert.match(await page.getByTestId('people-status').textContent(), /signed out/);
    assert.equal(await tRow.getByTestId('role-change').count(), 0, 'panel still open');

    assert.equal((await apiGet(srv, therapist.cookie, '/api/me')).status, 401, 'the old session still works');
    const users = await apiGet(srv, admin.cookie, '/api/users');
    assert.equal(users.json.users.find((u) => u.id === therapist.id).role, 'staff');
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-role-changed.png'), fullPage: true });
  });

  test('a password reset link is shown once, signs them out, and keeps two-step verification on', async () => {
    const page = adminPage;
    const cRow = row(page, colleague.id);
    await cRow.getByTestId('badge-mfa').waitFor();
    await cRow.getByTestId('user-reset-link').click();
    const confirm = cRow.getByTestId('reset-link-confirm');
    await confirm.waitFor();
    assert.match(await confirm.textContent(), /two-step verification stays on/);
    assert.equal((await apiGet(srv, colleague.cookie, '/api/me')).status, 200);

    const created = page.waitForResponse((r) => r.url().endsWith('/api/users/reset-password'));
    await cRow.getByTestId('reset-link-create').click();
    const res = await created;
    assert.equal(res.status(), 201, `reset link answered ${res.status()}`);
    const link = await cRow.getByTestId('reset-link').inputValue();
    const token = recordSensitive(tokenOf(link), 'password reset token');
    assert.ok(token.length >= 16, 'no token in the shown link');
    assert.equal(link, (await res.json()).link, 'the page shows another link than the server sent');
    assert.match(link, /^https:\/\/[^/]+\/reset#token=/);
    assert.match(await cRow.getByTestId('reset-link-result').textContent(), /shown only now/);
    await cRow.getByTestId('reset-link-copy').waitFor();
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-reset-link.png'), fullPage: true });

    assert.equal((await apiGet(srv, colleague.cookie, '/api/me')).status, 401, 'their session still works');
    await cRow.getByTestId('badge-mfa').waitFor();
    const check = await request(srv, 'POST', '/api/password-reset/check', { body: { token } });
    assert.equal(check.status, 200);
    assert.equal(check.json.valid, true);

    // Done: the link is gone from the page and does not come back.
    await cRow.getByTestId('reset-link-done').click();
    assert.equal(await page.getByTestId('reset-link').count(), 0);
    assert.ok(!(await page.content()).includes(token), 'the token is still in the page');
    await cRow.getByTestId('user-reset-link').click();
    await cRow.getByTestId('reset-link-confirm').waitFor();
    assert.equal(await page.getByTestId('reset-link').count(), 0, 'the old link is shown again');
    await cRow.getByTestId('reset-link-cancel').click();

    // Using the link sets a new password but still asks for the second step.
    const password = recordSensitive(`quiet-meadow-${randomHex(5)}-harbor-lamp`, 'colleague new password');
    const accept = await request(srv, 'POST', '/api/password-reset/accept', { body: { token, new_password: password } });
    assert.equal(accept.status, 200, `accept answered ${accept.status} ${accept.text}`);
    assert.equal(accept.json.mfa_required, true);
    const signIn = await request(srv, 'POST', '/api/session', { body: { email: colleague.who.email, password } });
    assert.equal(signIn.status, 200);
    assert.equal(signIn.json.mfa_required, true, 'the reset skipped two-step verification');
    assert.equal(signIn.json.user, undefined);
  });

  test('at 375 px the People list with a panel open does not scroll sideways', async () => {
    const { page } = await openSignedIn(pages, srv, admin.cookie, '/admin', { viewport: { width: 375, height: 740 } });
    const cRow = row(page, colleague.id);
    await cRow.getByTestId('user-change-role').click();
    await cRow.getByTestId('role-select').waitFor();
    assert.ok((await pageWidth(page)) <= 375, `admin page is ${await pageWidth(page)}px wide`);
    const box = await cRow.getByTestId('role-confirm').boundingBox();
    assert.ok(box.height >= 44, `confirm button is ${box.height}px high`);
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-role-change-375.png'), fullPage: true });
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
