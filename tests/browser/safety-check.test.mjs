// The safety check at the start of a session (docs/SESSIONS.md "Safety check at the start"),
// in Chromium: a patient on a 375 px phone must give where they are and an emergency contact
// before Join works, by keyboard; they wait; the therapist sees it beside them in the waiting
// room before admitting, and in the call's Safety check panel, where someone who has not
// confirmed yet says so; a second patient's arrival refreshes it; next time the contact is
// prefilled and the location is not. axe-core finds nothing serious, also at 375 px.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertAccessible } from '../lib/axe.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, pollUntil, shownText } from '../lib/browser-session.mjs';
import { admitFromLobby, enterCall, SAFETY, waitInLobby } from '../lib/call-page.mjs';
import { LOG_DIR, launchTrustingBrowser, logPath, recordSensitive, request, startServer } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 60_000, pollMs: 500 });
const PHONE = { width: 375, height: 812 };
/** Toggles a checkbox from the keyboard (a click can miss while the preview settles the layout). */
const toggle = async (page, box) => {
  await box.focus();
  await page.keyboard.press('Space');
};
/** The text of the element with this test id inside `scope` (a row or a panel). */
const textIn = async (scope, testId) => {
  const el = scope.getByTestId(testId);
  await el.waitFor();
  return (await el.textContent()).trim();
};
const MINE = {
  location: recordSensitive('Top floor, 8 Wrenfield Crescent, Alderby', 'safety location a'),
  contactName: recordSensitive('Morgan Keepsafe', 'safety contact a'),
  contactPhone: recordSensitive('07700 900123', 'safety phone a'),
};

describe('safety check at the start', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let alice;
  let bob;
  let roomId = '';
  let alicePage;
  let host;

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'safety-therapist');
    alice = await invitePerson(srv, therapist.cookie, 'patient', 'safety-alice');
    bob = await invitePerson(srv, therapist.cookie, 'patient', 'safety-bob');
    const room = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [alice.id, bob.id] } });
    assert.equal(room.status, 201, room.text);
    roomId = room.json.room.id;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 800 } });
  });

  after(() => closeSuite(pages, browser, srv));

  test('on a phone, Join waits for the location and an emergency contact; all by keyboard', async () => {
    const { page } = await openSignedIn(pages, srv, alice.cookie, `/call/${roomId}`, { viewport: PHONE });
    const join = page.getByTestId('prejoin-join');
    await join.waitFor();
    await page.getByTestId('prejoin-safety').waitFor();
    // Nothing to prefill the first time.
    assert.equal(await page.getByTestId('prejoin-contact-name').inputValue(), '');
    for (const box of await page.getByTestId('prejoin-check').all()) await toggle(page, box);
    assert.equal(await page.getByTestId('prejoin-check-count').textContent(), 'All set. Thank you.');
    assert.equal(await join.isDisabled(), true, 'Join enabled without the safety check');
    assert.match(await shownText(page, 'prejoin-join-hint'), /where you are right now/);

    // Labelled fields, filled from the keyboard.
    await page.getByLabel('Where are you right now?').focus();
    await page.keyboard.type(MINE.location);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    assert.equal(await page.getByTestId('prejoin-location-here').isChecked(), true);
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type(MINE.contactName);
    await page.keyboard.press('Tab');
    await page.keyboard.type('call my sister');
    assert.equal(await join.isDisabled(), true, 'Join enabled with a phone number nobody can dial');
    assert.equal(await page.getByTestId('prejoin-contact-phone').getAttribute('aria-invalid'), 'true');
    await page.getByTestId('prejoin-contact-phone').fill('');
    await page.keyboard.type(MINE.contactPhone);
    assert.equal(await join.isDisabled(), false);
    // Unticking "This is where I am now" takes Join away again.
    await toggle(page, page.getByTestId('prejoin-location-here'));
    assert.equal(await join.isDisabled(), true);
    await toggle(page, page.getByTestId('prejoin-location-here'));
    assert.equal(await join.isDisabled(), false);

    assert.ok((await pageWidth(page)) <= 375, `pre-join is ${await pageWidth(page)}px wide at 375`);
    await assertAccessible(page, 'the pre-join with the safety check at 375 px');
    await page.screenshot({ path: path.join(LOG_DIR, 'safety-prejoin-375.png'), fullPage: true });
    await join.focus();
    await page.keyboard.press('Enter');
    await waitInLobby(page);
    alicePage = page;
  });

  test('the therapist sees it beside the waiting person, and in the call', async () => {
    const { page } = await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`);
    await enterCall(page); // the therapist is not asked
    host = page;
    const row = page.locator(`[data-testid="lobby-person"][data-user-id="${alice.id}"]`);
    await row.waitFor({ timeout: 60_000 });
    assert.equal(await textIn(row, 'safety-location'), MINE.location);
    assert.equal(await textIn(row, 'safety-contact'), `${MINE.contactName}, ${MINE.contactPhone}`);

    const panel = page.getByTestId('safety-panel');
    const person = (id) => panel.locator(`[data-testid="safety-person"][data-user-id="${id}"]`);
    await person(alice.id).waitFor();
    assert.equal(await textIn(person(alice.id), 'safety-location'), MINE.location);
    // Bob has not come, nor confirmed: the panel says so.
    assert.match(await textIn(person(bob.id), 'safety-missing'), /Not confirmed yet/);
    await until('the panel never counted one of two', async () => {
      const text = await shownText(page, 'safety-status');
      return [/^1 of 2 confirmed/.test(text), text];
    });
    await assertAccessible(page, "the host's call page with the waiting room and the safety check");
    await page.screenshot({ path: path.join(LOG_DIR, 'safety-host.png'), fullPage: true });

    await admitFromLobby(page, alice.id);
    await alicePage.getByTestId('call-self-video').waitFor({ timeout: 60_000 });
    assert.equal(await textIn(person(alice.id), 'safety-location'), MINE.location);
  });

  test('a second patient arriving refreshes it, and the host page fits a phone', async () => {
    const { page } = await openSignedIn(pages, srv, bob.cookie, `/call/${roomId}`);
    await enterCall(page); // fills the shared test answers (tests/lib/call-page.mjs)
    await waitInLobby(page);
    const row = host.locator(`[data-testid="lobby-person"][data-user-id="${bob.id}"]`);
    await row.waitFor({ timeout: 60_000 });
    await until('the waiting row never showed the location', async () => {
      const shown = await row.getByTestId('safety-location').count();
      return [shown === 1, shown];
    });
    assert.equal(await textIn(row, 'safety-location'), SAFETY.location);
    await until('the panel never counted two', async () => {
      const text = await shownText(host, 'safety-status');
      return [/^2 of 2 confirmed/.test(text), text];
    });
    await host.setViewportSize(PHONE);
    assert.ok((await pageWidth(host)) <= 375, `the host's page is ${await pageWidth(host)}px wide at 375`);
    await assertAccessible(host, "the host's call page at 375 px");
    await host.screenshot({ path: path.join(LOG_DIR, 'safety-host-375.png'), fullPage: true });
    await admitFromLobby(host, bob.id);
  });

  test('next time the emergency contact is prefilled and the location is asked again', async () => {
    const { page } = await openSignedIn(pages, srv, alice.cookie, `/call/${roomId}`);
    await page.getByTestId('prejoin-safety').waitFor();
    const name = page.getByTestId('prejoin-contact-name');
    await until('the contact was never prefilled', async () => {
      const v = await name.inputValue();
      return [v === MINE.contactName, v];
    });
    assert.equal(await page.getByTestId('prejoin-contact-phone').inputValue(), MINE.contactPhone);
    assert.match(await shownText(page, 'prejoin-contact-hint'), /From your last session/);
    assert.equal(await page.getByTestId('prejoin-location').inputValue(), '');
    assert.equal(await page.getByTestId('prejoin-location-here').isChecked(), false);
    await page.close();
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
