// The command-line contract: version, flags, config errors, enrollment links, shutdown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { HAVEN_BIN, request, startServer } from '../lib/harness.mjs';

function haven(args, env = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HAVEN_')));
  return spawnSync(HAVEN_BIN, args, { encoding: 'utf8', env: { ...clean, ...env }, timeout: 30_000 });
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'haven-cli-'));
}

test('version prints the version', () => {
  const r = haven(['version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^haven \d+\.\d+\.\d+\n$/);
});

test('unknown flags and bad values exit non-zero with one line naming the flag', () => {
  for (const [args, flag] of [
    [['serve', '--bogus', '1'], '--bogus'],
    [['serve', '--listen', 'nowhere'], '--listen'],
    [['serve', '--listen'], '--listen'],
    [['serve', '--metrics-listen', '1.2.3.4:99999'], '--metrics-listen'],
    [['serve', '--log-level', 'chatty'], '--log-level'],
    [['admin', 'enroll', '--listen', 'x'], '--listen'],
  ]) {
    const r = haven(args);
    assert.notEqual(r.status, 0, args.join(' '));
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes(flag), `${args.join(' ')}: ${lines[0]}`);
  }
  assert.notEqual(haven(['frobnicate']).status, 0);
});

test('a bad config file stops start-up with an error naming the key', () => {
  const dir = tempDir();
  const file = path.join(dir, 'haven.toml');
  fs.writeFileSync(file, '[server]\nthreads = "lots"\n');
  let r = haven(['serve', '--config', file, '--data', dir]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /server\.threads/);
  fs.writeFileSync(file, '[server]\nnot_a_setting = 1\n');
  r = haven(['serve', '--data', dir], { HAVEN_CONFIG: file });
  assert.match(r.stderr, /server\.not_a_setting/);
  r = haven(['serve', '--data', dir], { HAVEN_SERVER_MAX_BODY_BYTES: '-1' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /HAVEN_SERVER_MAX_BODY_BYTES/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('admin enroll creates the data folder with private permissions and prints a link', () => {
  const dir = path.join(tempDir(), 'data');
  const r = haven(['admin', 'enroll', '--data', dir, '--listen', '127.0.0.1:9443']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /^https:\/\/localhost:9443\/enroll#token=[A-Za-z0-9_-]{43}$/);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(dir, 'master.key')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.join(dir, 'master.key')).size, 32);
  // The token itself is never stored: only its hash is in the database.
  const token = r.stdout.trim().split('#token=')[1];
  const db = fs.readFileSync(path.join(dir, 'haven.db'));
  const wal = fs.existsSync(path.join(dir, 'haven.db-wal')) ? fs.readFileSync(path.join(dir, 'haven.db-wal')) : Buffer.alloc(0);
  assert.equal(db.includes(token), false);
  assert.equal(wal.includes(token), false);
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('SIGTERM stops the server cleanly and checkpoints the database', async () => {
  const srv = await startServer();
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
  const tls = path.join(srv.dataDir, 'tls');
  assert.equal(fs.statSync(path.join(tls, 'key.pem')).mode & 0o777, 0o600);
  const dataDir = srv.dataDir;
  process.env.HAVEN_TEST_KEEP_DATA = '1';
  const exit = await srv.stop();
  delete process.env.HAVEN_TEST_KEEP_DATA;
  assert.equal(exit.code, 0);
  const wal = path.join(dataDir, 'haven.db-wal');
  assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, 'WAL folded into the database');
  assert.match(fs.readFileSync(srv.logFile, 'utf8'), /"event":"server.stopped"/);
  fs.rmSync(dataDir, { recursive: true, force: true });
});
