// Passkeys through the client UI (web/src/webauthn.ts): add a passkey on /account (its
// recovery codes are shown once), then sign out and use it as the second sign-in step,
// against the real server with Chromium's CDP virtual authenticator, at 375 px.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  LOG_DIR,
  attachPageLog,
  enrollAdmin,
  launchTrustingBrowser,
  logPath,
  newContext,
  recordSensitive,
  startServer,
} from '../lib/harness.mjs';

describe('passkeys in the client', () => {
  let srv;
  let browser;
  let admin;
  let ctx;
  let page;
  let cdp;
  let authenticatorId;
  let pageRecord;

  async function recordCookies(who) {
    for (const c of await ctx.cookies()) {
      if ((c.name === 'haven_session' || c.name === 'haven_mfa') && c.value.length >= 6) {
        recordSensitive(c.value, `${who} ${c.name} cookie`);
      }
    }
  }

  const width = () => page.evaluate(() => document.documentElement.scrollWidth);

  async function signInWith(email, password) {
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
  }

  before(async () => {
    srv = await startServer();
    admin = await enrollAdmin(srv);
    // WebAuthn refuses pages with certificate errors: pin the server's key instead.
    browser = await launchTrustingBrowser(srv);
    ctx = await newContext(browser, { ignoreHTTPSErrors: false, viewport: { width: 375, height: 812 } });
    page = await ctx.newPage();
    pageRecord = attachPageLog(page, logPath('browser'));
    cdp = await ctx.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
  });

  after(async () => {
    await ctx?.close().catch(() => {});
    await browser?.close();
    await srv?.stop();
  });

  test('sign in with the password, add a passkey on /account, see it listed and the recovery codes once', async () => {
    await page.goto(`${srv.url}/signin`);
    await signInWith(admin.who.email, admin.who.password);
    await page.waitForURL((u) => u.pathname === '/admin');
    await page.getByTestId('landing-heading').waitFor();
    await recordCookies('admin');

    await page.getByTestId('nav-security').click();
    await page.waitForURL((u) => u.pathname === '/account');
    await page.getByTestId('passkeys').waitFor();
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
    await recordCookies('admin after passkey');
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
    const error = page.getByTestId('passkey-error');
    await page.waitForFunction(() => (document.querySelector('[data-testid="passkey-error"]')?.textContent ?? '').trim() !== '');
    assert.match(await error.textContent(), /already has a passkey/);
    assert.equal(await page.getByTestId('passkey-item').count(), 1);
  });

  test('sign out; sign in with the password; the second step offers the passkey first and it works', async () => {
    await page.getByTestId('signout').click();
    await page.waitForURL((u) => u.pathname === '/signin');
    await signInWith(admin.who.email, admin.who.password);

    const button = page.getByTestId('mfa-use-passkey');
    await button.waitFor();
    await recordCookies('admin (MFA step)');
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
    await recordCookies('admin (passkey sign-in)');
    assert.equal(await page.getByTestId('mfa-nudge').count(), 0, 'nudge shown although a passkey is enrolled');
  });

  test('nothing violated the CSP and no page threw', () => {
    assert.deepEqual(pageRecord.cspViolations, []);
    assert.deepEqual(pageRecord.pageErrors, []);
  });
});
