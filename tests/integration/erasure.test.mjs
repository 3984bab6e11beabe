// Erasure by crypto-shredding (issue 4, item 6) with the real server: refused inside the
// retention period with the date it ends; an admin with MFA erases a patient; their name
// and email read as "[erased]", they cannot sign in, the erasure is audited; only an
// admin may do it; and restoring a backup taken before the erasure keeps them erased.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { enableTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { runHavenCli, enrollAdmin, request, startServer } from '../lib/harness.mjs';

const NO_RETENTION = { HAVEN_RETENTION_CLINICAL_RECORD_YEARS: '0' };
let srv;
let dataDir;
let outDir;
const people = {};

/** `haven <args> --data dataDir`: { code, stdout, stderr } (never throws). */
const haven = (...args) => runHavenCli(dataDir, ...args);

async function restart(env = {}) {
  process.env.HAVEN_TEST_KEEP_DATA = '1';
  const exit = await srv.stop();
  delete process.env.HAVEN_TEST_KEEP_DATA;
  assert.equal(exit.code, 0);
  srv = await startServer({ dataDir, env });
}

const erase = (cookie, id) => request(srv, 'POST', `/api/patients/${id}/erase`, { cookie, body: { reason: 'Patient asked to be forgotten' } });

before(async () => {
  srv = await startServer();
  dataDir = srv.dataDir;
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-erasure-'));
  const admin = await enrollAdmin(srv);
  people.admin = { ...admin, ...(await enableTotp(srv, admin.cookie, admin.who.password, 'admin')) };
  people.therapist = await invitePersonWithTotp(srv, people.admin.cookie, 'therapist');
  people.patient = await invitePerson(srv, people.therapist.cookie, 'patient');
  people.other = await invitePerson(srv, people.therapist.cookie, 'patient');
});

after(async () => {
  await srv?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

test('inside the retention period (default 7 years) erasure is refused with the date it ends', async () => {
  const res = await erase(people.admin.cookie, people.patient.id);
  assert.equal(res.status, 409, res.text);
  assert.equal(res.json.error.code, 'retention_period');
  const expected = new Date();
  expected.setUTCFullYear(expected.getUTCFullYear() + 7);
  assert.equal(res.json.retention_ends, expected.toISOString().slice(0, 10));
  assert.ok(res.json.error.message.includes(res.json.retention_ends));
  const read = await request(srv, 'GET', `/api/patients/${people.patient.id}`, { cookie: people.therapist.cookie });
  assert.equal(read.json.patient.display_name, people.patient.who.displayName, 'nothing erased');
});

test('only an admin with MFA may erase; another id is not found', async () => {
  await restart(NO_RETENTION);
  assert.equal((await erase(people.therapist.cookie, people.patient.id)).status, 403);
  assert.equal((await erase(people.patient.cookie, people.patient.id)).status, 403);
  assert.equal((await erase(people.admin.cookie, people.therapist.id)).status, 404, 'not a patient');
  assert.equal((await erase(people.admin.cookie, 'no-such-patient')).status, 404);
  const noReason = await request(srv, 'POST', `/api/patients/${people.patient.id}/erase`, { cookie: people.admin.cookie, body: {} });
  assert.equal(noReason.status, 400);
});

test('an erased patient reads as [erased], cannot sign in, and the erasure is audited', async () => {
  people.archive = path.join(outDir, 'before.havenbak');
  assert.equal((await haven('backup', '--out', people.archive)).code, 0);
  const res = await erase(people.admin.cookie, people.patient.id);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.erased, true);
  assert.match(res.json.key_id, /^[0-9a-f]{32}$/);
  assert.ok(fs.readFileSync(path.join(dataDir, 'erased-keys'), 'utf8').includes(res.json.key_id));
  assert.equal(fs.statSync(path.join(dataDir, 'erased-keys')).mode & 0o777, 0o600);
  assert.equal((await erase(people.admin.cookie, people.patient.id)).json.error.code, 'already_erased');

  const read = await request(srv, 'GET', `/api/patients/${people.patient.id}`, { cookie: people.therapist.cookie });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json.patient.display_name, '[erased]');
  assert.equal(read.json.patient.email, '[erased]');
  const other = await request(srv, 'GET', `/api/patients/${people.other.id}`, { cookie: people.therapist.cookie });
  assert.equal(other.json.patient.display_name, people.other.who.displayName, 'others untouched');
  assert.equal((await request(srv, 'GET', '/api/me', { cookie: people.patient.cookie })).status, 401, 'sessions ended');
  const signIn = await request(srv, 'POST', '/api/session', { body: { email: people.patient.who.email, password: people.patient.who.password } });
  assert.equal(signIn.status, 401);

  const search = await request(srv, 'POST', '/api/audit/search', { cookie: people.admin.cookie, body: { action: 'patient.erased' } });
  assert.equal(search.status, 200, search.text);
  const [event] = search.json.events;
  assert.equal(event.action, 'patient.erased');
  assert.equal(event.subject_id, people.patient.id);
  assert.equal(event.subject_type, 'patient');
  assert.equal(event.outcome, 'success');
  const me = await request(srv, 'GET', '/api/me', { cookie: people.admin.cookie });
  assert.equal(event.actor_id, me.json.user.id);
  // The destroyed key is recorded too, in the same request: key id, time, actor.
  const keyEvents = await request(srv, 'POST', '/api/audit/search', { cookie: people.admin.cookie, body: { action: 'data_key.destroyed' } });
  const [keyEvent] = keyEvents.json.events;
  assert.equal(keyEvent.subject_type, 'data_key');
  assert.equal(keyEvent.subject_id, res.json.key_id);
  assert.equal(keyEvent.actor_id, me.json.user.id);
  assert.equal(keyEvent.request_id, event.request_id);
  assert.equal(keyEvent.at, event.at);
  const raw = fs.readFileSync(path.join(dataDir, 'haven.db'));
  assert.equal(raw.includes(people.patient.who.displayName), false);
});

test('restoring a backup taken before the erasure keeps the patient erased', async () => {
  process.env.HAVEN_TEST_KEEP_DATA = '1';
  await srv.stop();
  delete process.env.HAVEN_TEST_KEEP_DATA;
  const r = await haven('restore', '--in', people.archive, '--force');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 erased data keys removed again/);
  srv = await startServer({ dataDir, env: NO_RETENTION });
  const read = await request(srv, 'GET', `/api/patients/${people.patient.id}`, { cookie: people.therapist.cookie });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json.patient.display_name, '[erased]');
  const other = await request(srv, 'GET', `/api/patients/${people.other.id}`, { cookie: people.therapist.cookie });
  assert.equal(other.json.patient.display_name, people.other.who.displayName);
  const signIn = await request(srv, 'POST', '/api/session', { body: { email: people.patient.who.email, password: people.patient.who.password } });
  assert.equal(signIn.status, 401);
});
