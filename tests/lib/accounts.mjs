// Test accounts made through the API (docs/API.md "Invitations and users", "MFA
// enrollment"), for tests that need several people with two-step verification on before
// the part under test. Every secret is recorded with recordSensitive(). Browser pages:
// browser-session.mjs.
import assert from 'node:assert/strict';
import { enrollAdmin, newIdentity, recordSensitive, request, sessionCookie, tokenOf } from './harness.mjs';
import { totp, totpStep } from './totp.mjs';

/** Records a 'haven_session=…' cookie's value as sensitive and returns the cookie. */
export function recordCookie(cookie, label) {
  assert.ok(cookie, `${label}: no session cookie`);
  recordSensitive(cookie.split('=')[1], label);
  return cookie;
}

/**
 * Turns on TOTP for the signed-in account; answers { cookie, secret, step, recoveryCodes } (confirm issues
 * a new session: the old cookie stops working; `step` is the TOTP step the server accepted,
 * whose code it will not take again).
 */
export async function enableTotp(srv, cookie, password, label) {
  const setup = await request(srv, 'POST', '/api/mfa/totp/setup', { cookie, body: { password } });
  assert.equal(setup.status, 200, `${label}: TOTP setup answered ${setup.status}`);
  const secret = recordSensitive(setup.json.secret, `${label} TOTP secret`);
  const step = totpStep();
  const confirm = await request(srv, 'POST', '/api/mfa/totp/confirm', { cookie, body: { code: totp(secret, step) } });
  assert.equal(confirm.status, 200, `${label}: TOTP confirm answered ${confirm.status}`);
  for (const c of confirm.json.recovery_codes) recordSensitive(c, `${label} recovery code`);
  const fresh = sessionCookie(confirm);
  return { cookie: fresh ? recordCookie(fresh, `${label} session`) : cookie, secret, step, recoveryCodes: confirm.json.recovery_codes };
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

/** invitePerson, then TOTP on: answers { who, id, cookie, secret, step }. */
export async function invitePersonWithTotp(srv, inviter, role, label = role) {
  const p = await invitePerson(srv, inviter, role, label);
  return { ...p, ...(await enableTotp(srv, p.cookie, p.who.password, label)) };
}

/** GET path with a session cookie; answers the harness response. */
export function apiGet(srv, cookie, path) {
  return request(srv, 'GET', path, { cookie });
}

/**
 * Server env for tests that sign in and redeem invitations many times: every request comes
 * from 127.0.0.1, so the per-IP limits are lifted (the per-account ones stay as shipped).
 */
export const MANY_REQUESTS_ENV = { HAVEN_LIMITS_SIGNIN_PER_IP_PER_MINUTE: '1000', HAVEN_LIMITS_INVITATION_REDEEM_PER_IP_PER_MINUTE: '1000' };

/** enrollAdmin, then TOTP on (needed for patient data): answers { who, cookie, response, secret, step }. */
export async function enrollAdminWithTotp(srv) {
  const admin = await enrollAdmin(srv);
  return { ...admin, ...(await enableTotp(srv, admin.cookie, admin.who.password, 'admin')) };
}
