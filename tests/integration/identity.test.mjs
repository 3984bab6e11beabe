// Identity through the API against the real server: TOTP MFA, recovery codes, replay,
// lockout, rate limits, invitations and user administration.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdmin, newIdentity, recordSensitive, request, sessionCookie, startServer, tokenOf } from '../lib/harness.mjs';
import { enableTotp } from '../lib/accounts.mjs';
import { totp, totpStep } from '../lib/totp.mjs';

let srv;
let admin;
before(async () => {
  srv = await startServer({ env: { HAVEN_LIMITS_LOCKOUT_THRESHOLD: '4', HAVEN_LIMITS_SIGNIN_PER_ACCOUNT_PER_MINUTE: '50' } });
  admin = await enrollAdmin(srv);
});
after(async () => {
  await srv?.stop();
});

function mfaCookie(res) {
  for (const c of res.headers['set-cookie'] || []) {
    const m = c.match(/^(haven_mfa=[^;]+)/);
    if (m) return m[1];
  }
  return null;
}

async function invite(inviterCookie, role) {
  const who = newIdentity(role);
  const res = await request(srv, 'POST', '/api/invitations', { cookie: inviterCookie, body: { role, display_name: who.displayName } });
  return { res, who };
}

async function accept(link, who) {
  const token = tokenOf(link);
  recordSensitive(token, 'invitation token');
  return request(srv, 'POST', '/api/invitations/accept', { body: { token, email: who.email, password: who.password } });
}

async function newMember(inviterCookie, role) {
  const { res, who } = await invite(inviterCookie, role);
  assert.equal(res.status, 201, res.text);
  const accepted = await accept(res.json.link, who);
  assert.equal(accepted.status, 201, accepted.text);
  const cookie = sessionCookie(accepted);
  recordSensitive(cookie.split('=')[1], 'session token');
  return { who, cookie, user: accepted.json.user };
}

test('TOTP: setup needs the password, confirm gives recovery codes, sign-in needs a code', async () => {
  const { who } = admin;
  let security = await request(srv, 'GET', '/api/account/security', { cookie: admin.cookie });
  assert.deepEqual(security.json, { mfa: { totp: false, passkeys: [], recovery_codes_left: 0 }, mfa_required: true });

  const wrong = await request(srv, 'POST', '/api/mfa/totp/setup', { cookie: admin.cookie, body: { password: 'not my password at all' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.code, 'reauth_failed');

  const setup = await request(srv, 'POST', '/api/mfa/totp/setup', { cookie: admin.cookie, body: { password: who.password } });
  assert.equal(setup.status, 200);
  const secret = recordSensitive(setup.json.secret, 'totp secret');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.ok(setup.json.otpauth_uri.startsWith('otpauth://totp/Haven:'));
  assert.match(setup.json.qr_svg, /^<svg [^>]*>.*<\/svg>$/s);
  assert.doesNotMatch(setup.json.qr_svg, /script|style=/i);

  const bad = await request(srv, 'POST', '/api/mfa/totp/confirm', { cookie: admin.cookie, body: { code: '000000' === totp(secret) ? '111111' : '000000' } });
  assert.equal(bad.status, 400);
  const step = totpStep();
  const confirm = await request(srv, 'POST', '/api/mfa/totp/confirm', { cookie: admin.cookie, body: { code: totp(secret, step) } });
  assert.equal(confirm.status, 200, confirm.text);
  const codes = confirm.json.recovery_codes;
  assert.equal(codes.length, 10);
  codes.forEach((c) => recordSensitive(c, 'recovery code'));
  assert.notEqual(sessionCookie(confirm), admin.cookie, 'new session token after the privilege change');
  admin.cookie = sessionCookie(confirm);
  recordSensitive(admin.cookie.split('=')[1], 'session token');
  security = await request(srv, 'GET', '/api/account/security', { cookie: admin.cookie });
  assert.deepEqual(security.json.mfa, { totp: true, passkeys: [], recovery_codes_left: 10 });

  // Password alone no longer signs in.
  const first = await request(srv, 'POST', '/api/session', { body: { email: who.email, password: who.password } });
  assert.equal(first.status, 200);
  assert.deepEqual(first.json, { mfa_required: true, methods: ['totp', 'recovery'] });
  assert.equal(sessionCookie(first), null);
  const pending = mfaCookie(first);
  assert.ok(pending);
  recordSensitive(pending.split('=')[1], 'mfa challenge');
  assert.equal((await request(srv, 'GET', '/api/me', { cookie: pending })).status, 401, 'a challenge is not a session');

  // The code used at confirm cannot be used again (replay); the next step's can.
  const replay = await request(srv, 'POST', '/api/session/mfa', { cookie: pending, body: { method: 'totp', code: totp(secret, step) } });
  assert.equal(replay.status, 401);
  assert.equal(replay.json.error.code, 'mfa_invalid');
  const ok = await request(srv, 'POST', '/api/session/mfa', { cookie: pending, body: { method: 'totp', code: totp(secret, step + 1) } });
  assert.equal(ok.status, 200, ok.text);
  const cookie = sessionCookie(ok);
  recordSensitive(cookie.split('=')[1], 'session token');
  assert.equal((await request(srv, 'GET', '/api/me', { cookie })).json.user.email, who.email);
  assert.equal((await request(srv, 'POST', '/api/session/mfa', { cookie: pending, body: { method: 'totp', code: totp(secret, step + 1) } })).status, 401, 'challenge consumed');

  // A recovery code works once.
  const again = mfaCookie(await request(srv, 'POST', '/api/session', { body: { email: who.email, password: who.password } }));
  recordSensitive(again.split('=')[1], 'mfa challenge');
  const rec = await request(srv, 'POST', '/api/session/mfa', { cookie: again, body: { method: 'recovery', code: codes[0].toLowerCase() } });
  assert.equal(rec.status, 200, rec.text);
  const third = mfaCookie(await request(srv, 'POST', '/api/session', { body: { email: who.email, password: who.password } }));
  recordSensitive(third.split('=')[1], 'mfa challenge');
  assert.equal((await request(srv, 'POST', '/api/session/mfa', { cookie: third, body: { method: 'recovery', code: codes[0] } })).status, 401);
  security = await request(srv, 'GET', '/api/account/security', { cookie: admin.cookie });
  assert.equal(security.json.mfa.recovery_codes_left, 9);
});

test('invitations: admins invite staff, therapists invite patients, nobody else invites', async () => {
  const therapist = await newMember(admin.cookie, 'therapist');
  assert.equal(therapist.user.role, 'therapist');
  assert.equal(therapist.user.display_name, therapist.who.displayName);
  const staff = await newMember(admin.cookie, 'staff');
  // A patient invitation names a patient: the therapist needs MFA first.
  const early = await invite(therapist.cookie, 'patient');
  assert.equal(early.res.status, 403);
  assert.equal(early.res.json.error.code, 'mfa_required');
  ({ cookie: therapist.cookie } = await enableTotp(srv, therapist.cookie, therapist.who.password, 'therapist'));
  const patient = await newMember(therapist.cookie, 'patient');
  assert.equal(patient.user.role, 'patient');

  assert.equal((await invite(admin.cookie, 'patient')).res.status, 403);
  assert.equal((await invite(therapist.cookie, 'admin')).res.status, 403);
  assert.equal((await invite(staff.cookie, 'patient')).res.status, 403);
  assert.equal((await invite(patient.cookie, 'patient')).res.status, 403);
  assert.equal((await invite(null, 'staff')).res.status, 401);

  // Links are single-use and an email can belong to one account only.
  const { res, who } = await invite(admin.cookie, 'staff');
  const link = res.json.link;
  assert.match(link, /\/invite#token=[A-Za-z0-9_-]{43}$/);
  const check = await request(srv, 'POST', '/api/invitations/check', { body: { token: tokenOf(link) } });
  assert.deepEqual(check.json, { valid: true, role: 'staff', display_name: who.displayName });
  const taken = await accept(link, { ...who, email: therapist.who.email });
  assert.equal(taken.status, 409);
  assert.equal(taken.json.error.code, 'email_taken');
  assert.equal((await accept(link, who)).status, 201, 'the failed attempt changed nothing');
  const reused = await accept(link, { ...who, email: `again-${who.email}` });
  assert.equal(reused.status, 409);
  assert.equal(reused.json.error.code, 'invitation_invalid');
});

test('admins see people and can disable, enable and reset MFA; others cannot', async () => {
  const therapist = await newMember(admin.cookie, 'therapist');
  const list = await request(srv, 'GET', '/api/users', { cookie: admin.cookie });
  assert.equal(list.status, 200);
  const row = list.json.users.find((u) => u.id === therapist.user.id);
  assert.deepEqual({ disabled: row.disabled, locked: row.locked, mfa: row.mfa, role: row.role }, { disabled: false, locked: false, mfa: false, role: 'therapist' });
  assert.equal((await request(srv, 'GET', '/api/users', { cookie: therapist.cookie })).status, 403);

  const disabled = await request(srv, 'POST', '/api/users/disable', { cookie: admin.cookie, body: { user_id: therapist.user.id } });
  assert.equal(disabled.status, 200);
  assert.equal(disabled.json.user.disabled, true);
  assert.equal((await request(srv, 'GET', '/api/me', { cookie: therapist.cookie })).status, 401, 'sessions end');
  const refused = await request(srv, 'POST', '/api/session', { body: { email: therapist.who.email, password: therapist.who.password } });
  assert.equal(refused.status, 401);
  assert.equal(refused.json.error.code, 'invalid_credentials');
  assert.equal((await request(srv, 'POST', '/api/users/enable', { cookie: admin.cookie, body: { user_id: therapist.user.id } })).status, 200);
  assert.equal((await request(srv, 'POST', '/api/session', { body: { email: therapist.who.email, password: therapist.who.password } })).status, 200);

  const self = await request(srv, 'POST', '/api/users/disable', { cookie: admin.cookie, body: { user_id: 'nope' } });
  assert.equal(self.status, 404);
});

test('failed sign-ins lock the account until an admin unlocks it; answers stay generic', async () => {
  const staff = await newMember(admin.cookie, 'staff');
  for (let i = 0; i < 4; i++) {
    const res = await request(srv, 'POST', '/api/session', { body: { email: staff.who.email, password: `wrong password number ${i}` } });
    assert.equal(res.status, 401);
  }
  const locked = await request(srv, 'POST', '/api/session', { body: { email: staff.who.email, password: staff.who.password } });
  assert.equal(locked.status, 401, 'even the right password is refused');
  const unknown = await request(srv, 'POST', '/api/session', { body: { email: 'nobody-here@clinic.example', password: 'whatever password' } });
  assert.equal(locked.text, unknown.text, 'locked and unknown look the same');
  const row = (await request(srv, 'GET', '/api/users', { cookie: admin.cookie })).json.users.find((u) => u.id === staff.user.id);
  assert.equal(row.locked, true);
  assert.equal((await request(srv, 'POST', '/api/users/unlock', { cookie: admin.cookie, body: { user_id: staff.user.id } })).status, 200);
  assert.equal((await request(srv, 'POST', '/api/session', { body: { email: staff.who.email, password: staff.who.password } })).status, 200);
});

test('too many sign-ins from one address get 429', async () => {
  let limited = 0;
  for (let i = 0; i < 25; i++) {
    const res = await request(srv, 'POST', '/api/session', { body: { email: `flood-${i}@clinic.example`, password: 'not a real password' } });
    if (res.status === 429) {
      limited++;
      assert.equal(res.json.error.code, 'rate_limited');
      assert.equal(res.headers['retry-after'], '60', 'limits are per minute: come back in 60 s');
    }
  }
  assert.ok(limited > 0, 'the per-address limit (20/min) was reached');
});
