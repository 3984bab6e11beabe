// Account changes through the API: role changes, admin-issued password reset links (which
// never bypass MFA), email change with re-authentication, break-glass by email, and the
// idle-session facts GET /api/me gives the client.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enableTotp, invitePerson, invitePersonWithTotp, recordCookie } from '../lib/accounts.mjs';
import { acceptablePassword, enrollAdmin, newIdentity, recordSensitive, request, sessionCookie, startServer, tokenOf } from '../lib/harness.mjs';
import { totp, totpStep } from '../lib/totp.mjs';

let srv;
let admin;
before(async () => {
  srv = await startServer();
  const enrolled = await enrollAdmin(srv);
  const { cookie } = await enableTotp(srv, enrolled.cookie, enrolled.who.password, 'admin');
  admin = { ...enrolled, cookie, user: enrolled.response.json.user };
});
after(async () => {
  await srv?.stop();
});

const post = (cookie, path, body) => request(srv, 'POST', path, { cookie, body });
const me = (cookie) => request(srv, 'GET', '/api/me', { cookie });
const roleOf = async (id) => (await request(srv, 'GET', '/api/users', { cookie: admin.cookie })).json.users.find((u) => u.id === id).role;

test('GET /api/me tells the client when the idle timeout falls', async () => {
  const res = await me(admin.cookie);
  assert.equal(res.status, 200);
  const { session } = res.json;
  assert.equal(session.idle_seconds, 15 * 60, 'the default idle timeout is 15 minutes');
  assert.equal(session.idle_expires_at - session.now, session.idle_seconds);
  assert.ok(session.absolute_expires_at > session.idle_expires_at);
});

test('an admin changes a clinician role; the person is signed out; patients and self are refused', async () => {
  const therapist = await invitePerson(srv, admin.cookie, 'therapist');
  const changed = await post(admin.cookie, '/api/users/role', { user_id: therapist.id, role: 'staff' });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.json.user.role, 'staff');
  assert.equal((await me(therapist.cookie)).status, 401, 'a privilege change ends their sessions');

  const patient = await invitePerson(srv, (await invitePersonWithTotp(srv, admin.cookie, 'therapist')).cookie, 'patient');
  const toClinician = await post(admin.cookie, '/api/users/role', { user_id: patient.id, role: 'therapist' });
  assert.equal(toClinician.status, 400);
  assert.equal(toClinician.json.error.code, 'role_change_invalid');
  assert.equal(await roleOf(patient.id), 'patient', 'nothing changed');
  const toPatient = await post(admin.cookie, '/api/users/role', { user_id: therapist.id, role: 'patient' });
  assert.equal(toPatient.json.error.code, 'role_change_invalid');
  const self = await post(admin.cookie, '/api/users/role', { user_id: admin.user.id, role: 'staff' });
  assert.equal(self.json.error.code, 'cannot_change_self');
  const bogus = await post(admin.cookie, '/api/users/role', { user_id: therapist.id, role: 'owner' });
  assert.equal(bogus.status, 400);
  assert.equal(await roleOf(therapist.id), 'staff');
  const unknown = await post(admin.cookie, '/api/users/role', { user_id: 'no-such-user', role: 'staff' });
  assert.equal(unknown.status, 404);
});

test('a password reset link sets a new password once and the second factor is still asked', async () => {
  const therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'reset-therapist');
  const issued = await post(admin.cookie, '/api/users/reset-password', { user_id: therapist.id });
  assert.equal(issued.status, 201, issued.text);
  assert.match(issued.json.link, /\/reset#token=/);
  const token = recordSensitive(tokenOf(issued.json.link), 'reset token');
  assert.equal((await me(therapist.cookie)).status, 401, 'issuing a reset ends their sessions');

  const check = await post(null, '/api/password-reset/check', { token });
  assert.equal(check.status, 200);
  assert.equal(check.json.display_name, therapist.who.displayName);
  assert.equal(check.json.min_length, 8, 'with MFA on, 8 characters are enough');
  const tooShort = await post(null, '/api/password-reset/accept', { token, new_password: 'short' });
  assert.equal(tooShort.status, 400);
  const fresh = recordSensitive(acceptablePassword(), 'reset password');
  const done = await post(null, '/api/password-reset/accept', { token, new_password: fresh });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.mfa_required, true);
  assert.equal(sessionCookie(done), null, 'a reset issues no session');
  const again = await post(null, '/api/password-reset/accept', { token, new_password: `${fresh}-2` });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'reset_invalid');

  const old = await post(null, '/api/session', { email: therapist.who.email, password: therapist.who.password });
  assert.equal(old.status, 401, 'the old password no longer works');
  const signIn = await post(null, '/api/session', { email: therapist.who.email, password: fresh });
  assert.equal(signIn.status, 200);
  assert.equal(signIn.json.mfa_required, true, 'the second factor survived the reset');
  assert.equal(sessionCookie(signIn), null);
  const mfaCookie = signIn.headers['set-cookie'].find((c) => c.startsWith('haven_mfa=')).split(';')[0];
  recordSensitive(mfaCookie.split('=')[1], 'mfa cookie');
  const second = await post(mfaCookie, '/api/session/mfa', { method: 'totp', code: totp(therapist.secret, totpStep() + 1) });
  assert.equal(second.status, 200, second.text);
  recordCookie(sessionCookie(second), 'reset-therapist session');

  const forSelf = await post(admin.cookie, '/api/users/reset-password', { user_id: admin.user.id });
  assert.equal(forSelf.json.error.code, 'cannot_change_self');
});

test('a newer reset link replaces an older one', async () => {
  const staff = await invitePerson(srv, admin.cookie, 'staff');
  const first = recordSensitive(tokenOf((await post(admin.cookie, '/api/users/reset-password', { user_id: staff.id })).json.link), 'reset token');
  const second = recordSensitive(tokenOf((await post(admin.cookie, '/api/users/reset-password', { user_id: staff.id })).json.link), 'reset token');
  assert.equal((await post(null, '/api/password-reset/check', { token: first })).status, 409);
  const check = await post(null, '/api/password-reset/check', { token: second });
  assert.equal(check.status, 200);
  assert.equal(check.json.min_length, 15, 'without MFA the minimum is 15');
});

test('changing the email needs the current password and a free address', async () => {
  const staff = await invitePerson(srv, admin.cookie, 'staff', 'email-staff');
  const other = await invitePerson(srv, admin.cookie, 'staff', 'other-staff');
  const fresh = recordSensitive(newIdentity('renamed').email, 'email');
  const wrong = await post(staff.cookie, '/api/account/email', { current_password: 'not the password at all', new_email: fresh });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.code, 'reauth_failed');
  const taken = await post(staff.cookie, '/api/account/email', { current_password: staff.who.password, new_email: other.who.email });
  assert.equal(taken.status, 409);
  assert.equal(taken.json.error.code, 'email_taken');
  const bad = await post(staff.cookie, '/api/account/email', { current_password: staff.who.password, new_email: 'not an email' });
  assert.equal(bad.status, 400);
  assert.equal((await me(staff.cookie)).json.user.email, staff.who.email, 'nothing changed');
  const ok = await post(staff.cookie, '/api/account/email', { current_password: staff.who.password, new_email: fresh.toUpperCase() });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.user.email, fresh.toLowerCase());
  assert.equal((await post(null, '/api/session', { email: fresh, password: staff.who.password })).status, 200);
});

test('break-glass can name the patient by email; exactly one of id and email', async () => {
  const own = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'own-therapist');
  const patient = await invitePerson(srv, own.cookie, 'patient', 'bg-patient');
  const onCall = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'oncall-therapist');
  const reason = recordSensitive('Patient called the crisis line, own therapist away', 'break-glass reason');
  const both = await post(onCall.cookie, '/api/break-glass', { patient_id: patient.id, patient_email: patient.who.email, reason });
  assert.equal(both.status, 400);
  const neither = await post(onCall.cookie, '/api/break-glass', { reason });
  assert.equal(neither.status, 400);
  const unknown = await post(onCall.cookie, '/api/break-glass', { patient_email: 'nobody@example.invalid', reason });
  assert.equal(unknown.status, 404);
  const clinician = await post(onCall.cookie, '/api/break-glass', { patient_email: own.who.email, reason });
  assert.equal(clinician.status, 404, 'only patients can be named');
  assert.equal((await request(srv, 'GET', '/api/break-glass', { cookie: admin.cookie })).json.break_glass.length, 0, 'refusals granted nothing');
  const grant = await post(onCall.cookie, '/api/break-glass', { patient_email: patient.who.email.toUpperCase(), reason });
  assert.equal(grant.status, 201, grant.text);
  assert.equal(grant.json.break_glass.patient_id, patient.id);
  assert.equal((await request(srv, 'GET', `/api/patients/${patient.id}`, { cookie: onCall.cookie })).status, 200);
});

test('new recovery codes need the password and replace every old one', async () => {
  const noMfa = await invitePerson(srv, admin.cookie, 'staff', 'codes-staff');
  const refused = await request(srv, 'POST', '/api/mfa/recovery-codes', { cookie: noMfa.cookie, body: { password: noMfa.who.password } });
  assert.equal(refused.status, 409);
  assert.equal(refused.json.error.code, 'mfa_not_enabled');
  const { cookie, secret } = await enableTotp(srv, noMfa.cookie, noMfa.who.password, 'codes-staff');
  const wrong = await request(srv, 'POST', '/api/mfa/recovery-codes', { cookie, body: { password: 'not the password at all' } });
  assert.equal(wrong.status, 401);
  const fresh = await request(srv, 'POST', '/api/mfa/recovery-codes', { cookie, body: { password: noMfa.who.password } });
  assert.equal(fresh.status, 200, fresh.text);
  assert.equal(fresh.json.recovery_codes.length, 10);
  fresh.json.recovery_codes.forEach((c) => recordSensitive(c, 'recovery code'));
  const security = await request(srv, 'GET', '/api/account/security', { cookie });
  assert.equal(security.json.mfa.recovery_codes_left, 10);
  assert.ok(secret);
  // A new code signs in (an old one would not: the set was replaced).
  const signIn = await request(srv, 'POST', '/api/session', { body: { email: noMfa.who.email, password: noMfa.who.password } });
  assert.equal(signIn.status, 200, signIn.text);
  const challenge = signIn.headers['set-cookie'].find((c) => c.startsWith('haven_mfa=')).split(';')[0];
  recordSensitive(challenge.split('=')[1], 'mfa challenge');
  const used = await request(srv, 'POST', '/api/session/mfa', { cookie: challenge, body: { method: 'recovery', code: fresh.json.recovery_codes[0] } });
  assert.equal(used.status, 200, used.text);
  recordSensitive(sessionCookie(used).split('=')[1], 'session token');
});
