// Encryption at rest (issue 4, "raw-file grep for PHI"): known PHI goes in through the
// API, then the raw database file, its WAL and -shm, and an online backup are searched
// byte for byte (as UTF-8, and case-insensitively) for every value: nothing is found.
// Opaque ids, which stay in clear by design, ARE found: the scan itself works.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { enableTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { enrollAdmin, randomHex, recordSensitive, request, startServer } from '../lib/harness.mjs';

let srv;
const phi = []; // { label, value }: every value also recorded with recordSensitive()
const ids = {};

function known(value, label) {
  phi.push({ label, value: recordSensitive(value, label) });
  return value;
}

const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Labels of the values found in `file` (missing file: none). */
function foundIn(file, values) {
  if (!fs.existsSync(file)) return [];
  const bytes = fs.readFileSync(file);
  const raw = bytes.toString('latin1'); // one char per byte: searches the exact UTF-8 bytes
  const rawLower = asciiLower(raw);
  const textLower = bytes.toString('utf8').toLowerCase(); // Unicode case folding too
  const hits = [];
  for (const { label, value } of values) {
    const utf8 = Buffer.from(value, 'utf8').toString('latin1');
    if (raw.includes(utf8) || rawLower.includes(asciiLower(utf8)) || textLower.includes(value.toLowerCase())) {
      hits.push(`${path.basename(file)}: ${label}`);
    }
  }
  return hits;
}

function dbFiles(dir, base = 'haven.db') {
  return [base, `${base}-wal`, `${base}-shm`].map((f) => path.join(dir, f));
}

/** An online, consistent copy through SQLite's backup API (sqlite3 CLI, else Python). */
function onlineBackup(db, out) {
  const cli = spawnSync('sqlite3', [db, `.backup '${out}'`], { encoding: 'utf8', timeout: 30_000 });
  if (cli.status === 0) return 'sqlite3 .backup';
  const py = spawnSync(
    'python3',
    ['-c', 'import sqlite3,sys\ns=sqlite3.connect(sys.argv[1]);d=sqlite3.connect(sys.argv[2])\ns.backup(d);d.close();s.close()', db, out],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(py.status, 0, `no way to take an online backup: ${cli.stderr || cli.error} / ${py.stderr}`);
  return 'python sqlite3 Connection.backup';
}

const post = (cookie, p, body) => request(srv, 'POST', p, { cookie, body });
const get = (cookie, p) => request(srv, 'GET', p, { cookie });

before(async () => {
  srv = await startServer();
  const admin = await enrollAdmin(srv);
  phi.push({ label: 'admin display name', value: admin.who.displayName }, { label: 'admin email', value: admin.who.email });
  ids.admin = (await enableTotp(srv, admin.cookie, admin.who.password, 'admin')).cookie;

  const therapist = await invitePersonWithTotp(srv, ids.admin, 'therapist');
  phi.push({ label: 'therapist display name', value: therapist.who.displayName }, { label: 'therapist email', value: therapist.who.email });
  const patient = await invitePerson(srv, therapist.cookie, 'patient');
  phi.push({ label: 'patient display name', value: patient.who.displayName }, { label: 'patient email', value: patient.who.email });
  Object.assign(ids, { therapist, patient });

  // Names with non-ASCII letters, in a pending invitation (never accepted).
  const pendingName = known(`Zoë Þórhallsdóttir-Ångström ${randomHex(3)}`, 'pending invitation name');
  const inv = await post(ids.admin, '/api/invitations', { role: 'staff', display_name: pendingName });
  assert.equal(inv.status, 201, inv.text);
  recordSensitive(inv.json.link.split('#token=')[1], 'invitation token');

  const teamName = known(`Lighthouse Anxiety Team ${randomHex(3)}`, 'care team name');
  const team = await post(ids.admin, '/api/care-teams', { name: teamName });
  assert.equal(team.status, 201, team.text);
  ids.team = team.json.care_team.id;
  const cohortName = known(`Harbour DBT Cohort ${randomHex(3)}`, 'cohort name');
  const cohort = await post(ids.admin, '/api/cohorts', { name: cohortName, care_team_id: ids.team });
  assert.equal(cohort.status, 201, cohort.text);

  // A second therapist, not on the patient's team, opens the record in an emergency.
  const other = await invitePersonWithTotp(srv, ids.admin, 'therapist', 'oncall');
  phi.push({ label: 'on-call display name', value: other.who.displayName }, { label: 'on-call email', value: other.who.email });
  const reason = known(`Suicidal ideation disclosed on the phone ${randomHex(3)}`, 'break-glass reason');
  const grant = await post(other.cookie, '/api/break-glass', { patient_email: patient.who.email, reason });
  assert.equal(grant.status, 201, grant.text);
  ids.reason = reason;
  Object.assign(ids, { teamName, cohortName, pendingName });
});

after(async () => {
  await srv?.stop();
});

test('the API reads every value back in clear', async () => {
  const users = (await get(ids.admin, '/api/users')).json.users;
  const byId = Object.fromEntries(users.map((u) => [u.id, u]));
  assert.equal(byId[ids.patient.id].display_name, ids.patient.who.displayName);
  assert.equal(byId[ids.patient.id].email, ids.patient.who.email);
  assert.equal(byId[ids.therapist.id].email, ids.therapist.who.email);
  const teams = (await get(ids.admin, '/api/care-teams')).json.care_teams;
  assert.ok(teams.some((t) => t.name === ids.teamName));
  assert.ok(teams.some((t) => t.name === 'Caseload'), "the therapist's caseload team");
  assert.ok((await get(ids.admin, '/api/cohorts')).json.cohorts.some((c) => c.name === ids.cohortName));
  const grants = (await get(ids.admin, '/api/break-glass')).json.break_glass;
  assert.deepEqual(grants.map((g) => g.reason), [ids.reason]);
  const patients = (await get(ids.therapist.cookie, '/api/patients')).json.patients;
  assert.deepEqual(patients.map((p) => p.display_name), [ids.patient.who.displayName]);
});

test('sign-in finds an account by email in any case (blind index)', async () => {
  const res = await request(srv, 'POST', '/api/session', { body: { email: ids.patient.who.email.toUpperCase(), password: ids.patient.who.password } });
  assert.equal(res.status, 200, res.text);
  recordSensitive(res.headers['set-cookie'][0].split(';')[0].split('=')[1], 'session token');
});

test('the database file, its WAL and -shm hold none of the values while the server runs', () => {
  const files = dbFiles(srv.dataDir);
  assert.ok(fs.statSync(files[1]).size > 0, 'the recent writes are in the WAL');
  assert.deepEqual(files.flatMap((f) => foundIn(f, phi)), []);
  // Control: ids stay in clear by design, so the same scan does find them.
  const controls = [{ label: 'patient id', value: ids.patient.id }, { label: 'care team id', value: ids.team }];
  assert.equal(files.flatMap((f) => foundIn(f, controls)).length > 0, true, 'the scan finds clear data');
});

test('an online backup holds none of the values', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-backup-'));
  try {
    const out = path.join(dir, 'backup.db');
    const how = onlineBackup(path.join(srv.dataDir, 'haven.db'), out);
    assert.ok(fs.statSync(out).size > 0, how);
    assert.deepEqual(dbFiles(dir, 'backup.db').flatMap((f) => foundIn(f, phi)), [], how);
    assert.ok(foundIn(out, [{ label: 'patient id', value: ids.patient.id }]).length > 0, 'the backup has the rows');
    assert.equal(fs.readdirSync(dir).some((f) => f.includes('master')), false, 'no key file in a database backup');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('after a clean stop (checkpoint) the database file holds none of the values', async () => {
  process.env.HAVEN_TEST_KEEP_DATA = '1';
  const exit = await srv.stop();
  delete process.env.HAVEN_TEST_KEEP_DATA;
  assert.equal(exit.code, 0);
  const files = dbFiles(srv.dataDir);
  assert.deepEqual(files.flatMap((f) => foundIn(f, phi)), []);
  assert.ok(foundIn(files[0], [{ label: 'patient id', value: ids.patient.id }]).length > 0);
  fs.rmSync(srv.dataDir, { recursive: true, force: true });
  srv = null;
});
