// Test accounts made through the API (docs/API.md "Invitations and users", "MFA
// enrollment"), for browser tests that need several people with two-step verification
// on before the page under test opens. Every secret is recorded with recordSensitive().
import assert from 'node:assert/strict';
import { attachPageLog, newContext, newIdentity, randomHex, recordSensitive, request, sessionCookie, tokenOf } from './harness.mjs';
import { totp } from './totp.mjs';

/** Records a 'haven_session=…' cookie's value as sensitive and returns the cookie. */
export function recordCookie(cookie, label) {
  assert.ok(cookie, `${label}: no session cookie`);
  recordSensitive(cookie.split('=')[1], label);
  return cookie;
}

/**
 * Turns on TOTP for the signed-in account; answers { cookie, secret } (confirm issues a
 * new session: the old cookie stops working).
 */
export async function enableTotp(srv, cookie, password, label) {
  const setup = await request(srv, 'POST', '/api/mfa/totp/setup', { cookie, body: { password } });
  assert.equal(setup.status, 200, `${label}: TOTP setup answered ${setup.status}`);
  const secret = recordSensitive(setup.json.secret, `${label} TOTP secret`);
  const confirm = await request(srv, 'POST', '/api/mfa/totp/confirm', { cookie, body: { code: totp(secret) } });
  assert.equal(confirm.status, 200, `${label}: TOTP confirm answered ${confirm.status}`);
  for (const c of confirm.json.recovery_codes) recordSensitive(c, `${label} recovery code`);
  const fresh = sessionCookie(confirm);
  return { cookie: fresh ? recordCookie(fresh, `${label} session`) : cookie, secret };
}

/**
 * `inviter` (a session cookie) invites a new person with `role`, who accepts through the
 * API. Answers { who, id, cookie }.
 */
export async function invitePerson(srv, inviter, role, label = role) {
  const who = newIdentity(label);
  const inv = await request(srv, 'POST', '/api/invitations', { cookie: inviter, body: { role, display_name: who.displayName } });
  assert.equal(inv.status, 201, `${label}: invitation answered ${inv.status} ${inv.text}`);
  const token = recordSensitive(tokenOf(inv.json.link), `${label} invitation token`);
  const acc = await request(srv, 'POST', '/api/invitations/accept', { body: { token, email: who.email, password: who.password } });
  assert.equal(acc.status, 201, `${label}: accept answered ${acc.status} ${acc.text}`);
  return { who, id: acc.json.user.id, cookie: recordCookie(sessionCookie(acc), `${label} session`) };
}

/** invitePerson, then TOTP on: answers { who, id, cookie, secret }. */
export async function invitePersonWithTotp(srv, inviter, role, label = role) {
  const p = await invitePerson(srv, inviter, role, label);
  const { cookie, secret } = await enableTotp(srv, p.cookie, p.who.password, label);
  return { ...p, cookie, secret };
}

/** Puts an API session into a browser context, so its pages are signed in as that person. */
export async function useSession(ctx, srv, cookie) {
  const value = cookie.split('=')[1];
  await ctx.addCookies([{ name: 'haven_session', value, url: srv.url, httpOnly: true, secure: true, sameSite: 'Strict' }]);
}

/** GET path with a session cookie; answers the harness response. */
export function apiGet(srv, cookie, path) {
  return request(srv, 'GET', path, { cookie });
}

/**
 * Opens pages that log to `logFile` (scanned by zz-log-scan) and remembers their CSP
 * violations and page errors. Answers { open(opts) → {ctx, page}, records, closeAll() }.
 */
export function pageOpener(browser, logFile) {
  const contexts = [];
  const records = [];
  return {
    records,
    async open(opts = {}) {
      const ctx = await newContext(browser, opts);
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

/** Waits until the element with this test id shows text, and returns it trimmed. */
export async function shownText(page, testId) {
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
