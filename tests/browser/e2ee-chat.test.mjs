// Chat and file sharing inside an end-to-end encrypted call, in real Chromium against the
// real server (docs/E2EE.md "In the call"): messages and file keys are MLS application
// messages on the room's group; files are AES-GCM ciphertext on the server.
//
// Patient A (on a 375 px wide page) arrives first and waits in the waiting room, with no
// chat, until the host admits them. The therapist arrives and admits A, then patient B; A's
// chat panel fits the 375 px page, and A's message shows once on A's page and on the
// other two; a file the therapist shares is downloaded and decrypted by B, byte for byte.
// B leaves the page for a moment while A writes twice: back in the call, B's page replays
// those two from the server's backlog, once each and in order. Last, the server's
// database (and its WAL) holds neither the chat text nor the file's bytes.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertCleanPages, closeSuite, openSignedIn, pollUntil } from '../lib/browser-session.mjs';
import { startCallSuite } from '../lib/call-suite.mjs';
import { admitFromLobby, enterCall, waitInLobby } from '../lib/call-page.mjs';
import { LOG_DIR, recordSensitive } from '../lib/harness.mjs';

const DEADLINE_MS = 90_000;
const POLL_MS = 500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: DEADLINE_MS, pollMs: POLL_MS });

const e2eeOf = (page) => page.evaluate(() => window.__havenCall?.e2ee() ?? null);

async function secure(page, members, label) {
  await until(`${label}: not in the group with ${members} members`, async () => {
    const v = await e2eeOf(page).catch(() => null);
    return [v?.state === 'secure' && v.roster.length === members, v && { state: v.state, roster: v.roster.length }];
  });
}

/** The chat as a page shows it: [{self, state, kind, text, file}]. */
function shownChat(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="chat-message"]')].map((li) => ({
      self: li.dataset.self === 'true',
      state: li.dataset.state,
      kind: li.dataset.kind,
      text: li.querySelector('[data-testid="chat-text"]')?.textContent ?? '',
      file: li.querySelector('[data-testid="chat-file-name"]')?.textContent ?? '',
    })),
  );
}

async function openChat(page) {
  if ((await page.getByTestId('chat-toggle').getAttribute('aria-expanded')) !== 'true') await page.getByTestId('chat-toggle').click();
  await page.getByTestId('chat-panel').waitFor({ state: 'visible' });
}

async function say(page, text) {
  await openChat(page);
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-input').press('Enter');
}

describe('chat and files in an end-to-end encrypted call', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patientA;
  let patientB;
  let roomId = '';
  const callPages = {};
  const secretText = `chat-secret-${crypto.randomBytes(6).toString('hex')}`;
  const later = [`backlog-one-${crypto.randomBytes(4).toString('hex')}`, `backlog-two-${crypto.randomBytes(4).toString('hex')}`];
  const fileName = `notes-${crypto.randomBytes(4).toString('hex')}.bin`;
  // Larger than server.max_body_bytes (64 KiB): uploads have their own limit.
  const fileBytes = crypto.randomBytes(200 * 1024);

  before(async () => {
    // The words and names must never reach a log (zz-log-scan).
    for (const s of [secretText, ...later, fileName]) recordSensitive(s, 'chat content');
    let patients;
    ({ srv, therapist, patients, roomId, browser, pages } = await startCallSuite({ label: 'chat', viewport: { width: 1024, height: 900 } }));
    ({ a: patientA, b: patientB } = patients);
  });

  after(() => closeSuite(pages, browser, srv));

  test('a patient waiting for the host cannot send; the panel fits a 375 px screen', async () => {
    callPages.patientA = (await openSignedIn(pages, srv, patientA.cookie, `/call/${roomId}`, { viewport: { width: 375, height: 740 } })).page;
    const page = callPages.patientA;
    await enterCall(page);
    // Waiting for the host: the waiting room, with no call, no group and no chat to send in.
    await waitInLobby(page);
    assert.equal(await page.getByTestId('call-self-video').count(), 0);
    assert.notEqual((await e2eeOf(page))?.state, 'secure', 'keys before admission');
    assert.equal(await page.getByTestId('chat-toggle').count(), 0, 'a chat before admission');
    assert.equal(await page.getByTestId('chat-input').count(), 0, 'a chat input before admission');
    const card = await page.getByTestId('waiting-room').boundingBox();
    assert.ok(card && card.x >= 0 && card.x + card.width <= 375, `waiting room ${JSON.stringify(card)}`);
    await page.screenshot({ path: path.join(LOG_DIR, 'call-waiting-375.png') });

    // Once the therapist (the room's owner) is there and lets them in, the chat panel fits.
    callPages.therapist = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
    await enterCall(callPages.therapist);
    await admitFromLobby(callPages.therapist, patientA.id);
    await page.getByTestId('call-self-video').waitFor();
    await openChat(page);
    const box = await page.getByTestId('chat-panel').boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375 && box.y >= 0 && box.y + box.height <= 740, `panel ${JSON.stringify(box)}`);
    await page.screenshot({ path: path.join(LOG_DIR, 'call-chat-375.png') });
    // Keyboard: Escape closes and gives focus back to the toggle.
    await page.getByTestId('chat-close').focus();
    await page.keyboard.press('Escape');
    await page.getByTestId('chat-panel').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'chat-toggle');
  });

  test('once admitted, a message shows once on the sender and on both others', async () => {
    callPages.patientB = (await openSignedIn(pages, srv, patientB.cookie, `/call/${roomId}`)).page;
    await enterCall(callPages.patientB);
    await admitFromLobby(callPages.therapist, patientB.id);
    for (const [label, page] of Object.entries(callPages)) await secure(page, 3, label);
    await until('patient A chat input stays disabled', async () => {
      await openChat(callPages.patientA);
      return [!(await callPages.patientA.getByTestId('chat-input').isDisabled()), null];
    });
    await say(callPages.patientA, secretText);
    for (const [label, page] of Object.entries(callPages)) {
      const list = await until(`${label}: the message does not show`, async () => {
        const l = await shownChat(page);
        return [l.some((m) => m.text === secretText && m.state === 'sent'), l];
      });
      assert.equal(list.filter((m) => m.text === secretText).length, 1, `${label}: ${JSON.stringify(list)}`);
      assert.equal(list.find((m) => m.text === secretText).self, label === 'patientA', label);
    }
    await callPages.patientA.screenshot({ path: path.join(LOG_DIR, 'call-chat-375-open.png') });
    // The others see who wrote it and an unread count while their panel is closed.
    const unread = await callPages.patientB.getByTestId('chat-unread').textContent();
    assert.match(unread, /1/);
    await openChat(callPages.patientB);
    const row = callPages.patientB.getByTestId('chat-message').filter({ hasText: secretText });
    assert.match(await row.textContent(), new RegExp(patientA.who.displayName));
    assert.equal(await callPages.patientB.getByTestId('chat-unread').count(), 0);
  });

  test('a file the therapist shares is downloaded and decrypted by a patient, byte for byte', async () => {
    const t = callPages.therapist;
    await openChat(t);
    await t.getByTestId('chat-file-input').setInputFiles({ name: fileName, mimeType: 'application/octet-stream', buffer: fileBytes });
    await until('the therapist’s file is not sent', async () => {
      const l = await shownChat(t);
      const code = await t.getByTestId('chat-error').getAttribute('data-code').catch(() => null);
      return [l.some((m) => m.kind === 'file' && m.file === fileName && m.state === 'sent'), { l, code }];
    });
    const b = callPages.patientB;
    await openChat(b);
    const item = b.getByTestId('chat-message').filter({ hasText: fileName });
    await item.waitFor({ timeout: 30_000 });
    assert.match(await item.textContent(), /200\.0 KB/);
    const [download] = await Promise.all([b.waitForEvent('download'), item.getByTestId('chat-download').click()]);
    assert.equal(download.suggestedFilename(), fileName);
    assert.ok(download.url().startsWith('blob:'), 'the download is not a Blob URL');
    assert.ok(!download.url().includes(fileName));
    const got = fs.readFileSync(await download.path());
    assert.equal(got.length, fileBytes.length);
    assert.ok(got.equals(fileBytes), 'downloaded bytes differ from the original');
  });

  test('messages stored while a member was away replay once and in order', async () => {
    const b = callPages.patientB;
    const before = (await shownChat(b)).length;
    await b.goto('about:blank');
    for (const text of later) {
      await say(callPages.patientA, text);
      await until(`“${text}” not accepted`, async () => {
        const l = await shownChat(callPages.patientA);
        return [l.some((m) => m.text === text && m.state === 'sent'), l];
      });
    }
    // Back within the host's grace period: the page resumes from its stored group state
    // and catches up from the last message it processed.
    await b.goto(`${srv.url}/call/${roomId}`);
    await enterCall(b);
    await b.getByTestId('call-self-video').waitFor();
    const list = await until('patient B does not replay the two messages', async () => {
      const l = await shownChat(b);
      return [later.every((x) => l.some((m) => m.text === x)), l];
    });
    await sleep(2000);
    const texts = (await shownChat(b)).map((m) => m.text);
    assert.deepEqual(
      texts.filter((x) => later.includes(x)),
      later,
      `replayed ${JSON.stringify(texts)}`,
    );
    assert.ok(!texts.includes(secretText), 'a message processed before leaving showed again');
    assert.ok(list.length <= before + 2);
    assert.equal((await e2eeOf(b)).counters.welcomesJoined, 0, 'admitted again instead of resuming');
  });

  test('the server’s database holds neither the chat text nor the file', async () => {
    const blobs = ['haven.db', 'haven.db-wal']
      .map((f) => path.join(srv.dataDir, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f));
    assert.ok(blobs.length > 0, 'no database file');
    const needles = [secretText, ...later, fileName].map((s) => Buffer.from(s));
    needles.push(fileBytes.subarray(1000, 1064));
    for (const blob of blobs) for (const n of needles) assert.equal(blob.indexOf(n), -1, 'plaintext in the database');
    // The uploaded file is stored somewhere under the data dir: only as ciphertext.
    const chunk = fileBytes.subarray(5000, 5064);
    const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
    for (const f of walk(srv.dataDir)) {
      const data = fs.readFileSync(f);
      assert.equal(data.indexOf(chunk), -1, `file plaintext in ${path.basename(f)}`);
      assert.equal(data.indexOf(Buffer.from(secretText)), -1, `chat text in ${path.basename(f)}`);
    }
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
