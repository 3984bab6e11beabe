// Care teams and IOP cohorts in the browser: an admin creates a care team, adds and
// removes members, creates a cohort on it and adds a patient; a therapist of that team
// (with two-step verification) then sees the patient in "My patients", opens the record,
// and sees the cohort. Against the real server and Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LOG_DIR, launchBrowser, logPath, randomHex, recordSensitive, startServer } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, useSession } from '../lib/browser-session.mjs';

describe('care teams and cohorts', () => {
  let srv;
  let browser;
  let pages;
  let admin;
  let inviter; // therapist who invites the patient (the patient joins their caseload team)
  let clinician; // therapist with TOTP, in no team with the patient at first
  let noMfa; // therapist without two-step verification
  let patient;
  let adminPage;
  let teamId = '';
  let cohortId = '';
  const teamName = recordSensitive(`Harbor team ${randomHex(3)}`, 'care team name');
  const cohortName = recordSensitive(`Evening IOP ${randomHex(3)}`, 'cohort name');

  const team = (page) => page.locator(`[data-testid="care-team"][data-team-id="${teamId}"]`);

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    admin = await enrollAdminWithTotp(srv);
    // Therapists need two-step verification before they invite a patient.
    inviter = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'inviter');
    noMfa = await invitePerson(srv, admin.cookie, 'therapist', 'no-mfa');
    clinician = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'clinician');
    patient = await invitePerson(srv, inviter.cookie, 'patient');
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'));
    const { page } = await openSignedIn(pages, srv, admin.cookie, '/admin', { viewport: { width: 1280, height: 900 } });
    await page.getByTestId('care-teams').waitFor();
    adminPage = page;
  });

  after(() => closeSuite(pages, browser, srv));

  test('before: the clinician has no patients', async () => {
    const res = await apiGet(srv, clinician.cookie, '/api/patients');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.patients, []);
  });

  test('the admin creates a care team', async () => {
    const page = adminPage;
    await page.getByTestId('care-team-name').fill(teamName);
    const created = page.waitForResponse((r) => r.url().endsWith('/api/care-teams') && r.request().method() === 'POST');
    await page.getByTestId('care-team-create').click();
    const res = await created;
    assert.equal(res.status(), 201);
    teamId = (await res.json()).care_team.id;
    await team(page).waitFor();
    assert.equal((await team(page).getByTestId('care-team-title').textContent()).trim(), teamName);
    assert.equal(await page.getByTestId('care-team-name').inputValue(), '', 'name left in the field');
    assert.equal(await team(page).getByTestId('team-clinician').count(), 0);
  });

  test('the admin adds two therapists and a patient by name, and removes one therapist', async () => {
    const page = adminPage;
    const add = async (userId) => {
      const select = team(page).getByTestId('team-select');
      const labels = await select.locator('option').allTextContents();
      assert.ok(!labels.some((l) => l.includes(admin.who.displayName)), 'admins offered as members');
      await select.selectOption(userId);
      const done = page.waitForResponse((r) => r.url().endsWith(`/api/care-teams/${teamId}/members`));
      await team(page).getByTestId('team-add').click();
      assert.equal((await done).status(), 200);
    };
    await add(clinician.id);
    await add(inviter.id);
    await add(patient.id);
    const clinicians = team(page).getByTestId('team-clinician');
    await team(page).locator(`[data-testid="team-patient"][data-user-id="${patient.id}"]`).waitFor();
    assert.equal(await clinicians.count(), 2);
    assert.equal((await team(page).locator(`[data-testid="team-patient"]`).textContent()).includes(patient.who.displayName), true);
    assert.match(await clinicians.allTextContents().then((t) => t.join('|')), new RegExp(clinician.who.displayName));

    const removed = page.waitForResponse((r) => r.url().endsWith(`/api/care-teams/${teamId}/members`));
    await team(page).locator(`[data-testid="team-clinician"][data-user-id="${inviter.id}"]`).getByTestId('team-clinician-remove').click();
    const res = await removed;
    assert.equal(res.status(), 200);
    assert.deepEqual(JSON.parse(res.request().postData()), { user_id: inviter.id, present: false });
    await page.waitForFunction(
      (id) => document.querySelectorAll(`[data-team-id="${id}"] [data-testid="team-clinician"]`).length === 1,
      teamId,
    );
    const teams = await apiGet(srv, admin.cookie, '/api/care-teams');
    const stored = teams.json.care_teams.find((t) => t.id === teamId);
    assert.deepEqual(stored.clinicians, [clinician.id]);
    assert.deepEqual(stored.patients, [patient.id]);
  });

  test('the admin creates a cohort on the team and adds the patient', async () => {
    const page = adminPage;
    await page.getByTestId('cohort-name').fill(cohortName);
    await page.getByTestId('cohort-team-select').selectOption(teamId);
    const created = page.waitForResponse((r) => r.url().endsWith('/api/cohorts') && r.request().method() === 'POST');
    await page.getByTestId('cohort-create').click();
    const res = await created;
    assert.equal(res.status(), 201, `cohort answered ${res.status()}: ${await res.text()}`);
    assert.deepEqual(JSON.parse(res.request().postData()), { name: cohortName, care_team_id: teamId });
    cohortId = (await res.json()).cohort.id;
    const cohort = page.locator(`[data-testid="cohort"][data-cohort-id="${cohortId}"]`);
    await cohort.waitFor();
    assert.equal((await cohort.getByTestId('cohort-title').textContent()).trim(), cohortName);
    assert.match(await cohort.getByTestId('cohort-team').textContent(), new RegExp(teamName));

    const options = await cohort.getByTestId('cohort-select').locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(options, [patient.id], 'only patients can join a cohort');
    const added = page.waitForResponse((r) => r.url().endsWith(`/api/cohorts/${cohortId}/members`));
    await cohort.getByTestId('cohort-add').click();
    assert.equal((await added).status(), 200);
    const member = cohort.locator(`[data-testid="cohort-patient"][data-user-id="${patient.id}"]`);
    await member.waitFor();
    assert.match(await member.textContent(), new RegExp(patient.who.displayName));
    await page.screenshot({ path: path.join(LOG_DIR, 'admin-care-teams.png'), fullPage: true });
  });

  test('the clinician sees the patient in My patients, opens the record, then sees the cohort', async () => {
    const { page } = await openSignedIn(pages, srv, clinician.cookie, '/therapist', { viewport: { width: 1280, height: 900 } });
    const item = page.locator(`[data-testid="patient-item"][data-patient-id="${patient.id}"]`);
    await item.waitFor();
    assert.equal(await page.getByTestId('patient-item').count(), 1);
    assert.equal((await item.textContent()).trim(), patient.who.displayName);
    assert.equal(await page.getByTestId('mfa-nudge').count(), 0);

    await item.getByTestId('patient-link').click();
    await page.waitForURL((u) => u.pathname === `/patients/${patient.id}`);
    const url = page.url();
    assert.ok(!url.includes(patient.who.email) && !url.includes(encodeURIComponent(patient.who.email)), 'email in the URL');
    assert.ok(!url.includes(encodeURIComponent(patient.who.displayName)), 'name in the URL');
    await page.getByTestId('patient-name').waitFor();
    assert.equal((await page.getByTestId('patient-name').textContent()).trim(), patient.who.displayName);
    assert.equal((await page.getByTestId('patient-email').textContent()).trim(), patient.who.email);
    assert.equal(await page.getByTestId('patient-break-glass').count(), 0, 'a team member read shown as emergency access');
    assert.ok(!(await page.title()).includes(patient.who.displayName), 'name in the title');
    await page.getByTestId('patient-back').click();
    await page.waitForURL((u) => u.pathname === '/therapist');
    await page.getByTestId('patient-item').waitFor();
    const cohort = page.locator(`[data-testid="my-cohort"][data-cohort-id="${cohortId}"]`);
    await cohort.waitFor();
    assert.equal((await cohort.getByTestId('my-cohort-title').textContent()).trim(), cohortName);
    assert.equal((await cohort.getByTestId('my-cohort-patient').textContent()).trim(), patient.who.displayName);
    await page.screenshot({ path: path.join(LOG_DIR, 'therapist-my-patients.png'), fullPage: true });
  });

  test('a therapist without two-step verification gets the nudge instead of patients', async () => {
    const { ctx, page } = await pages.open({ viewport: { width: 375, height: 740 } });
    await useSession(ctx, srv, noMfa.cookie);
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/patients'));
    await page.goto(`${srv.url}/therapist`);
    const res = await refused;
    assert.equal(res.status(), 403);
    assert.equal((await res.json()).error.code, 'mfa_required');
    await page.getByTestId('mfa-nudge').waitFor();
    assert.equal(await page.getByTestId('mfa-nudge').count(), 1);
    assert.equal(await page.getByTestId('my-patients').count(), 0);
    assert.ok((await pageWidth(page)) <= 375, `therapist page is ${await pageWidth(page)}px wide`);
  });

  test('at 375 px the admin and therapist pages do not scroll sideways', async () => {
    for (const [cookie, where, ready] of [
      [admin.cookie, '/admin', `[data-testid="cohort"][data-cohort-id="${cohortId}"]`],
      [clinician.cookie, '/therapist', '[data-testid="patient-item"]'],
    ]) {
      const { page } = await openSignedIn(pages, srv, cookie, where, { viewport: { width: 375, height: 740 } });
      await page.locator(ready).waitFor();
      assert.ok((await pageWidth(page)) <= 375, `${where} is ${await pageWidth(page)}px wide`);
      await page.screenshot({ path: path.join(LOG_DIR, `care-teams${where.replace('/', '-')}-375.png`), fullPage: true });
    }
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
