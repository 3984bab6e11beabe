// Session notes (issue 7, "Notes hook"): after a call the therapist who held it lands on
// /notes/<room id>, a plain note the server stores encrypted. The therapist's Leave goes to
// the notes page, a patient's goes home; the note is saved, read back after a reload, and
// refused to the patient; the data directory never holds its text in clear; the page fits
// a phone-sized screen and the page asks the browser to warn before leaving unsaved changes.
// Everything is polled until a generous deadline; nothing here asserts how fast.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, pollUntil, shownText } from '../lib/browser-session.mjs';
import { SAFETY, admitFromLobby, enterCall, waitInLobby } from '../lib/call-page.mjs';
import { launchTrustingBrowser, logPath, randomHex, recordSensitive, request, startServer } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 90_000, pollMs: 500 });

/** The page's end-to-end encryption state in the call ('secure' once keyed), or null. */
const e2eeState = (page) => page.evaluate(() => window.__havenCall?.e2ee()?.state ?? null);

describe('session notes', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patient;
  let otherTherapist;
  let roomId = '';
  let host;
  let guest;
  const noteText = recordSensitive(`Session went well; follow up on sleep ${randomHex(8)}`, 'session note');

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'notes-therapist');
    patient = await invitePerson(srv, therapist.cookie, 'patient', 'notes-patient');
    otherTherapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'notes-other-therapist');
    const res = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [patient.id] } });
    assert.equal(res.status, 201, res.text);
    roomId = res.json.room.id;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 800 } });
  });

  after(() => closeSuite(pages, browser, srv));

  test('both join the call and it becomes secure', async () => {
    guest = (await openSignedIn(pages, srv, patient.cookie, '/patient')).page;
    await guest.goto(`${srv.url}/call/${roomId}`);
    await enterCall(guest);
    // The patient came first: they wait until the therapist (the room's owner) lets them in.
    await waitInLobby(guest);
    host = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
    await enterCall(host);
    await admitFromLobby(host, patient.id);
    for (const [label, page] of [['therapist', host], ['patient', guest]]) {
      await page.getByTestId('call-self-video').waitFor();
      await until(`${label}: the call never became secure`, async () => {
        const state = await e2eeState(page);
        return [state === 'secure', state];
      });
    }
  });

  test('the therapist’s Leave opens the session’s notes page', async () => {
    const leave = host.getByTestId('call-leave');
    assert.ok(await leave.isEnabled());
    await leave.click();
    await host.waitForURL((u) => u.pathname === `/notes/${roomId}`);
    await host.getByTestId('notes-text').waitFor();
    assert.equal(await host.title(), 'Session notes · Haven');
    assert.equal((await host.getByRole('heading', { level: 1 }).textContent()).trim(), 'Session notes');
    assert.match(await host.locator('main').innerText(), /stored encrypted, and only you can read it/);
    // Labelled, empty before the first save, and bounded like the server.
    const box = host.getByLabel('Your note for this session');
    assert.equal(await box.getAttribute('data-testid'), 'notes-text');
    assert.equal(await box.inputValue(), '');
    assert.equal(await box.getAttribute('maxlength'), '20000');
    assert.equal(await host.getByTestId('notes-home').getAttribute('href'), '/therapist');
    // What the patient confirmed at the start stays with the session's record.
    const safety = host.locator(`[data-testid="safety-person"][data-user-id="${patient.id}"]`);
    await safety.getByTestId('safety-location').waitFor();
    assert.equal((await safety.getByTestId('safety-location').textContent()).trim(), SAFETY.location);
  });

  test('a note is saved, says when, and is there again after a reload', async () => {
    const box = host.getByTestId('notes-text');
    await box.fill(noteText);
    assert.match(await host.getByTestId('notes-count').textContent(), new RegExp(`^${noteText.length} of 20000`));
    await host.getByTestId('notes-save').click();
    assert.match(await shownText(host, 'notes-status'), /^Saved at \d{2}:\d{2}$/);
    assert.equal((await host.getByTestId('notes-save-error').textContent()).trim(), '');
    await host.reload();
    await host.getByTestId('notes-text').waitFor();
    assert.equal(await host.getByTestId('notes-text').inputValue(), noteText);
    // The server holds the same text for its owner.
    const res = await request(srv, 'GET', `/api/rooms/${roomId}/note`, { cookie: therapist.cookie });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.note.text, noteText);
  });

  test('the keyboard reaches the note and Save', async () => {
    await host.getByTestId('notes-text').focus();
    await host.keyboard.press('Tab');
    assert.equal(await host.evaluate(() => document.activeElement?.dataset.testid), 'notes-save');
  });

  test('the patient’s Leave goes home, and the notes page refuses them', async () => {
    await guest.getByTestId('call-leave').click();
    await guest.waitForURL((u) => u.pathname === '/patient');
    await guest.goto(`${srv.url}/notes/${roomId}`);
    const text = await shownText(guest, 'notes-error');
    assert.doesNotMatch(text, new RegExp(noteText.slice(-16)));
    assert.equal(await guest.getByTestId('notes-text').count(), 0);
    assert.equal(await guest.getByTestId('notes-save').count(), 0);
    const res = await request(srv, 'GET', `/api/rooms/${roomId}/note`, { cookie: patient.cookie });
    assert.equal(res.status, 403, res.text);
    assert.doesNotMatch(await guest.locator('body').innerText(), new RegExp(noteText.slice(-16)));
  });

  test('another therapist, a stranger to the room, is refused too', async () => {
    const { page } = await openSignedIn(pages, srv, otherTherapist.cookie, `/notes/${roomId}`);
    await shownText(page, 'notes-error');
    assert.equal(await page.getByTestId('notes-text').count(), 0);
    const res = await request(srv, 'GET', `/api/rooms/${roomId}/note`, { cookie: otherTherapist.cookie });
    assert.equal(res.status, 404, res.text);
    assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(noteText.slice(-16)));
  });

  test('the data directory never holds the note in clear', () => {
    const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
    const files = walk(srv.dataDir);
    assert.ok(files.some((f) => path.basename(f) === 'haven.db'), 'no database file');
    const needle = Buffer.from(noteText);
    for (const f of files) assert.equal(fs.readFileSync(f).indexOf(needle), -1, `note text in ${path.basename(f)}`);
  });

  test('on a phone-sized screen the page does not scroll sideways', async () => {
    const { page } = await openSignedIn(pages, srv, therapist.cookie, `/notes/${roomId}`, { viewport: { width: 375, height: 812 } });
    await page.getByTestId('notes-text').waitFor();
    assert.equal(await page.getByTestId('notes-text').inputValue(), noteText);
    assert.ok((await pageWidth(page)) <= 375, `page is ${await pageWidth(page)} px wide`);
    assert.ok(await page.getByTestId('notes-save').isVisible());
  });

  test('the page asks the browser to confirm leaving only while there are unsaved changes', async () => {
    // The page's beforeunload handler cancels the event (the browser then asks, in its own
    // dialog) while the box differs from the saved note, and lets the page go otherwise.
    const cancels = () =>
      host.evaluate(() => {
        const e = new Event('beforeunload', { cancelable: true });
        window.dispatchEvent(e);
        return e.defaultPrevented;
      });
    assert.equal(await cancels(), false, 'asks to confirm with nothing unsaved');
    await host.getByTestId('notes-text').fill(`${noteText} and more`);
    // The handler follows the box after the page re-renders: poll, never a fixed wait.
    await pollUntil('does not ask with unsaved changes', async () => {
      const c = await cancels();
      return [c === true, c];
    }, { deadlineMs: 10_000, pollMs: 100 });
    assert.equal((await host.getByTestId('notes-status').textContent()).trim(), '', '"Saved" shown for unsaved text');
    await host.getByTestId('notes-save').click();
    assert.match(await shownText(host, 'notes-status'), /^Saved at \d{2}:\d{2}$/);
    await pollUntil('still asks after saving', async () => {
      const c = await cancels();
      return [c === false, c];
    }, { deadlineMs: 10_000, pollMs: 100 });
    const res = await request(srv, 'GET', `/api/rooms/${roomId}/note`, { cookie: therapist.cookie });
    assert.equal(res.json.note.text, `${noteText} and more`);
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
