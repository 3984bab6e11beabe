// Passkeys in real Chromium: registration and second-factor sign-in against the real
// server, with Chromium's CDP virtual authenticator (ES256, user verification).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdmin, launchTrustingBrowser, newContext, recordSensitive, startServer } from '../lib/harness.mjs';
import { addVirtualAuthenticator } from '../lib/webauthn.mjs';

let srv;
let browser;
let admin;
before(async () => {
  srv = await startServer();
  admin = await enrollAdmin(srv);
  // WebAuthn refuses pages with certificate errors, so Chromium must trust the test
  // server's self-signed certificate: pin its public key instead of ignoring errors.
  browser = await launchTrustingBrowser(srv);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// In-page helpers: base64url <-> ArrayBuffer and JSON fetches (same origin, so the
// browser sends Origin and cookies as it would for the client).
const PAGE_HELPERS = `
  window.b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  window.unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)).buffer;
  window.api = async (method, path, body) => {
    const res = await fetch(path, { method, credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
`;

test('register a passkey, then use it as the second factor', async () => {
  const context = await newContext(browser, { ignoreHTTPSErrors: false });
  const [name, value] = admin.cookie.split('=');
  await context.addCookies([{ name, value, url: srv.url, secure: true, httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  await page.goto(`${srv.url}/signin`);
  await page.evaluate(PAGE_HELPERS);

  const registered = await page.evaluate(async () => {
    const options = (await window.api('POST', '/api/webauthn/register/options')).json.publicKey;
    options.challenge = window.unb64(options.challenge);
    options.user.id = window.unb64(options.user.id);
    options.excludeCredentials = options.excludeCredentials.map((c) => ({ ...c, id: window.unb64(c.id) }));
    const cred = await navigator.credentials.create({ publicKey: options });
    return window.api('POST', '/api/webauthn/register', {
      name: 'Test laptop',
      client_data_json: window.b64(cred.response.clientDataJSON),
      attestation_object: window.b64(cred.response.attestationObject),
    });
  });
  assert.equal(registered.status, 201, JSON.stringify(registered.json));
  assert.equal(registered.json.passkey.name, 'Test laptop');
  assert.equal(registered.json.recovery_codes.length, 10, 'first factor: recovery codes shown once');
  registered.json.recovery_codes.forEach((c) => recordSensitive(c, 'recovery code'));
  for (const c of await context.cookies()) if (c.name === 'haven_session') recordSensitive(c.value, 'session token');

  const security = await page.evaluate(() => window.api('GET', '/api/account/security'));
  assert.equal(security.json.mfa.passkeys.length, 1);

  // Sign out, sign in with the password: the passkey is now required.
  await page.evaluate(() => window.api('DELETE', '/api/session'));
  const { email, password } = admin.who;
  const first = await page.evaluate(([e, p]) => window.api('POST', '/api/session', { email: e, password: p }), [email, password]);
  assert.equal(first.status, 200);
  assert.equal(first.json.mfa_required, true);
  assert.ok(first.json.methods.includes('webauthn'));
  for (const c of await context.cookies()) if (c.name === 'haven_mfa') recordSensitive(c.value, 'mfa challenge');

  const assertOnce = (tamper) =>
    page.evaluate(async (tamperSignature) => {
      const options = (await window.api('POST', '/api/session/webauthn/options')).json.publicKey;
      options.challenge = window.unb64(options.challenge);
      options.allowCredentials = options.allowCredentials.map((c) => ({ ...c, id: window.unb64(c.id) }));
      const cred = await navigator.credentials.get({ publicKey: options });
      const signature = new Uint8Array(cred.response.signature);
      if (tamperSignature) signature[signature.length - 3] ^= 0x01;
      return window.api('POST', '/api/session/webauthn', {
        credential_id: cred.id,
        client_data_json: window.b64(cred.response.clientDataJSON),
        authenticator_data: window.b64(cred.response.authenticatorData),
        signature: window.b64(signature),
      });
    }, tamper);

  const forged = await assertOnce(true);
  assert.equal(forged.status, 400);
  assert.equal(forged.json.error.code, 'passkey_invalid');
  const ok = await assertOnce(false);
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.user.email, email);
  for (const c of await context.cookies()) if (c.name === 'haven_session') recordSensitive(c.value, 'session token');
  const me = await page.evaluate(() => window.api('GET', '/api/me'));
  assert.equal(me.status, 200);
  await context.close();
});
