// One's own account: active sessions, revoking one, signing out everywhere, and the password.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enrollAdmin, recordSensitive, request, sessionCookie, startServer } from '../lib/harness.mjs';

let srv;
let admin;
before(async () => {
  srv = await startServer();
  admin = await enrollAdmin(srv);
});
after(async () => {
  await srv?.stop();
});

async function signIn(password = admin.who.password) {
  const res = await request(srv, 'POST', '/api/session', { body: { email: admin.who.email, password } });
  assert.equal(res.status, 200, res.text);
  const cookie = sessionCookie(res);
  recordSensitive(cookie.split('=')[1], 'session token');
  return cookie;
}

test('sessions are listed, one can be revoked, and sign-out-everywhere ends them all', async () => {
  const second = await signIn();
  const list = await request(srv, 'GET', '/api/account/sessions', { cookie: admin.cookie });
  assert.equal(list.json.sessions.length, 2);
  assert.equal(list.json.sessions.filter((s) => s.current).length, 1);
  const other = list.json.sessions.find((s) => !s.current);
  assert.match(other.id, /^[0-9a-f]{16}$/);
  const revoked = await request(srv, 'POST', '/api/account/sessions/revoke', { cookie: admin.cookie, body: { id: other.id } });
  assert.equal(revoked.status, 200);
  assert.equal((await request(srv, 'GET', '/api/me', { cookie: second })).status, 401);
  assert.equal((await request(srv, 'POST', '/api/account/sessions/revoke', { cookie: admin.cookie, body: { id: other.id } })).status, 404);

  const third = await signIn();
  const out = await request(srv, 'POST', '/api/account/sign-out-everywhere', { cookie: third });
  assert.equal(out.status, 204);
  for (const c of [admin.cookie, third]) assert.equal((await request(srv, 'GET', '/api/me', { cookie: c })).status, 401);
  admin.cookie = await signIn();
});

test('changing the password needs the current one and ends other sessions', async () => {
  const other = await signIn();
  const wrong = await request(srv, 'POST', '/api/account/password', { cookie: admin.cookie, body: { current_password: 'definitely not it', new_password: 'a brand new long passphrase' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.code, 'reauth_failed');
  const short = await request(srv, 'POST', '/api/account/password', { cookie: admin.cookie, body: { current_password: admin.who.password, new_password: 'short pass' } });
  assert.equal(short.status, 400, 'without MFA the minimum is 15 characters');
  const fresh = recordSensitive('a brand new long passphrase for haven', 'new password');
  const changed = await request(srv, 'POST', '/api/account/password', { cookie: admin.cookie, body: { current_password: admin.who.password, new_password: fresh } });
  assert.equal(changed.status, 200, changed.text);
  const cookie = sessionCookie(changed);
  recordSensitive(cookie.split('=')[1], 'session token');
  assert.equal((await request(srv, 'GET', '/api/me', { cookie })).status, 200);
  assert.equal((await request(srv, 'GET', '/api/me', { cookie: other })).status, 401);
  assert.equal((await request(srv, 'POST', '/api/session', { body: { email: admin.who.email, password: admin.who.password } })).status, 401);
  await signIn(fresh);
  admin.who.password = fresh;
});

test('each session names its device, from the User-Agent, coarsely', async () => {
  const ua = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
  const res = await request(srv, 'POST', '/api/session', { body: { email: admin.who.email, password: admin.who.password }, headers: { 'user-agent': ua } });
  assert.equal(res.status, 200, res.text);
  const phone = sessionCookie(res);
  recordSensitive(phone.split('=')[1], 'session token');
  const list = await request(srv, 'GET', '/api/account/sessions', { cookie: phone });
  const mine = list.json.sessions.find((s) => s.current);
  assert.equal(mine.device, 'Chrome on Android');
  assert.ok(list.json.sessions.every((s) => typeof s.device === 'string' && s.device.length > 0));
});
