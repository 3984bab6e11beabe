// "Who has seen my record" on the patient's page (GET /api/me/disclosures): the patient
// sees their own therapist's read and an on-call therapist's emergency access, marked and
// explained; another patient, whose record nobody opened, sees the calm empty state.
// Against the real server and Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LOG_DIR, launchBrowser, logPath, randomHex, recordSensitive, request, startServer } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth } from '../lib/browser-session.mjs';

/** The items shown: [{ emergency, who, role, what, badge }]. */
function shownDisclosures(page) {
  return page.$$eval('[data-testid="disclosure-item"]', (items) =>
    items.map((li) => ({
      emergency: li.getAttribute('data-emergency') === 'true',
      who: li.querySelector('[data-testid="disclosure-who"]')?.textContent.trim(),
      role: li.querySelector('[data-testid="disclosure-role"]')?.textContent.trim(),
      what: li.querySelector('[data-testid="disclosure-what"]')?.textContent.trim(),
      when: li.querySelector('[data-testid="disclosure-when"]')?.textContent.trim(),
      badge: li.querySelector('[data-testid="disclosure-emergency"]')?.textContent.trim() ?? null,
    })),
  );
}

describe('patient: who has seen my record', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let onCall;
  let patient;
  let other;
  const reason = recordSensitive(
    `On call overnight ${randomHex(3)}: the patient phoned in distress and I need their safety plan now.`,
    'break-glass reason',
  );

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'therapist');
    onCall = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'oncall');
    patient = await invitePerson(srv, therapist.cookie, 'patient', 'patient');
    other = await invitePerson(srv, therapist.cookie, 'patient', 'other');
    // The patient's own read is not a disclosure.
    assert.equal((await apiGet(srv, patient.cookie, `/api/patients/${patient.id}`)).status, 200);
    assert.equal((await apiGet(srv, therapist.cookie, `/api/patients/${patient.id}`)).status, 200);
    const grant = await request(srv, 'POST', '/api/break-glass', { cookie: onCall.cookie, body: { patient_id: patient.id, reason } });
    assert.equal(grant.status, 201, `break-glass answered ${grant.status}`);
    assert.equal((await apiGet(srv, onCall.cookie, `/api/patients/${patient.id}`)).status, 200);
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'), { viewport: { width: 375, height: 800 } });
  });

  after(() => closeSuite(pages, browser, srv));

  test('the patient sees their therapist\'s read and the emergency access, marked and explained', async () => {
    const { page } = await openSignedIn(pages, srv, patient.cookie, '/patient');
    const section = page.getByTestId('disclosures');
    await section.getByTestId('disclosure-item').first().waitFor();
    const items = await shownDisclosures(page);
    assert.ok(items.every((d) => d.who !== patient.who.displayName), 'the patient\'s own read is listed');

    const ordinary = items.filter((d) => !d.emergency);
    assert.equal(ordinary.length, 1, JSON.stringify(items));
    assert.equal(ordinary[0].who, therapist.who.displayName);
    assert.equal(ordinary[0].role, 'Therapist');
    assert.equal(ordinary[0].what, 'Opened your record');
    assert.equal(ordinary[0].badge, null);
    assert.notEqual(ordinary[0].when, '–');

    const emergency = items.filter((d) => d.emergency);
    assert.ok(emergency.length >= 1, JSON.stringify(items));
    for (const d of emergency) {
      assert.equal(d.who, onCall.who.displayName);
      assert.equal(d.role, 'Therapist');
      assert.equal(d.badge, 'Emergency access');
      assert.match(d.what, /emergency access/);
    }
    // The emergency access is the newest: it comes first.
    assert.equal(items[0].emergency, true);

    const note = await section.getByTestId('disclosures-emergency-note').textContent();
    assert.match(note, /Emergency access/);
    assert.match(note, /administrators review/);
    assert.ok(!note.includes(reason), 'the clinician\'s reason is shown to the patient');
    assert.equal(await section.getByTestId('disclosures-none').count(), 0);
    assert.ok((await pageWidth(page)) <= 375, `patient page is ${await pageWidth(page)}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'disclosures-375.png'), fullPage: true });
  });

  test('a patient whose record nobody opened sees the empty state', async () => {
    const { page } = await openSignedIn(pages, srv, other.cookie, '/patient');
    const none = page.getByTestId('disclosures-none');
    await none.waitFor();
    assert.equal((await none.textContent()).trim(), 'Only you have opened your record so far.');
    assert.equal(await page.getByTestId('disclosure-item').count(), 0);
    assert.equal(await page.getByTestId('disclosures-emergency-note').count(), 0);
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
