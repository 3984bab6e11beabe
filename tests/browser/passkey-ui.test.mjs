// Passkeys through the client UI (web/src/webauthn.ts): add a passkey on /account (its
// recovery codes are shown once), then sign out and use it as the second sign-in step,
// against the real server with Chromium's CDP virtual authenticator, at 375 px.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { LOG_DIR, enrollAdmin, recordSensitive, startServer } from '../lib/harness.mjs';
import { assertCleanPages, openSecurity, pageWidth, recordCookies, shownText, signInThroughUi, signInWith } from '../lib/browser-session.mjs';
import { openPasskeyPage } from '../lib/webauthn.mjs';

describe('passkeys in the client', () => {
  let srv;
  let admin;
  let ctx;
  let page;
  let cdp;
  let authenticatorId;
  let close; // closes the page and the browser
  let pageRecord;

  const width = () => pageWidth(page);

  before(async () => {
    srv = await startServer();
    admin = await enrollAdmin(srv);
    // WebAuthn refuses pages with certificate errors: pin the server's key instead.
    ({ ctx, page, record: pageRecord, cdp, authenticatorId, close } = await openPasskeyPage(srv));
  });

  after(async () => {
    await close?.();
    await srv?.stop();
  });

  test('sign in with the password, add a passkey on /account, see it listed and the recovery codes once', async () => {
    await signInThroughUi(page, srv, admin.who.email, admin.who.password);

    await openSecurity(page, 'passkeys');
    assert.equal(await page.getByTestId('passkey-item').count(), 0);
    await page.getByTestId('passkey-none').waitFor();
    const name = page.getByTestId('passkey-name');
    assert.equal(await name.inputValue(), 'This device');
    assert.ok(await page.getByLabel('Name').count(), 'the passkey name has a label');

    await name.fill('Test laptop');
    const registered = page.waitForResponse((r) => r.url().endsWith('/api/webauthn/register'));
    await page.getByTestId('passkey-add').click();
    const res = await registered;
    assert.equal(res.status(), 201);

    const list = page.getByTestId('recovery-codes');
    await list.waitFor();
    const codes = (await list.locator('li').allTextContents()).map((c) => c.trim());
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) recordSensitive(c, 'admin recovery code (passkey)');
    await recordCookies(ctx, 'admin after passkey');
    await page.getByText('Store them somewhere safe').waitFor();
    assert.match(await page.getByText('Store them somewhere safe').textContent(), /lose your passkey/);
    assert.ok((await width()) <= 375, `recovery codes are ${await width()}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'account-passkey-recovery-codes-375.png'), fullPage: true });

    await page.getByTestId('recovery-saved').click();
    await page.getByTestId('mfa-status').waitFor();
    await page.getByText('Two-step verification is on').waitFor();
    assert.equal(await page.getByTestId('recovery-codes').count(), 0, 'recovery codes still on screen');
    const items = page.getByTestId('passkey-item');
    await items.first().waitFor();
    assert.equal(await items.count(), 1);
    assert.match(await items.first().textContent(), /Test laptop/);
    assert.match(await page.getByTestId('recovery-left').textContent(), /10/);

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the virtual authenticator holds the new passkey');
    assert.ok((await width()) <= 375, `/account is ${await width()}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'account-passkey-375.png'), fullPage: true });
  });

  test('adding the same device twice is refused with a plain message', async () => {
    await page.getByTestId('passkey-name').fill('Same laptop again');
    await page.getByTestId('passkey-add').click();
    assert.match(await shownText(page, 'passkey-error'), /already has a passkey/);
    assert.equal(await page.getByTestId('passkey-item').count(), 1);
  });

  test('sign out; sign in with the password; the second step offers the passkey first and it works', async () => {
    await page.getByTestId('signout').click();
    await page.waitForURL((u) => u.pathname === '/signin');
    await signInWith(page, admin.who.email, admin.who.password);

    const button = page.getByTestId('mfa-use-passkey');
    await button.waitFor();
    await recordCookies(ctx, 'admin (MFA step)');
    assert.equal((await button.textContent()).trim(), 'Use your passkey');
    // The passkey comes before the code form, which stays available (recovery codes).
    const order = await page.evaluate(() => {
      const a = document.querySelector('[data-testid="mfa-use-passkey"]');
      const b = document.querySelector('[data-testid="mfa-code"]');
      return a && b ? a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING : -1;
    });
    assert.ok(order > 0, 'passkey button is not shown before the code field');
    await page.getByTestId('mfa-restart').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'mfa-use-passkey');
    assert.ok((await width()) <= 375, `the MFA step is ${await width()}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'signin-mfa-passkey-375.png'), fullPage: true });

    const verified = page.waitForResponse((r) => r.url().endsWith('/api/session/webauthn'));
    await button.click();
    assert.equal((await verified).status(), 200);
    await page.waitForURL((u) => u.pathname === '/admin');
    await page.getByTestId('landing-heading').waitFor();
    await recordCookies(ctx, 'admin (passkey sign-in)');
    assert.equal(await page.getByTestId('mfa-nudge').count(), 0, 'nudge shown although a passkey is enrolled');
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages([pageRecord]);
  });
});
