// Automatic logoff (HIPAA 164.312(a)(2)(iii)) with a shortened idle timeout: activity keeps
// a session alive, silence ends it, and the session is gone for good afterwards.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import { enrollAdmin, request, startServer } from '../lib/harness.mjs';

const IDLE_SECONDS = 4;
let srv;
let admin;
before(async () => {
  srv = await startServer({ env: { HAVEN_SESSION_IDLE_SECONDS: String(IDLE_SECONDS) } });
  admin = await enrollAdmin(srv);
});
after(async () => {
  await srv?.stop();
});

const me = () => request(srv, 'GET', '/api/me', { cookie: admin.cookie });

test('requests keep the session alive; silence longer than the idle timeout ends it', async () => {
  const first = await me();
  assert.equal(first.status, 200);
  assert.equal(first.json.session.idle_seconds, IDLE_SECONDS);
  // Three pauses that add up to more than the timeout, each well inside it.
  for (let i = 0; i < 3; i++) {
    await sleep((IDLE_SECONDS * 1000) / 2);
    assert.equal((await me()).status, 200, `still signed in after pause ${i + 1}`);
  }
  await sleep(IDLE_SECONDS * 1000 + 1500);
  const late = await me();
  assert.equal(late.status, 401);
  assert.equal(late.json.error.code, 'unauthenticated');
  await sleep(100);
  assert.equal((await me()).status, 401, 'an expired session does not come back');
});
