// A data folder from before envelope encryption keeps working: a database with the
// migration-7 schema (the SQL of src/store/migrations.cpp up to version 7, run by
// Python's sqlite3) and PHI in clear is opened by the server, which seals the rows in
// place at start-up. The API reads the old values back; the file no longer holds them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { enableTotp } from '../lib/accounts.mjs';
import { ROOT, newIdentity, randomHex, recordSensitive, request, sessionCookie, startServer } from '../lib/harness.mjs';

let srv;
let dataDir;

after(async () => {
  await srv?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The SQL of migrations 1..upTo, read from the C++ source. */
function migrationSql(upTo) {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'store', 'migrations.cpp'), 'utf8');
  const out = [];
  for (const m of source.matchAll(/\{(\d+), "([^"]*)", R"sql\(([\s\S]*?)\)sql"/g)) {
    if (Number(m[1]) <= upTo) out.push({ version: Number(m[1]), name: m[2], sql: m[3] });
  }
  assert.deepEqual(out.map((m) => m.version), Array.from({ length: upTo }, (_, i) => i + 1));
  return out;
}

const PY = `
import json, sqlite3, sys
spec = json.load(sys.stdin)
db = sqlite3.connect(spec["db"])
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
for m in spec["migrations"]:
    db.executescript(m["sql"])
    db.execute("INSERT INTO schema_migrations VALUES (?, ?, 1)", (m["version"], m["name"]))
for sql, args in spec["rows"]:
    db.execute(sql, args)
db.commit()
db.close()
`;

test('a migration-7 data folder is sealed in place at start-up and reads back', async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-legacy-'));
  fs.writeFileSync(path.join(dataDir, 'master.key'), crypto.randomBytes(32), { mode: 0o600 });
  const old = {
    therapist: { name: recordSensitive(`Ottoline Oldversion ${randomHex(3)}`, 'legacy name'), email: recordSensitive(`ottoline-${randomHex(3)}@legacy.example`, 'legacy email') },
    patient: { name: recordSensitive(`Peregrine Priorschema ${randomHex(3)}`, 'legacy name'), email: recordSensitive(`peregrine-${randomHex(3)}@legacy.example`, 'legacy email') },
    team: recordSensitive(`Old Harbour Team ${randomHex(3)}`, 'legacy team'),
    cohort: recordSensitive(`Old Winter Cohort ${randomHex(3)}`, 'legacy cohort'),
    invitee: recordSensitive(`Quincey Pendinginvite ${randomHex(3)}`, 'legacy invitation name'),
  };
  const token = recordSensitive(crypto.randomBytes(32).toString('base64url'), 'enrollment token');
  const tokenHash = crypto.createHash('sha256').update(token).digest('hex');
  const rows = [
    ["INSERT INTO organisations VALUES ('org1', 1)", []],
    ["INSERT INTO users (id, org_id, role, display_name, email, password_hash, created_at) VALUES ('ther1', 'org1', 'therapist', ?, ?, 'x', 1)", [old.therapist.name, old.therapist.email]],
    ["INSERT INTO users (id, org_id, role, display_name, email, password_hash, created_at) VALUES ('pat1', 'org1', 'patient', ?, ?, 'x', 2)", [old.patient.name, old.patient.email]],
    ["INSERT INTO care_teams VALUES ('team1', 'org1', ?, NULL, 1)", [old.team]],
    ["INSERT INTO care_team_members VALUES ('team1', 'ther1', 'clinician'), ('team1', 'pat1', 'patient')", []],
    ["INSERT INTO cohorts VALUES ('coh1', 'org1', 'team1', ?, 1)", [old.cohort]],
    ["INSERT INTO invitations (id, token_hash, org_id, role, display_name, invited_by, created_at, expires_at) VALUES ('inv1', 'h', 'org1', 'patient', ?, 'ther1', 1, 4102444800)", [old.invitee]],
    ['INSERT INTO enrollment_tokens VALUES (?, 1, 4102444800, NULL)', [tokenHash]],
  ];
  const db = path.join(dataDir, 'haven.db');
  const py = spawnSync('python3', ['-c', PY], { input: JSON.stringify({ db, migrations: migrationSql(7), rows }), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const clear = [old.therapist.name, old.therapist.email, old.patient.name, old.patient.email, old.team, old.cohort, old.invitee];
  const fileText = () => ['haven.db', 'haven.db-wal'].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'latin1')).join('');
  assert.ok(clear.every((v) => fileText().includes(v)), 'the old file holds the values in clear');

  srv = await startServer({ dataDir });
  assert.deepEqual(clear.filter((v) => fileText().toLowerCase().includes(v.toLowerCase())), [], 'no clear value left in the file or WAL');

  // The old enrollment link still works; the new admin joins the old practice.
  const who = newIdentity('admin');
  const enrolled = await request(srv, 'POST', '/api/enrollment/complete', { body: { token, display_name: who.displayName, email: who.email, password: who.password } });
  assert.equal(enrolled.status, 201, enrolled.text);
  const cookie = recordSensitive(sessionCookie(enrolled).split('=')[1], 'session token');
  const admin = (await enableTotp(srv, `haven_session=${cookie}`, who.password, 'admin')).cookie;
  const users = Object.fromEntries((await request(srv, 'GET', '/api/users', { cookie: admin })).json.users.map((u) => [u.id, u]));
  assert.deepEqual([users.ther1.display_name, users.ther1.email], [old.therapist.name, old.therapist.email]);
  assert.deepEqual([users.pat1.display_name, users.pat1.email], [old.patient.name, old.patient.email]);
  const teams = (await request(srv, 'GET', '/api/care-teams', { cookie: admin })).json.care_teams;
  assert.equal(teams.find((t) => t.id === 'team1').name, old.team);
  const cohorts = (await request(srv, 'GET', '/api/cohorts', { cookie: admin })).json.cohorts;
  assert.equal(cohorts.find((c) => c.id === 'coh1').name, old.cohort);
  // The old email is found through the blind index built by the upgrade.
  const taken = await request(srv, 'POST', '/api/account/email', { cookie: admin, body: { current_password: who.password, new_email: old.patient.email.toUpperCase() } });
  assert.equal(taken.status, 409);
  assert.equal(taken.json.error.code, 'email_taken');
});
