// Master key rotation while the server runs (issue 4, "Key rotation"): `haven keys
// rotate` re-wraps every data key under a new master.key and keeps the old key file;
// the running server keeps reading and writing; `haven keys retire` refuses the current
// key and succeeds for the old one after the rotation; a restart reads everything.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { enableTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { HAVEN_BIN, enrollAdmin, recordSensitive, request, sessionCookie, startServer } from '../lib/harness.mjs';
import { totp, totpStep } from '../lib/totp.mjs';

const run = promisify(execFile);
let srv;
let dataDir;
const people = {};

/** `haven keys ...` on the test data folder: { code, stdout, stderr } (never throws). */
async function keys(...args) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HAVEN_')));
  try {
    const { stdout, stderr } = await run(HAVEN_BIN, ['keys', ...args, '--data', dataDir], { env, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `haven keys list` as [{ id, state, file, count }]. */
async function keyList() {
  const res = await keys('list');
  assert.equal(res.code, 0, res.stderr);
  return res.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const m = line.match(/^([0-9a-f]{16})\s+(current|kept)\s+(\S+)\s+(\d+) data keys$/);
      assert.ok(m, `unexpected line: ${line}`);
      return { id: m[1], state: m[2], file: m[3], count: Number(m[4]) };
    });
}

async function patientNames(cookie) {
  const res = await request(srv, 'GET', '/api/patients', { cookie });
  assert.equal(res.status, 200, res.text);
  return res.json.patients.map((p) => p.display_name).sort();
}

before(async () => {
  srv = await startServer();
  dataDir = srv.dataDir;
  const admin = await enrollAdmin(srv);
  const withTotp = await enableTotp(srv, admin.cookie, admin.who.password, 'admin');
  people.admin = { ...admin, ...withTotp };
  people.therapist = await invitePersonWithTotp(srv, people.admin.cookie, 'therapist');
  people.patients = [await invitePerson(srv, people.therapist.cookie, 'patient')];
});

after(async () => {
  await srv?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('before any rotation there is one master key and retire refuses it', async () => {
  const list = await keyList();
  assert.equal(list.length, 1);
  assert.deepEqual([list[0].state, list[0].file], ['current', 'master.key']);
  assert.ok(list[0].count >= 4, 'practice, patient, email index and field keys');
  const refused = await keys('retire', '--kek', list[0].id);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /current key; rotate first/);
  assert.equal(refused.stderr.trim().split('\n').length, 1);
  const unknown = await keys('retire', '--kek', '0123456789abcdef');
  assert.equal(unknown.code, 1);
  assert.equal((await keys('retire')).code, 2, '--kek is required');
  assert.ok(fs.existsSync(path.join(dataDir, 'master.key')));
});

test('rotate while the API is busy: every data key moves, the server keeps working', async () => {
  const [before] = await keyList();
  // Readers and writers (new patients: new data keys) run while the rotation runs.
  const busy = [
    ...Array.from({ length: 5 }, () => patientNames(people.therapist.cookie)),
    invitePerson(srv, people.therapist.cookie, 'patient'),
    invitePerson(srv, people.therapist.cookie, 'patient'),
  ];
  const [rotated, ...results] = await Promise.all([keys('rotate'), ...busy]);
  assert.equal(rotated.code, 0, rotated.stderr);
  people.patients.push(...results.slice(5));
  const m = rotated.stdout.match(/new master key ([0-9a-f]{16}) is master\.key; (\d+) data keys re-wrapped/);
  assert.ok(m, rotated.stdout);
  people.newKek = m[1];
  people.oldKek = before.id;
  assert.notEqual(people.newKek, people.oldKek);
  assert.ok(rotated.stdout.includes(`--kek ${people.oldKek}`), 'tells the operator how to retire');
  assert.equal(fs.statSync(path.join(dataDir, 'master.key')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.join(dataDir, `master-${people.oldKek}.key`)).mode & 0o777, 0o600);

  // The server picked up the new key: new patients after the rotation too.
  people.patients.push(await invitePerson(srv, people.therapist.cookie, 'patient'));
  const list = await keyList();
  const byId = Object.fromEntries(list.map((k) => [k.id, k]));
  assert.equal(byId[people.newKek].state, 'current');
  assert.equal(byId[people.oldKek].state, 'kept');
  assert.equal(byId[people.oldKek].count, 0, 'nothing left under the old key');
  assert.ok(byId[people.newKek].count >= before.count + 3);
  assert.deepEqual(await patientNames(people.therapist.cookie), people.patients.map((p) => p.who.displayName).sort());
});

test('retire deletes the old key file once nothing is wrapped under it', async () => {
  const refused = await keys('retire', '--kek', people.newKek);
  assert.equal(refused.code, 1, 'the new key is current');
  const retired = await keys('retire', '--kek', people.oldKek);
  assert.equal(retired.code, 0, retired.stderr);
  assert.equal(fs.existsSync(path.join(dataDir, `master-${people.oldKek}.key`)), false);
  assert.deepEqual((await keyList()).map((k) => k.id), [people.newKek]);
  assert.equal((await keys('retire', '--kek', people.oldKek)).code, 1, 'already gone');
});

test('after a restart with only the new key file everything still reads and signs in', async () => {
  process.env.HAVEN_TEST_KEEP_DATA = '1';
  const exit = await srv.stop();
  delete process.env.HAVEN_TEST_KEEP_DATA;
  assert.equal(exit.code, 0);
  srv = await startServer({ dataDir });
  // Password + TOTP: the email blind index and the TOTP secret survived the rotation.
  const first = await request(srv, 'POST', '/api/session', { body: { email: people.therapist.who.email, password: people.therapist.who.password } });
  assert.equal(first.status, 200, first.text);
  const pending = (first.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('haven_mfa='));
  assert.ok(pending);
  recordSensitive(pending.split('=')[1], 'mfa challenge');
  // The current step's code, unless it was the one used at enrolment (a replay): then the next.
  let ok;
  for (const step of [totpStep(), totpStep() + 1]) {
    ok = await request(srv, 'POST', '/api/session/mfa', { cookie: pending, body: { method: 'totp', code: totp(people.therapist.secret, step) } });
    if (ok.status === 200) break;
  }
  assert.equal(ok.status, 200, ok.text);
  const cookie = sessionCookie(ok);
  recordSensitive(cookie.split('=')[1], 'session token');
  assert.deepEqual(await patientNames(cookie), people.patients.map((p) => p.who.displayName).sort());
  const me = await request(srv, 'GET', '/api/me', { cookie });
  assert.equal(me.json.user.email, people.therapist.who.email);
});

test('serve refuses a master key others can read, or a missing one beside a database', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HAVEN_')));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-keyfile-'));
  const serve = () => spawnSync(HAVEN_BIN, ['serve', '--data', dir, '--listen', '127.0.0.1:1', '--metrics-listen', ''], { env, encoding: 'utf8', timeout: 30_000 });
  try {
    const enroll = spawnSync(HAVEN_BIN, ['admin', 'enroll', '--data', dir], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(enroll.status, 0, enroll.stderr);
    const key = path.join(dir, 'master.key');
    for (const mode of [0o644, 0o640, 0o604]) {
      fs.chmodSync(key, mode);
      const r = serve();
      assert.equal(r.status, 1, `mode ${mode.toString(8)}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^haven serve: master key file .*master\.key has mode 06[0-7][0-7]; it must be 0600/);
    }
    fs.chmodSync(key, 0o600);
    fs.renameSync(key, path.join(dir, 'elsewhere'));
    const missing = serve();
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /master key file .* is missing; restore it/);
    assert.equal(fs.existsSync(key), false, 'no new key made beside an existing database');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
