// Scheduled backups (issue 4, item 7) as an operator sees them: the running server writes
// an archive into backup.directory on schedule, keeps the newest backup.keep of them and
// leaves other files alone, counts them in /metrics, records each in the audit trail
// (role "system"), and the newest archive restores to the data the practice had.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { enableTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { HAVEN_BIN, enrollAdmin, request, startServer } from '../lib/harness.mjs';

const run = promisify(execFile);
const SCHEDULED = /^haven-\d{8}T\d{6}Z\.backup$/;
let srv;
let backupDir;
const people = {};

async function backupsWritten() {
  const text = await (await fetch(`${srv.metricsUrl}/metrics`)).text();
  const m = text.match(/^haven_backups_total\{outcome="success"\} (\d+)$/m);
  return m ? Number(m[1]) : 0;
}

async function waitFor(predicate, what, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-scheduled-'));
  fs.writeFileSync(path.join(backupDir, 'README.txt'), 'the operator keeps notes here');
  srv = await startServer({
    env: { HAVEN_BACKUP_DIRECTORY: backupDir, HAVEN_BACKUP_EVERY_SECONDS: '1', HAVEN_BACKUP_KEEP: '2' },
  });
  const admin = await enrollAdmin(srv);
  people.admin = { ...admin, ...(await enableTotp(srv, admin.cookie, admin.who.password, 'admin')) };
  people.therapist = await invitePersonWithTotp(srv, people.admin.cookie, 'therapist');
  people.patient = await invitePerson(srv, people.therapist.cookie, 'patient');
});

after(async () => {
  await srv?.stop();
  if (srv?.dataDir) fs.rmSync(srv.dataDir, { recursive: true, force: true });
  if (backupDir) fs.rmSync(backupDir, { recursive: true, force: true });
});

test('the server writes archives on schedule and keeps the newest two', async () => {
  const start = await backupsWritten();
  await waitFor(async () => (await backupsWritten()) >= start + 3, 'three scheduled backups');
  const names = fs.readdirSync(backupDir).sort();
  const archives = names.filter((n) => SCHEDULED.test(n));
  assert.equal(archives.length, 2, names.join(','));
  assert.ok(names.includes('README.txt'), "the operator's file stays");
  assert.equal(names.some((n) => n.endsWith('.partial')), false);
  for (const name of archives) {
    const file = path.join(backupDir, name);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(0, 7).toString(), 'HAVENBK');
    assert.equal(bytes.includes(people.patient.who.displayName), false);
  }
  const metrics = await (await fetch(`${srv.metricsUrl}/metrics`)).text();
  const last = Number(metrics.match(/^haven_backup_last_success_timestamp_seconds (\d+)$/m)[1]);
  assert.ok(Math.abs(last - Date.now() / 1000) < 120, `last success ${last}`);
});

test('each scheduled backup and each removal is in the audit trail', async () => {
  const res = await request(srv, 'POST', '/api/audit/search', { cookie: people.admin.cookie, body: { action: 'backup.' } });
  assert.equal(res.status, 200, res.text);
  const created = res.json.events.filter((e) => e.action === 'backup.created');
  const removed = res.json.events.filter((e) => e.action === 'backup.removed_by_retention');
  assert.ok(created.length >= 3, JSON.stringify(res.json.events));
  assert.ok(removed.length >= 1);
  for (const e of [...created, ...removed]) {
    assert.equal(e.subject_type, 'backup');
    assert.match(e.subject_id, SCHEDULED);
    assert.equal(e.outcome, 'success');
  }
});

test('the newest scheduled archive restores the practice', async () => {
  process.env.HAVEN_TEST_KEEP_DATA = '1';
  const exit = await srv.stop();
  delete process.env.HAVEN_TEST_KEEP_DATA;
  assert.equal(exit.code, 0);
  const newest = fs.readdirSync(backupDir).filter((n) => SCHEDULED.test(n)).sort().pop();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HAVEN_')));
  fs.rmSync(path.join(srv.dataDir, 'haven.db'));
  const { stdout } = await run(HAVEN_BIN, ['restore', '--in', path.join(backupDir, newest), '--data', srv.dataDir], { env });
  assert.match(stdout, /restored/);
  srv = await startServer({ dataDir: srv.dataDir, env: { HAVEN_BACKUP_EVERY_HOURS: '0' } });
  const signIn = await request(srv, 'POST', '/api/session', { body: { email: people.patient.who.email, password: people.patient.who.password } });
  assert.equal(signIn.status, 200, signIn.text);
});
