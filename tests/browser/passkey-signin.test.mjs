// Sign-in with a passkey alone (docs/API.md "Passkey sign-in", web/src/webauthn.ts): a
// discoverable credential with user verification, registered on /account, then used from
// /signin with only the "Sign in with a passkey" button (no email, no password), against the
// real server with Chromium's CDP virtual authenticator, at 375 px. Without
// PublicKeyCredential the button is not offered.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  LOG_DIR,
  attachPageLog,
  enrollAdmin,
  logPath,
  newContext,
  recordSensitive,
  request,
  startServer,
} from '../lib/harness.mjs';
import { assertCleanPages, openSecurity, recordCookies, signInThroughUi } from '../lib/browser-session.mjs';
import { openPasskeyPage } from '../lib/webauthn.mjs';

const B64URL = /^[A-Za-z0-9_-]+$/;

describe('passwordless sign-in with a passkey', () => {
  let srv;
  let browser;
  let admin;
  let ctx;
  let page;
  let cdp;
  let authenticatorId;
  let close; // closes the page and the browser
  const records = [];

  before(async () => {
    srv = await startServer();
    admin = await enrollAdmin(srv);
    let record;
    ({ browser, ctx, page, record, cdp, authenticatorId, close } = await openPasskeyPage(srv));
    records.push(record);
  });

  after(async () => {
    await close?.();
    await srv?.stop();
  });

  test('register a passkey on /account: the device keeps it as a discoverable credential', async () => {
    await signInThroughUi(page, srv, admin.who.email, admin.who.password);

    await openSecurity(page, 'passkeys');
    const options = page.waitForResponse((r) => r.url().endsWith('/api/webauthn/register/options'));
    const registered = page.waitForResponse((r) => r.url().endsWith('/api/webauthn/register'));
    await page.getByTestId('passkey-name').fill('Phone');
    await page.getByTestId('passkey-add').click();
    const opts = (await (await options).json()).publicKey;
    assert.equal(opts.authenticatorSelection?.residentKey, 'required');
    assert.equal((await registered).status(), 201);

    const list = page.getByTestId('recovery-codes');
    await list.waitFor();
    for (const c of await list.locator('li').allTextContents()) recordSensitive(c.trim(), 'admin recovery code');
    await recordCookies(ctx, 'admin after passkey');
    await page.getByTestId('recovery-saved').click();
    await page.getByTestId('passkey-item').first().waitFor();

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0].isResidentCredential, true, 'the passkey is not discoverable');
  });

  test('sign out, then sign in with only the passkey button', async () => {
    await page.getByTestId('signout').click();
    await page.waitForURL((u) => u.pathname === '/signin');
    const button = page.getByTestId('signin-passkey');
    await button.waitFor();
    assert.equal((await button.textContent()).trim(), 'Sign in with a passkey');
    assert.equal(await page.getByTestId('signin-email').inputValue(), '');
    assert.equal(await page.getByTestId('signin-password').inputValue(), '');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `/signin is ${width}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'signin-passkey-375.png'), fullPage: true });

    const options = page.waitForResponse((r) => r.url().endsWith('/api/session/passkey/options'));
    const verified = page.waitForResponse((r) => r.url().endsWith('/api/session/passkey'));
    await button.click();
    const opts = (await (await options).json()).publicKey;
    assert.deepEqual(opts.allowCredentials ?? [], [], 'the options name credentials: not a discoverable flow');
    assert.equal(opts.userVerification, 'required');
    const res = await verified;
    assert.equal(res.status(), 200, await res.text());
    const sent = JSON.parse(res.request().postData());
    for (const f of ['credential_id', 'client_data_json', 'authenticator_data', 'signature', 'user_handle']) {
      assert.match(sent[f] ?? '', B64URL, `${f} is not base64url without padding`);
    }
    assert.equal((await res.json()).user.email, admin.who.email);
    assert.ok(!res.request().postData().includes(admin.who.password));

    await page.waitForURL((u) => u.pathname === '/admin');
    await page.getByTestId('landing-heading').waitFor();
    await recordCookies(ctx, 'admin (passkey-only sign-in)');
    assert.equal((await page.getByTestId('user-name').textContent()).trim(), admin.who.displayName);
    assert.equal(await page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status), 200);
  });

  test('a forged assertion is refused with the generic error', async () => {
    const res = await request(srv, 'POST', '/api/session/passkey', {
      body: { credential_id: 'AAAA', client_data_json: 'AAAA', authenticator_data: 'AAAA', signature: 'AAAA' },
    });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.json.error.code, 'passkey_invalid');
    assert.equal(res.headers['set-cookie']?.some((c) => c.startsWith('haven_session=') && !c.startsWith('haven_session=;')) ?? false, false);
  });

  test('without PublicKeyCredential the button is not offered', async () => {
    const plain = await newContext(browser, { ignoreHTTPSErrors: false });
    try {
      await plain.addInitScript(() => {
        delete window.PublicKeyCredential;
      });
      const p = await plain.newPage();
      records.push(attachPageLog(p, logPath('browser')));
      await p.goto(`${srv.url}/signin`);
      await p.getByTestId('signin-submit').waitFor();
      assert.equal(await p.getByTestId('signin-passkey').count(), 0);
    } finally {
      await plain.close();
    }
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(records);
  });
});
