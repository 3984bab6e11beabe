// The tamper-evident audit log against the real server: actions are audited, checkpoints
// are signed, the API and the CLI give proofs that an independent verifier
// (tests/lib/transparency.mjs, node:crypto) accepts, and `haven audit verify` names the
// first bad entry after each kind of tampering, each on a fresh copy of the data folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { enableTotp, invitePerson } from '../lib/accounts.mjs';
import { enrollAdmin, HAVEN_BIN, randomHex, request } from '../lib/harness.mjs';
import { startServer } from '../lib/harness.mjs';
import * as tl from '../lib/transparency.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-audit-'));
const copies = [];
let srv;
let admin;
let therapist;
let vkey; // the verifier key the API announced

function haven(args) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HAVEN_')));
  return spawnSync(HAVEN_BIN, args, { encoding: 'utf8', env, timeout: 60_000 });
}

/** A fresh copy of the stopped server's data folder, changed by `python` (sqlite3 module). */
function tampered(python) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-audit-copy-'));
  copies.push(dir);
  fs.cpSync(dataDir, dir, { recursive: true });
  const script = [
    'import sqlite3, sys',
    'con = sqlite3.connect(sys.argv[1])',
    // An attacker with the file drops the append-only triggers first.
    "for t in ['audit_events_no_update', 'audit_events_no_delete', 'audit_checkpoints_no_change', 'audit_checkpoints_no_delete']:",
    "    con.execute('DROP TRIGGER IF EXISTS ' + t)",
    python,
    'con.commit()',
    'con.close()',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, path.join(dir, 'haven.db')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

function query(sql) {
  const script = 'import sqlite3, sys, json\ncon = sqlite3.connect(sys.argv[1])\nprint(json.dumps(con.execute(sys.argv[2]).fetchall()))';
  const r = spawnSync('python3', ['-c', script, path.join(dataDir, 'haven.db'), sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function verifyFails(dir, pattern) {
  const r = haven(['audit', 'verify', '--data', dir]);
  assert.notEqual(r.status, 0, `verify passed a tampered log: ${r.stdout}`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
}

before(async () => {
  srv = await startServer({ dataDir, env: { HAVEN_AUDIT_CHECKPOINT_EVERY_ENTRIES: '5' } });
  admin = await enrollAdmin(srv);
  admin.cookie = (await enableTotp(srv, admin.cookie, admin.who.password, 'admin')).cookie;
  therapist = await invitePerson(srv, admin.cookie, 'therapist');
  for (let i = 0; i < 6; i++) {
    const res = await request(srv, 'POST', '/api/session', { body: { email: `nobody-${randomHex(4)}@clinic.example`, password: 'wrong password here' } });
    assert.equal(res.status, 401);
  }
  await sleep(1500); // the once-a-second ticker signs the checkpoints at multiples of 5
});

after(async () => {
  await srv?.stop();
  for (const dir of [dataDir, ...copies]) fs.rmSync(dir, { recursive: true, force: true });
});

const adminGet = (p) => request(srv, 'GET', p, { cookie: admin.cookie });

test('the API serves a signed checkpoint, to admins with MFA only', async () => {
  const res = await adminGet('/api/audit/checkpoint');
  assert.equal(res.status, 200, res.text);
  vkey = tl.parseVerifierKey(res.json.verifier_key);
  const cp = tl.openCheckpoint(res.json.checkpoint.note, vkey);
  assert.equal(cp.origin, `localhost:${srv.port}`);
  assert.equal(cp.size, res.json.checkpoint.tree_size);
  assert.ok(cp.size >= 10, `size ${cp.size}`);
  assert.equal(cp.root.toString('hex'), res.json.checkpoint.root_hash);
  assert.ok(Math.abs(cp.time - Date.now() / 1000) < 120);
  for (const cookie of [therapist.cookie, undefined]) {
    const denied = await request(srv, 'GET', '/api/audit/checkpoint', { cookie });
    assert.ok([401, 403].includes(denied.status), `${denied.status}`);
  }
});

test('an inclusion proof from the API verifies against its signed checkpoint', async () => {
  const res = await adminGet('/api/audit/entries/3/proof');
  assert.equal(res.status, 200, res.text);
  const entry = Buffer.from(res.json.entry, 'base64');
  assert.equal(tl.entrySeq(entry), 3);
  const leaf = tl.leafHash(entry);
  assert.equal(leaf.toString('hex'), res.json.leaf_hash);
  const cp = tl.openCheckpoint(res.json.checkpoint.note, vkey);
  assert.equal(cp.size, res.json.tree_size);
  assert.ok(tl.verifyInclusion(2, cp.size, leaf, res.json.proof.map(tl.fromHex), cp.root));
  assert.ok(!tl.verifyInclusion(3, cp.size, leaf, res.json.proof.map(tl.fromHex), cp.root));
  for (const id of ['0', 'abc', '999999']) assert.equal((await adminGet(`/api/audit/entries/${id}/proof`)).status, 404, id);
});

test('a consistency proof from the API links two signed checkpoints', async () => {
  const latest = tl.openCheckpoint((await adminGet('/api/audit/checkpoint')).json.checkpoint.note, vkey);
  const res = await request(srv, 'POST', '/api/audit/consistency', { cookie: admin.cookie, body: { from: 5, to: latest.size } });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.from_checkpoint, 'a checkpoint was signed at size 5');
  const first = tl.openCheckpoint(res.json.from_checkpoint.note, vkey);
  const proof = res.json.proof.map(tl.fromHex);
  assert.ok(tl.verifyConsistency(5, latest.size, first.root, latest.root, proof));
  assert.ok(!tl.verifyConsistency(5, latest.size, latest.root, first.root, proof));
  for (const body of [{ from: 3, to: 2 }, { from: 0, to: 2 }, { from: 1, to: 10_000_000 }, { from: '1', to: 2 }]) {
    const bad = await request(srv, 'POST', '/api/audit/consistency', { cookie: admin.cookie, body });
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.equal(bad.json.error.code, 'invalid_field');
  }
});

test('entries carry role and address, never names or emails', () => {
  const rows = query('SELECT seq, action, actor_role, client_ip, actor_id, object_type, object_id, request_id FROM audit_events ORDER BY seq');
  assert.ok(rows.length >= 10);
  assert.ok(rows.some(([, action, role, ip]) => action === 'audit.checkpoint_read' && role === 'admin' && ip === '127.0.0.1'));
  const text = JSON.stringify(rows).toLowerCase();
  for (const secret of [admin.who.email, admin.who.displayName, therapist.who.email, therapist.who.displayName]) {
    assert.ok(!text.includes(secret.toLowerCase()), 'an audit row holds a name or email');
  }
});

test('after a clean stop, haven audit verify passes and the CLI proofs verify', async () => {
  const exit = await srv.stop();
  assert.equal(exit.code, 0);
  const r = haven(['audit', 'verify', '--data', dataDir]);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(/^haven audit verify: ok: (\d+) entries and (\d+) signed checkpoints verified; latest checkpoint at size (\d+)/);
  assert.ok(m, r.stdout);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  const entries = Number(m[1]);
  assert.equal(Number(m[3]), entries, 'the shutdown checkpoint covers every entry');

  const cliKey = tl.parseVerifierKey(haven(['audit', 'public-key', '--data', dataDir]).stdout.trim());
  assert.deepEqual(cliKey.publicKey, vkey.publicKey);
  const note = haven(['audit', 'checkpoint', '--data', dataDir]).stdout;
  const cp = tl.openCheckpoint(note, cliKey);
  assert.equal(cp.size, entries);
  fs.writeFileSync(path.join(dataDir, 'offhost-checkpoint.txt'), note);

  const proved = JSON.parse(haven(['audit', 'prove', '--data', dataDir, '--seq', '2']).stdout);
  const leaf = tl.leafHash(Buffer.from(proved.entry, 'base64'));
  assert.ok(tl.verifyInclusion(1, cp.size, leaf, proved.proof.map(tl.fromHex), cp.root));
  const older = JSON.parse(haven(['audit', 'prove', '--data', dataDir, '--seq', '2', '--size', '5']).stdout);
  assert.equal(older.tree_size, 5);
  const five = tl.openCheckpoint(older.checkpoint.note, cliKey);
  assert.ok(tl.verifyInclusion(1, 5, leaf, older.proof.map(tl.fromHex), five.root));

  const cons = JSON.parse(haven(['audit', 'consistency', '--data', dataDir, '--from', '5', '--to', String(entries)]).stdout);
  assert.ok(tl.verifyConsistency(5, entries, five.root, cp.root, cons.proof.map(tl.fromHex)));
  assert.notEqual(haven(['audit', 'prove', '--data', dataDir, '--seq', String(entries + 1)]).status, 0);
  assert.notEqual(haven(['audit', 'consistency', '--data', dataDir, '--from', '6', '--to', '5']).status, 0);
});

test('verify names the first bad entry: modified, deleted, swapped, inserted', () => {
  const [[n]] = query('SELECT MAX(seq) FROM audit_events');
  verifyFails(tampered("con.execute(\"UPDATE audit_events SET action = 'session.signed_out' WHERE seq = 4\")"), /entry seq 4 /);
  verifyFails(tampered('con.execute("DELETE FROM audit_events WHERE seq = 6")'), /entry seq 6 /);
  const cols = 'at, actor_id, actor_role, action, object_type, object_id, outcome, request_id, client_ip, entry_mac';
  const swap = [
    `a = con.execute("SELECT ${cols} FROM audit_events WHERE seq = 3").fetchone()`,
    `b = con.execute("SELECT ${cols} FROM audit_events WHERE seq = 7").fetchone()`,
    `sets = ", ".join(c + " = ?" for c in "${cols}".split(", "))`,
    'con.execute("UPDATE audit_events SET " + sets + " WHERE seq = 3", b)',
    'con.execute("UPDATE audit_events SET " + sets + " WHERE seq = 7", a)',
  ].join('\n');
  verifyFails(tampered(swap), /entry seq 3 /);
  // A copy of a genuine entry (with its genuine code) appended at the end.
  const insert = `con.execute("INSERT INTO audit_events (seq, ${cols}) SELECT seq + 1, ${cols} FROM audit_events WHERE seq = ${n}")`;
  verifyFails(tampered(insert), new RegExp(`entry seq ${n + 1} `));
});

test('verify refuses a checkpoint whose signature or root was changed', () => {
  const flip = "note = con.execute('SELECT note FROM audit_checkpoints WHERE id = 1').fetchone()[0]\n" +
    "i = note.index('\\u2014') + 30\n" +
    "note = note[:i] + ('A' if note[i] != 'A' else 'B') + note[i + 1:]\n" +
    "con.execute('UPDATE audit_checkpoints SET note = ? WHERE id = 1', (note,))";
  verifyFails(tampered(flip), /checkpoint 1 .*signature/);
  verifyFails(tampered("con.execute(\"UPDATE audit_checkpoints SET root_hash = ? WHERE id = 2\", ('0' * 64,))"), /checkpoint 2 .*differs from its signed note/);
});

test('an off-host checkpoint catches a rewrite that removed the checkpoints too', () => {
  const note = path.join(dataDir, 'offhost-checkpoint.txt');
  const [[n]] = query('SELECT MAX(seq) FROM audit_events');
  const dir = tampered('con.execute("DELETE FROM audit_checkpoints")\ncon.execute("DELETE FROM audit_events WHERE seq > 8")');
  assert.equal(haven(['audit', 'verify', '--data', dir]).status, 0, 'without checkpoints a truncated log looks whole');
  const r = haven(['audit', 'verify', '--data', dir, '--checkpoint', note]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /entry seq 9 is missing/);
  assert.ok(n > 8);
});

test('a signing key that others can read is refused by the CLI and the server', () => {
  const dir = tampered('pass');
  fs.chmodSync(path.join(dir, 'audit-signing.key'), 0o644);
  for (const args of [['audit', 'verify', '--data', dir], ['serve', '--data', dir, '--listen', '127.0.0.1:1', '--metrics-listen', '']]) {
    const r = haven(args);
    assert.equal(r.status, 1, args[0]);
    assert.match(r.stderr, /audit-signing\.key: group or others may read it \(mode 0644\); run chmod 600/);
  }
});
