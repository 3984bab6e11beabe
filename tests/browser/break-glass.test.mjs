// Emergency (break-glass) access in the browser: a therapist with two-step verification
// asks for the record of a patient outside their care teams by email with a reason and
// sees it flagged as emergency access; a too-short reason or an unknown email creates
// nothing; the admin sees the access, still active, in the review list. Against the real
// server and Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LOG_DIR, launchBrowser, logPath, randomHex, recordSensitive, startServer } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, shownText, useSession } from '../lib/browser-session.mjs';

describe('break-glass: emergency access and its review', () => {
  let srv;
  let browser;
  let pages;
  let admin;
  let inviter; // the patient's own therapist
  let clinician; // therapist with TOTP, outside the patient's care team
  let patient;
  let page; // the clinician's page
  const posts = []; // POST /api/break-glass requests the clinician's page sent
  const reason = recordSensitive(
    `Patient called the crisis line at night ${randomHex(3)}; their therapist is away and I need the safety plan.`,
    'break-glass reason',
  );

  const reviewCount = async () => {
    const res = await apiGet(srv, admin.cookie, '/api/break-glass');
    assert.equal(res.status, 200);
    return res.json.break_glass.length;
  };

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    admin = await enrollAdminWithTotp(srv);
    // Therapists need two-step verification before they invite a patient.
    inviter = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'inviter');
    clinician = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'clinician');
    patient = await invitePerson(srv, inviter.cookie, 'patient');
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'));
    const opened = await pages.open({ viewport: { width: 375, height: 740 } });
    await useSession(opened.ctx, srv, clinician.cookie);
    page = opened.page;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/break-glass')) posts.push(r.url());
    });
    await page.goto(`${srv.url}/therapist`);
    await page.getByTestId('emergency-access').waitFor();
  });

  after(() => closeSuite(pages, browser, srv));

  test('the patient is outside the clinician\'s care teams', async () => {
    await page.getByTestId('my-patients-none').waitFor();
    const res = await apiGet(srv, clinician.cookie, `/api/patients/${patient.id}`);
    assert.equal(res.status, 403);
  });

  test('the form says the access is recorded and reviewed', async () => {
    const text = await page.getByTestId('emergency-access').textContent();
    assert.match(text, /recorded and reviewed/);
    assert.match(text, /20 to 500 characters/);
    assert.ok((await pageWidth(page)) <= 375, `therapist page is ${await pageWidth(page)}px wide`);
  });

  test('a too-short reason shows an error and creates nothing', async () => {
    const short = recordSensitive(`Urgent ${randomHex(2)}`, 'short break-glass reason');
    await page.getByTestId('emergency-email').fill(patient.who.email);
    await page.getByTestId('emergency-reason').fill(short);
    await page.getByTestId('emergency-submit').click();
    assert.match(await shownText(page, 'emergency-error'), /at least 20 characters/);
    assert.equal(new URL(page.url()).pathname, '/therapist');
    assert.deepEqual(posts, [], 'the short reason was sent');
    assert.equal(await reviewCount(), 0);
    await page.screenshot({ path: path.join(LOG_DIR, 'break-glass-short-reason-375.png'), fullPage: true });
  });

  test('an email no patient has shows an error and creates nothing', async () => {
    const unknown = recordSensitive(`nobody-${randomHex(4)}@clinic.example`, 'unknown patient email');
    await page.getByTestId('emergency-email').fill(unknown);
    await page.getByTestId('emergency-reason').fill(reason);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/break-glass'));
    await page.getByTestId('emergency-submit').click();
    assert.equal((await answered).status(), 404);
    await page.waitForFunction(() => /No patient of this practice/.test(document.querySelector('[data-testid="emergency-error"]')?.textContent ?? ''));
    assert.equal(new URL(page.url()).pathname, '/therapist');
    assert.equal(await reviewCount(), 0);
  });

  test('with the patient\'s email and a reason the record opens, flagged as emergency access', async () => {
    await page.getByTestId('emergency-email').fill(patient.who.email);
    await page.getByTestId('emergency-reason').fill(reason);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/break-glass'));
    await page.getByTestId('emergency-submit').click();
    const res = await answered;
    assert.equal(res.status(), 201, `break-glass answered ${res.status()}: ${await res.text()}`);
    assert.deepEqual(JSON.parse(res.request().postData()), { patient_email: patient.who.email, reason });
    assert.equal((await res.json()).break_glass.patient_id, patient.id);

    await page.waitForURL((u) => u.pathname === `/patients/${patient.id}`);
    const url = page.url();
    assert.ok(!url.includes(patient.who.email) && !url.includes(encodeURIComponent(patient.who.email)), 'email in the URL');
    await page.getByTestId('patient-name').waitFor();
    assert.equal((await page.getByTestId('patient-name').textContent()).trim(), patient.who.displayName);
    assert.match(await page.getByTestId('patient-break-glass').textContent(), /emergency access/);
    assert.ok((await pageWidth(page)) <= 375, `record page is ${await pageWidth(page)}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'break-glass-record-375.png'), fullPage: true });
    assert.equal(await reviewCount(), 1);
  });

  test('the admin sees the access, still active, in the review list', async () => {
    const { page: adminPage } = await openSignedIn(pages, srv, admin.cookie, '/admin', { viewport: { width: 1280, height: 900 } });
    const item = adminPage.getByTestId('break-glass-item');
    await item.waitFor();
    assert.equal(await item.count(), 1);
    assert.equal(await item.getAttribute('data-active'), 'true');
    await item.getByTestId('bg-active').waitFor();
    assert.equal((await item.getByTestId('bg-who').textContent()).trim(), clinician.who.displayName);
    assert.equal((await item.getByTestId('bg-patient').textContent()).trim(), patient.who.displayName);
    assert.equal((await item.getByTestId('bg-reason').textContent()).trim(), reason);
    assert.notEqual((await item.getByTestId('bg-when').textContent()).trim(), '–');
    await adminPage.screenshot({ path: path.join(LOG_DIR, 'admin-break-glass-review.png'), fullPage: true });
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
