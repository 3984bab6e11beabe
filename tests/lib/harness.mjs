// Shared node test harness: starts the REAL Haven server (build/haven) for one test
// file, talks HTTPS to it, drives Debian's Chromium through playwright-core, and records
// every secret / PHI-like value a test uses so that a last test (scanRunLogs()) can
// prove none of them reaches a log.
//
// Everything goes to tests/.logs/ (gitignored). Files of one run carry the run id:
//   <test-file>--run<ID>--<rand>.log          server stdout+stderr (JSON lines)
//   <test-file>--run<ID>--<rand>-browser.log  browser console, page errors, request URLs
//   sensitive.json                           JSON Lines: {"run","label","value","file","at"}
//   *.png                                    screenshots for people to look at
// A run is one `node --test` invocation (all its test files are children of the same
// runner process); set HAVEN_TEST_RUN_ID to make several invocations one run (e.g. the
// integration and browser suites in CI). Files older than a day are pruned on load.
//
// Environment:
//   HAVEN_BIN              server binary (default build/haven)
//   HAVEN_TEST_RUN_ID      run id shared by several `node --test` invocations
//   HAVEN_TEST_KEEP_DATA=1 keep the temporary data directories
//   CHROMIUM               browser executable (default /usr/bin/chromium)

import { execFile, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LOG_DIR = path.join(ROOT, 'tests', '.logs');
export const SENSITIVE_FILE = path.join(LOG_DIR, 'sensitive.json');
export const HAVEN_BIN = process.env.HAVEN_BIN || path.join(ROOT, 'build', 'haven');
export const WEB_ROOT = path.join(ROOT, 'web', 'dist');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const HEALTH_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const PRUNE_AFTER_MS = 24 * 3600 * 1000;
const MIN_SENSITIVE_LENGTH = 6;

fs.mkdirSync(LOG_DIR, { recursive: true });
pruneOldLogs();

/** The test file's name without extension, used to name its logs. */
const TEST_NAME = path.basename(process.argv[1] || 'test').replace(/\.(test\.)?m?[jt]s$/, '');

/** Identifies this run: the `node --test` runner process (pid + start time) unless overridden. */
export const RUN_ID = computeRunId();

function computeRunId() {
  const fromEnv = process.env.HAVEN_TEST_RUN_ID;
  if (fromEnv) return fromEnv.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  let start = '';
  try {
    // Field 22 (starttime) of /proc/PID/stat, counted after the ")" closing the command name.
    const stat = fs.readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] || '';
  } catch {
    start = '';
  }
  return start ? `${process.ppid}.${start}` : String(process.ppid);
}

function pruneOldLogs() {
  const now = Date.now();
  for (const name of fs.readdirSync(LOG_DIR)) {
    const file = path.join(LOG_DIR, name);
    try {
      const st = fs.statSync(file);
      if (st.isFile() && now - st.mtimeMs > PRUNE_AFTER_MS) fs.rmSync(file, { force: true });
    } catch {
      /* raced with another test process: fine */
    }
  }
}

/** A new, unique log file path in LOG_DIR tagged with this run's id. */
export function logPath(suffix = '', ext = 'log') {
  const rand = crypto.randomBytes(3).toString('hex');
  const tail = suffix ? `-${suffix}` : '';
  return path.join(LOG_DIR, `${TEST_NAME}--run${RUN_ID}--${rand}${tail}.${ext}`);
}

// ---------------------------------------------------------------------------
// Sensitive values

/**
 * Record a value (email, name, password, token, ...) that must never appear in any log.
 * Appends a JSON line to tests/.logs/sensitive.json. Returns the value for chaining.
 */
export function recordSensitive(value, label = 'value') {
  if (typeof value !== 'string') throw new TypeError('recordSensitive: value must be a string');
  if (value.length < MIN_SENSITIVE_LENGTH) {
    throw new RangeError(`recordSensitive: "${label}" is shorter than ${MIN_SENSITIVE_LENGTH} characters; too short to scan for`);
  }
  const line = JSON.stringify({ run: RUN_ID, label, value, file: TEST_NAME, at: new Date().toISOString() });
  fs.appendFileSync(SENSITIVE_FILE, line + '\n', { mode: 0o600 });
  return value;
}

/** Recorded sensitive values of a run (default: this one): [{run, label, value, file, at}]. */
export function readSensitive(runId = RUN_ID) {
  let text = '';
  try {
    text = fs.readFileSync(SENSITIVE_FILE, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line);
    if (typeof entry.value === 'string' && (runId === null || entry.run === runId)) out.push(entry);
  }
  return out;
}

/** The forms a value could take in a log line: as is, JSON-escaped, URL-encoded (lower-cased). */
function formsOf(value) {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  return [...forms].map((f) => f.toLowerCase());
}

/**
 * Scan every *.log of a run (default: this one) for every sensitive value recorded in
 * that run, case-insensitively. Returns { files, values, bytes, hits } where hits name
 * the file and the value's label, never the value itself.
 */
export function scanRunLogs(runId = RUN_ID) {
  const marker = `--run${runId}--`;
  const files = fs.readdirSync(LOG_DIR).filter((f) => f.endsWith('.log') && f.includes(marker));
  const values = readSensitive(runId);
  const hits = [];
  let bytes = 0;
  for (const name of files) {
    const text = fs.readFileSync(path.join(LOG_DIR, name), 'utf8').toLowerCase();
    bytes += text.length;
    for (const entry of values) {
      if (formsOf(entry.value).some((f) => text.includes(f))) hits.push(`${name}: ${entry.label} (recorded by ${entry.file})`);
    }
  }
  return { files, values, bytes, hits };
}

/** Random hex for test identities. */
export function randomHex(bytes = 4) {
  return crypto.randomBytes(bytes).toString('hex');
}

/**
 * A random passphrase the server will accept. cracklib calls about 1 in 200 random ones
 * "too simplistic/systematic" (runs in the hex part), so each candidate is checked with
 * Debian's cracklib-check (cracklib-runtime, which the server needs anyway) first.
 */
export function acceptablePassword() {
  for (let i = 0; i < 20; i++) {
    const candidate = `calm-harbor-${randomHex(6)}-lantern`;
    let verdict = `${candidate}: OK`;
    try {
      verdict = execFileSync('cracklib-check', { input: `${candidate}\n`, encoding: 'utf8' }).trim();
    } catch {
      return candidate; // no cracklib-check: the server then has no dictionary either
    }
    if (verdict.endsWith(': OK')) return candidate;
  }
  throw new Error('no acceptable password in 20 tries');
}

/**
 * A fresh, recorded identity: { displayName, email, password }.
 * Display names and emails carry a random part so the log scan cannot match by accident.
 */
export function newIdentity(kind = 'user') {
  const id = randomHex(4);
  const displayName = recordSensitive(`Robin Ashgrove ${id}`, `${kind} display name`);
  const email = recordSensitive(`${kind}-${id}@clinic.example`, `${kind} email`);
  const password = recordSensitive(acceptablePassword(), `${kind} password`);
  return { displayName, email, password };
}

// ---------------------------------------------------------------------------
// Ports, processes

/** Returns `count` distinct free TCP ports on 127.0.0.1 (held open together while picking). */
export async function freePorts(count = 1) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      await new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', resolve);
      });
      servers.push(srv);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r()))));
  }
}

function tailOf(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

function watchExit(child) {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      live.delete(child);
      resolve({ code: null, signal: null, error: err });
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Server

/** Harness-only variables; the server treats every other HAVEN_* variable as a setting. */
const HARNESS_VARS = new Set(['HAVEN_BIN', 'HAVEN_TEST_RUN_ID', 'HAVEN_TEST_KEEP_DATA']);

/** process.env without the harness's own HAVEN_* variables (the server rejects unknown ones). */
function serverEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (HARNESS_VARS.has(k) || k.startsWith('HAVEN_TEST_')) delete env[k];
  return env;
}

/**
 * Start `build/haven serve` on free loopback ports with a fresh temporary data dir.
 * Resolves once GET /healthz answers 200 (20 s timeout, log tail in the error).
 *
 * @param {object} [opts]
 * @param {Record<string,string>} [opts.env]  extra environment for the server
 * @param {string[]} [opts.args]              extra arguments after `serve ...`
 * @param {string} [opts.dataDir]             reuse an existing data dir (e.g. restart tests)
 * @returns {Promise<{url:string, port:number, metricsPort:number, metricsUrl:string,
 *   dataDir:string, logFile:string, enrollLink():Promise<string>,
 *   stop():Promise<{code:number|null, signal:string|null}>, exited:Promise<object>}>}
 */
export async function startServer(opts = {}) {
  if (!fs.existsSync(HAVEN_BIN)) {
    throw new Error(`Server binary not found at ${HAVEN_BIN}: build it first (cmake --build build), or set HAVEN_BIN.`);
  }
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
    throw new Error(`Client not built (${WEB_ROOT}/index.html missing): run npm run build:web first.`);
  }
  const [port, metricsPort] = await freePorts(2);
  const ownsDataDir = !opts.dataDir;
  const dataDir = opts.dataDir || (await fsp.mkdtemp(path.join(os.tmpdir(), 'haven-test-')));
  const logFile = logPath();
  const listen = `127.0.0.1:${port}`;
  // sfu.port 0: every test server gets its own free media port (browsers learn it from SDP).
  const env = { ...serverEnv(), HAVEN_SERVER_WEB_ROOT: WEB_ROOT, HAVEN_SFU_PORT: '0', ...(opts.env || {}) };

  const logFd = fs.openSync(logFile, 'a', 0o600);
  const args = ['serve', '--data', dataDir, '--listen', listen, '--metrics-listen', `127.0.0.1:${metricsPort}`, ...(opts.args || [])];
  const child = spawn(HAVEN_BIN, args, { cwd: ROOT, env, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  live.add(child);
  let exitInfo = null;
  const exited = watchExit(child).then((info) => {
    exitInfo = info;
    return info;
  });

  const srv = {
    url: `https://localhost:${port}`,
    port,
    metricsPort,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    dataDir,
    logFile,
    pid: child.pid,
    exited,
    async enrollLink() {
      return runEnroll(dataDir, listen, logFile, env);
    },
    async stop() {
      if (!exitInfo) {
        child.kill('SIGTERM');
        const timedOut = await Promise.race([exited.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
        if (timedOut) {
          child.kill('SIGKILL');
          await exited;
          exitInfo = { ...exitInfo, timedOut: true };
        }
      }
      if (ownsDataDir && !process.env.HAVEN_TEST_KEEP_DATA) {
        await fsp.rm(dataDir, { recursive: true, force: true });
      }
      return exitInfo;
    },
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitInfo) {
      throw new Error(
        `haven serve exited early (code ${exitInfo.code}, signal ${exitInfo.signal}${exitInfo.error ? `, ${exitInfo.error.message}` : ''}).\n` +
          `--- ${logFile} (tail) ---\n${tailOf(logFile)}`,
      );
    }
    try {
      const res = await request(srv, 'GET', '/healthz', { timeoutMs: 2000 });
      if (res.status === 200) return srv;
      lastError = `status ${res.status}`;
    } catch (e) {
      lastError = e.code || e.message;
    }
    await sleep(100);
  }
  await srv.stop();
  throw new Error(`haven serve did not become healthy within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${lastError}).\n--- ${logFile} (tail) ---\n${tailOf(logFile)}`);
}

/**
 * Run `haven admin enroll` and return the printed link. Its stdout (which holds the
 * token, meant for the operator's terminal) is NOT written to the log; its stderr is.
 */
async function runEnroll(dataDir, listen, logFile, env) {
  const logFd = fs.openSync(logFile, 'a', 0o600);
  const child = spawn(HAVEN_BIN, ['admin', 'enroll', '--data', dataDir, '--listen', listen], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', logFd],
  });
  fs.closeSync(logFd);
  live.add(child);
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const { code, signal, error } = await watchExit(child);
  clearTimeout(timer);
  const m = stdout.match(/https:\/\/\S+\/enroll#token=\S+/);
  if (m) {
    const token = m[0].slice(m[0].indexOf('#token=') + '#token='.length);
    recordSensitive(token, 'enrollment token');
  }
  if (code !== 0 || !m) {
    throw new Error(
      `haven admin enroll failed (code ${code}, signal ${signal}${error ? `, ${error.message}` : ''}; link printed: ${m ? 'yes' : 'no'}).\n` +
        `--- ${logFile} (tail) ---\n${tailOf(logFile)}`,
    );
  }
  return m[0];
}

/** The token part of an enrollment link. */
export function tokenOf(link) {
  const i = link.indexOf('#token=');
  return i < 0 ? '' : link.slice(i + '#token='.length);
}

// ---------------------------------------------------------------------------
// HTTP

/**
 * HTTPS request to the test server (self-signed certificate accepted: tests only).
 * Connects to 127.0.0.1 with Host/SNI "localhost" so the server sees its own public URL.
 *
 * @param {object} srv       from startServer (needs .port and .url)
 * @param {string} method
 * @param {string} urlPath   e.g. '/api/me'
 * @param {object} [o]
 * @param {unknown} [o.body]   object/array/number → JSON; string/Buffer → sent as is
 * @param {Record<string,string|null>} [o.headers]  null removes a default header
 * @param {string} [o.cookie]  'haven_session=...' or just the session value
 * @param {number} [o.timeoutMs]
 * @returns {Promise<{status:number, headers:import('node:http').IncomingHttpHeaders, json:any, text:string}>}
 *
 * Non-GET/HEAD requests get `Origin: srv.url` unless headers.origin is given (null = none).
 */
export function request(srv, method, urlPath, o = {}) {
  const headers = { host: `localhost:${srv.port}`, accept: 'application/json' };
  let payload = null;
  if (o.body !== undefined) {
    if (typeof o.body === 'string' || Buffer.isBuffer(o.body)) {
      payload = Buffer.from(o.body);
    } else {
      payload = Buffer.from(JSON.stringify(o.body));
      headers['content-type'] = 'application/json';
    }
    headers['content-length'] = String(payload.length);
  }
  if (!['GET', 'HEAD'].includes(method.toUpperCase())) headers.origin = srv.url;
  if (o.cookie) headers.cookie = o.cookie.includes('=') ? o.cookie : `haven_session=${o.cookie}`;
  for (const [k, v] of Object.entries(o.headers || {})) {
    const key = k.toLowerCase();
    if (v === null || v === undefined) delete headers[key];
    else headers[key] = v;
  }
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: srv.port,
        servername: 'localhost',
        method,
        path: urlPath,
        headers,
        rejectUnauthorized: false, // self-signed test certificate; never outside tests
        timeout: o.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          let json = null;
          if (/json/i.test(res.headers['content-type'] || '') && text) {
            try {
              json = JSON.parse(text);
            } catch {
              json = null;
            }
          }
          resolve({ status: res.statusCode, headers: res.headers, json, text, body });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`timeout: ${method} ${urlPath}`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** 'haven_session=VALUE' from a response's Set-Cookie, or null. */
export function sessionCookie(res) {
  const set = res.headers['set-cookie'] || [];
  for (const c of set) {
    const m = c.match(/^\s*(haven_session=[^;]*)/);
    if (m) return m[1];
  }
  return null;
}

// ---------------------------------------------------------------------------
// Browser

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

/** Headless Debian Chromium via playwright-core. */
export async function launchBrowser(opts = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...opts });
}

/**
 * SHA-256 of the test server's certificate public key (SPKI, base64), for Chromium's
 * --ignore-certificate-errors-spki-list.
 */
export function serverSpkiPin(srv) {
  const cert = new crypto.X509Certificate(fs.readFileSync(path.join(srv.dataDir, 'tls', 'cert.pem')));
  return crypto.createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

/**
 * Chromium that trusts the test server's self-signed certificate by pinning its public
 * key. WebAuthn refuses pages with certificate errors, so passkey tests need this instead
 * of ignoreHTTPSErrors: open their contexts with newContext(browser, { ignoreHTTPSErrors: false }).
 */
export async function launchTrustingBrowser(srv, opts = {}) {
  return launchBrowser({ ...opts, args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${serverSpkiPin(srv)}`, ...(opts.args || [])] });
}

/** A browser context that accepts the test server's self-signed certificate. */
export async function newContext(browser, opts = {}) {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, ...opts });
  ctx.setDefaultTimeout(15_000);
  return ctx;
}

/**
 * Log a page's console messages, page errors and network request URLs to `file`
 * (a *-browser.log, scanned by zz-log-scan like the server logs). Returns a record
 * of console errors and page errors for assertions.
 */
export function attachPageLog(page, file) {
  const seen = { consoleErrors: [], pageErrors: [], cspViolations: [] };
  const write = (kind, text) => fs.appendFileSync(file, `${new Date().toISOString()} ${kind} ${text}\n`, { mode: 0o600 });
  page.on('console', (msg) => {
    const text = msg.text();
    write(`console.${msg.type()}`, text);
    if (msg.type() === 'error') seen.consoleErrors.push(text);
    if (/Content Security Policy/i.test(text)) seen.cspViolations.push(text);
  });
  page.on('pageerror', (err) => {
    write('pageerror', String(err && err.stack ? err.stack : err));
    seen.pageErrors.push(String(err));
  });
  page.on('request', (req) => write('request', `${req.method()} ${req.url()}`));
  page.on('response', (res) => write('response', `${res.status()} ${res.url()}`));
  page.on('websocket', (ws) => write('websocket', ws.url()));
  return seen;
}

/**
 * Enrolls a new administrator through the API with a fresh link and identity, records
 * the token, credentials and session as sensitive, and returns { who, cookie, response }.
 */
export async function enrollAdmin(srv) {
  const token = tokenOf(await srv.enrollLink());
  recordSensitive(token, 'enrollment token');
  const who = newIdentity('admin');
  const response = await request(srv, 'POST', '/api/enrollment/complete', {
    body: { token, display_name: who.displayName, email: who.email, password: who.password },
  });
  if (response.status !== 201) throw new Error(`enrollment failed: ${response.status} ${response.text}`);
  const cookie = sessionCookie(response);
  recordSensitive(cookie.split('=')[1], 'session token');
  return { who, cookie, response };
}

/**
 * Runs `haven <args> --data dataDir` with none of the caller's HAVEN_* variables:
 * { code, stdout, stderr } (never throws).
 */
export async function runHavenCli(dataDir, ...args) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HAVEN_')));
  try {
    const { stdout, stderr } = await promisify(execFile)(HAVEN_BIN, [...args, '--data', dataDir], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
