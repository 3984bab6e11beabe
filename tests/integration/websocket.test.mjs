// The signaling WebSocket: Origin and session checks, ping/pong, size and rate limits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import WebSocket from 'ws';

import { enableTotp, invitePerson, recordCookie } from '../lib/accounts.mjs';
import { enrollAdmin, request, sessionCookie, startServer } from '../lib/harness.mjs';

let srv;
let cookie;
let adminEmail;
let adminPassword;
before(async () => {
  srv = await startServer({ env: { HAVEN_WEBSOCKET_MAX_MESSAGE_BYTES: '1024', HAVEN_WEBSOCKET_MAX_MESSAGES_PER_SECOND: '20', HAVEN_WEBSOCKET_PING_INTERVAL_SECONDS: '1' } });
  const admin = await enrollAdmin(srv);
  ({ cookie } = admin);
  adminEmail = admin.who.email;
  adminPassword = admin.who.password;
});

async function signInAgain() {
  const res = await request(srv, 'POST', '/api/session', { body: { email: adminEmail, password: adminPassword } });
  assert.equal(res.status, 200, res.text);
  return { cookie: recordCookie(sessionCookie(res), 'admin session') };
}
after(async () => {
  await srv?.stop();
});

function open({ origin = srv.url, withCookie = true } = {}) {
  const headers = withCookie ? { cookie } : {};
  return new WebSocket(`wss://localhost:${srv.port}/ws`, { origin, headers, rejectUnauthorized: false });
}

function refusal(ws) {
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.on('open', () => resolve('opened'));
    ws.on('error', () => {});
  });
}

function nextMessage(ws) {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

function closed(ws) {
  return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

test('a foreign Origin is refused', async () => {
  assert.equal(await refusal(open({ origin: 'https://evil.example' })), 403);
});

test('no session is refused', async () => {
  assert.equal(await refusal(open({ withCookie: false })), 401);
});

test('hello, then ping gets pong; unknown types get an error', async () => {
  const ws = open();
  const hello = await nextMessage(ws);
  assert.equal(hello.type, 'hello');
  assert.match(hello.user_id, /^[0-9a-f]{32}$/);
  ws.send(JSON.stringify({ type: 'ping', id: 7 }));
  assert.deepEqual(await nextMessage(ws), { type: 'pong', id: 7 });
  ws.send(JSON.stringify({ type: 'teleport' }));
  assert.deepEqual(await nextMessage(ws), { type: 'error', code: 'unknown_type' });
  ws.send('not json');
  assert.deepEqual(await nextMessage(ws), { type: 'error', code: 'invalid_message' });
  ws.close();
  await closed(ws);
});

test('the server pings an idle connection', async () => {
  const ws = open();
  await nextMessage(ws);
  await new Promise((resolve) => ws.once('ping', resolve));
  assert.equal(ws.readyState, WebSocket.OPEN);  // ws answers pings itself, so it stays open
  ws.close();
  await closed(ws);
});

test('an oversized message closes the connection with 1009', async () => {
  const ws = open();
  await nextMessage(ws);
  const code = closed(ws);
  ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(4096) }));
  assert.equal(await code, 1009);
});

test('a message flood closes the connection with 1008', async () => {
  const ws = open();
  await nextMessage(ws);
  const code = closed(ws);
  for (let i = 0; i < 100; i++) ws.send(JSON.stringify({ type: 'ping', id: i }));
  assert.equal(await code, 1008);
});

test('signing out closes the open WebSocket with 4001', async () => {
  const { cookie: other } = await signInAgain();
  const ws = new WebSocket(`wss://localhost:${srv.port}/ws`, { origin: srv.url, headers: { cookie: other }, rejectUnauthorized: false });
  await nextMessage(ws);
  const code = closed(ws);
  assert.equal((await request(srv, 'DELETE', '/api/session', { cookie: other })).status, 204);
  assert.equal(await code, 4001);
});

test("disabling an account closes that person's open WebSocket", async () => {
  const staff = await invitePerson(srv, cookie, 'staff', 'ws-staff');
  const ws = new WebSocket(`wss://localhost:${srv.port}/ws`, { origin: srv.url, headers: { cookie: staff.cookie }, rejectUnauthorized: false });
  await nextMessage(ws);
  const code = closed(ws);
  let mine = open();
  await nextMessage(mine);
  // Admins act on accounts only with MFA on; turning it on issues a new session.
  mine.close();
  ({ cookie } = await enableTotp(srv, cookie, adminPassword, 'ws-admin'));
  const res = await request(srv, 'POST', '/api/users/disable', { cookie, body: { user_id: staff.id } });
  assert.equal(res.status, 200, res.text);
  assert.equal(await code, 4001);
  mine = open();
  await nextMessage(mine);
  await new Promise((resolve) => setTimeout(resolve, 6000));  // past one session check
  assert.equal(mine.readyState, WebSocket.OPEN, 'other people stay connected');
  mine.close();
  await closed(mine);
});
