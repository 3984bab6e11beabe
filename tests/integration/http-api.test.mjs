// The real server on loopback, spoken to over HTTPS: headers, errors, limits, metrics, TLS.
import assert from 'node:assert/strict';
import http from 'node:http';
import tls from 'node:tls';
import { after, before, test } from 'node:test';

import { enrollAdmin, newIdentity, recordSensitive, request, sessionCookie, startServer, tokenOf } from '../lib/harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

const SECURITY_HEADERS = [
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
];

function assertSecurityHeaders(res, where) {
  for (const h of SECURITY_HEADERS) assert.ok(res.headers[h], `${where}: missing ${h}`);
  const csp = res.headers['content-security-policy'];
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  assert.match(res.headers['permissions-policy'], /camera=\(self\)/);
  assert.match(res.headers['permissions-policy'], /microphone=\(self\)/);
  assert.match(res.headers['permissions-policy'], /display-capture=\(self\)/);
}

test('health, readiness and version answer with the security headers', async () => {
  for (const [path, body] of [['/healthz', { status: 'ok' }], ['/readyz', { status: 'ready' }]]) {
    const res = await request(srv, 'GET', path);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, body);
    assertSecurityHeaders(res, path);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.headers['x-request-id'], /^[0-9a-f]{32}$/);
  }
  const version = await request(srv, 'GET', '/api/version');
  assert.match(version.json.version, /^\d+\.\d+\.\d+$/);
});

test('static client and client-side routes carry the security headers', async () => {
  for (const path of ['/', '/enroll', '/signin', '/admin']) {
    const res = await request(srv, 'GET', path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers['content-type'], /text\/html/);
    assertSecurityHeaders(res, path);
  }
  const missing = await request(srv, 'GET', '/assets/does-not-exist.js');
  assert.equal(missing.status, 404);
  assertSecurityHeaders(missing, 'missing asset');
  const traversal = await request(srv, 'GET', '/..%2f..%2fetc/passwd');
  assert.equal(traversal.status, 404);
});

test('bad bodies get 400 with a stable JSON error and change nothing', async () => {
  const link = await srv.enrollLink();
  const token = tokenOf(link);
  recordSensitive(token, 'enrollment token');
  const who = newIdentity('admin');
  const cases = [
    ['malformed JSON', '{"token": ', 'invalid_json'],
    ['unknown field', JSON.stringify({ token, display_name: who.displayName, email: who.email, password: who.password, role: 'admin' }), 'unknown_field'],
    ['missing field', JSON.stringify({ token, display_name: who.displayName, email: who.email }), 'missing_field'],
    ['wrong type', JSON.stringify({ token, display_name: 42, email: who.email, password: who.password }), 'invalid_field'],
    ['short password', JSON.stringify({ token, display_name: who.displayName, email: who.email, password: 'short' }), 'invalid_field'],
    ['guessable password', JSON.stringify({ token, display_name: who.displayName, email: who.email, password: 'password123456789' }), 'password_weak'],
    ['bad UTF-8', Buffer.concat([Buffer.from(`{"token":"${token}","display_name":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`","email":"${who.email}","password":"${who.password}"}`)]), 'invalid_json'],
    ['10 MB body', Buffer.alloc(10 * 1024 * 1024, 0x20), 'body_too_large'],
  ];
  for (const [name, body, code] of cases) {
    const res = await request(srv, 'POST', '/api/enrollment/complete', { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, name);
    assert.equal(res.json?.error?.code, code, name);
    assert.equal(typeof res.json.error.message, 'string');
    assert.equal(res.headers['set-cookie'], undefined, `${name}: no session on failure`);
  }
  // Nothing changed: the token is still unused and no account exists.
  const check = await request(srv, 'POST', '/api/enrollment/check', { body: { token } });
  assert.equal(check.status, 200);
  const signIn = await request(srv, 'POST', '/api/session', { body: { email: who.email, password: who.password } });
  assert.equal(signIn.status, 401);
  assert.equal(signIn.json.error.code, 'invalid_credentials');
});

test('a foreign Origin cannot change state; a wrong content type is refused', async () => {
  const res = await request(srv, 'POST', '/api/session', {
    body: { email: 'x@example.org', password: 'whatever-password' },
    headers: { origin: 'https://evil.example' },
  });
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, 'origin_forbidden');
  const form = await request(srv, 'POST', '/api/session', {
    body: 'email=x&password=y',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(form.status, 400);
  assert.equal(form.json.error.code, 'unsupported_media_type');
});

test('enrollment, sign-in, me and sign-out through the API', async () => {
  const { response: done, cookie, who } = await enrollAdmin(srv);
  const cookieHeader = done.headers['set-cookie'].join(';');
  for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict']) assert.ok(cookieHeader.includes(flag), flag);
  const me = await request(srv, 'GET', '/api/me', { cookie });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.role, 'admin');
  assert.equal(me.json.user.email, who.email);
  const out = await request(srv, 'DELETE', '/api/session', { cookie });
  assert.equal(out.status, 204);
  assert.equal((await request(srv, 'GET', '/api/me', { cookie })).status, 401);
  const signIn = await request(srv, 'POST', '/api/session', { body: { email: who.email, password: who.password } });
  assert.equal(signIn.status, 200);
  assert.notEqual(sessionCookie(signIn), cookie, 'a new token on every sign-in');
});

test('an enrollment link works once', async () => {
  const token = tokenOf(await srv.enrollLink());
  recordSensitive(token, 'enrollment token');
  const who = newIdentity('admin');
  const body = { token, display_name: who.displayName, email: who.email, password: who.password };
  assert.equal((await request(srv, 'POST', '/api/enrollment/complete', { body })).status, 201);
  const again = await request(srv, 'POST', '/api/enrollment/complete', { body: { ...body, email: `x${who.email}` } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'enrollment_invalid');
  assert.equal((await request(srv, 'POST', '/api/enrollment/check', { body: { token } })).status, 409);
});

test('unknown routes and methods', async () => {
  const nf = await request(srv, 'GET', '/api/nope');
  assert.equal(nf.status, 404);
  assert.equal(nf.json.error.code, 'not_found');
  const mna = await request(srv, 'PUT', '/api/me', { body: {} });
  assert.equal(mna.status, 405);
  assert.equal(mna.json.error.code, 'method_not_allowed');
});

test('only TLS 1.2 and 1.3 are accepted', async () => {
  const connect = (opts) =>
    new Promise((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', rejectUnauthorized: false, ...opts });
      socket.once('secureConnect', () => {
        const v = socket.getProtocol();
        socket.destroy();
        resolve(v);
      });
      socket.once('error', () => resolve('refused'));
    });
  assert.equal(await connect({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }), 'TLSv1.3');
  assert.equal(await connect({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }), 'TLSv1.2');
  assert.equal(await connect({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), 'refused');
});

test('metrics are served in Prometheus format on their own address', async () => {
  await request(srv, 'GET', '/healthz');
  const text = await new Promise((resolve, reject) => {
    http.get(`${srv.metricsUrl}/metrics`, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  assert.match(text, /^haven_http_requests_total\{route="\/healthz",status="2xx"\} \d+$/m);
  assert.match(text, /haven_http_request_duration_seconds_bucket\{route="\/healthz",le="\+Inf"\} \d+/);
  assert.match(text, /haven_open_connections\{kind="http"\} \d+/);
  // The metrics port does not serve the API.
  const status = await new Promise((resolve) => http.get(`${srv.metricsUrl}/healthz`, (res) => resolve(res.statusCode)));
  assert.equal(status, 404);
});
