// Appointments in the browser (issue 7): a therapist schedules through the form on
// /therapist a 1:1 starting in a few minutes (Join already open: it opens 15 minutes before
// the start) and a couples session tomorrow; each lands in its list ("Today", "Next 7 days")
// in local time. The patient sees both on /patient with the therapist's name, Join only on
// the first, and Join takes them to /call/<room>. The therapist reschedules tomorrow's and
// cancels it; the calendar file names nobody; a couples session with one person is refused
// in plain words before any request; at 375 px nothing scrolls sideways.
//
// Local time is made predictable, not waited for: every page runs in a fixed-offset zone
// (Etc/GMT±N) where it is now about noon, so "in 6 minutes" and "tomorrow 10:00" never
// cross midnight, and en-GB writes times as 24-hour HH:MM. Nothing asserts how fast.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LOG_DIR, launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, shownText } from '../lib/browser-session.mjs';

/** Whole hours east of UTC that put the pages' clock at about noon now (12:00–12:59): -11 … +12, each an Etc/GMT zone. */
const OFFSET_H = 12 - new Date().getUTCHours();
// Etc/GMT names count the other way round: Etc/GMT-3 is three hours east of UTC.
const ZONE = OFFSET_H === 0 ? 'Etc/GMT' : `Etc/GMT${OFFSET_H > 0 ? '-' : '+'}${Math.abs(OFFSET_H)}`;
const LOCAL = { timezoneId: ZONE, locale: 'en-GB' };

const pad = (n) => String(n).padStart(2, '0');

/** The pages' wall clock for Unix seconds: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
function local(at) {
  const d = new Date((at + OFFSET_H * 3600) * 1000);
  return { date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` };
}

/** Unix seconds of a local date and time in the pages' zone. */
function unixOf(date, time) {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return Date.UTC(y, m - 1, d, hh, mm) / 1000 - OFFSET_H * 3600;
}

/** Tomorrow's local date in the pages' zone. */
function tomorrow() {
  return local(Math.floor(Date.now() / 1000) + 86_400).date;
}

describe('appointments: scheduled by the therapist, joined by the patient', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patient;
  let partner; // the patient's partner, for the couples session
  let tPage; // /therapist
  let soonId = '';
  let couplesId = '';
  let soonStart = 0;
  let cohortId = '';

  const row = (page, id) => page.locator(`[data-testid="appt-item"][data-appointment-id="${id}"]`);
  const text = async (locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  /** Waits until the element with this test id says something matching `re`; answers its text. */
  async function says(page, testId, re) {
    await page.waitForFunction(
      ([id, source]) => new RegExp(source).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
      [testId, re.source],
    );
    return (await page.getByTestId(testId).textContent()).trim();
  }

  /** Fills in the schedule form and sends it; answers the server's answer. */
  async function schedule(page, { kind, date, time, duration, people }) {
    const form = page.getByTestId('appt-schedule');
    await form.getByTestId('appt-kind').selectOption(kind);
    await form.getByTestId('appt-date').fill(date);
    await form.getByTestId('appt-time').fill(time);
    await form.getByTestId('appt-duration').selectOption(String(duration));
    for (const p of people) await form.locator(`[data-testid="appt-person"][data-user-id="${p.id}"]`).check();
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/appointments') && r.request().method() === 'POST');
    await form.getByTestId('appt-schedule-submit').click();
    return answered;
  }

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'appt-therapist');
    // Patients who accept a therapist's invitation join that therapist's caseload team.
    patient = await invitePerson(srv, therapist.cookie, 'patient', 'appt-patient');
    partner = await invitePerson(srv, therapist.cookie, 'patient', 'appt-partner');
    // Both are an IOP cohort of the therapist's caseload team, for the group session.
    const teams = await request(srv, 'GET', '/api/care-teams', { cookie: admin.cookie });
    const team = teams.json.care_teams.find((t) => t.clinicians.includes(therapist.id));
    const cohort = await request(srv, 'POST', '/api/cohorts', { cookie: admin.cookie, body: { name: 'Morning IOP', care_team_id: team.id } });
    cohortId = cohort.json.cohort.id;
    for (const p of [patient, partner]) {
      await request(srv, 'POST', `/api/cohorts/${cohortId}/members`, { cookie: admin.cookie, body: { user_id: p.id, present: true } });
    }
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, ...LOCAL });
  });

  after(() => closeSuite(pages, browser, srv));

  test('a couples session with one person is refused in plain words, before any request', async () => {
    ({ page: tPage } = await openSignedIn(pages, srv, therapist.cookie, '/therapist', { viewport: { width: 1024, height: 800 } }));
    await tPage.getByTestId('appointments').waitFor();
    await tPage.locator(`[data-testid="appt-person"][data-user-id="${partner.id}"]`).waitFor();
    let posted = 0;
    const count = (r) => {
      if (r.url().endsWith('/api/appointments') && r.method() === 'POST') posted++;
    };
    tPage.on('request', count);
    const form = tPage.getByTestId('appt-schedule');
    await form.getByTestId('appt-kind').selectOption('couples');
    assert.match(await text(form.getByTestId('appt-people-hint')), /Choose the two people of the couple/);
    await form.getByTestId('appt-date').fill(tomorrow());
    await form.getByTestId('appt-time').fill('11:00');
    await form.locator(`[data-testid="appt-person"][data-user-id="${patient.id}"]`).check();
    await form.getByTestId('appt-schedule-submit').click();
    assert.equal(await shownText(tPage, 'appt-schedule-error'), 'A couples session is with exactly two people. Choose two people.');
    tPage.off('request', count);
    assert.equal(posted, 0, 'the form sent a couples session with one person');
    await form.locator(`[data-testid="appt-person"][data-user-id="${patient.id}"]`).uncheck();
    const none = await apiGet(srv, therapist.cookie, '/api/appointments');
    assert.equal(none.status, 200, none.text);
    assert.deepEqual(none.json.appointments, []);
  });

  test('the therapist schedules a 1:1 in a few minutes and a couples session tomorrow; each is in its list', async () => {
    // Whole minutes (the time field has no seconds): 5–6 minutes from now, so Join is open.
    soonStart = Math.floor(Date.now() / 60_000) * 60 + 6 * 60;
    const soon = local(soonStart);
    let res = await schedule(tPage, { kind: 'individual', date: soon.date, time: soon.time, duration: 50, people: [patient] });
    assert.equal(res.status(), 201);
    const first = (await res.json()).appointment;
    soonId = first.id;
    // The local date and time typed in are the instant the server stored.
    assert.equal(first.starts_at, soonStart);
    assert.equal(first.duration_minutes, 50);
    assert.deepEqual(first.participant_ids, [patient.id]);
    await says(tPage, 'appts-status', new RegExp(`Session scheduled for today at ${soon.time}\\.`));

    res = await schedule(tPage, { kind: 'couples', date: tomorrow(), time: '10:00', duration: 60, people: [patient, partner] });
    assert.equal(res.status(), 201);
    const second = (await res.json()).appointment;
    couplesId = second.id;
    assert.equal(second.starts_at, unixOf(tomorrow(), '10:00'));
    assert.equal(second.kind, 'couples');

    const today = tPage.getByTestId('appts-today');
    const week = tPage.getByTestId('appts-week');
    await row(today, soonId).waitFor();
    await row(week, couplesId).waitFor();
    assert.equal(await row(today, couplesId).count(), 0);
    assert.equal(await row(week, soonId).count(), 0);

    const end = local(soonStart + 50 * 60).time;
    const a = row(today, soonId);
    assert.equal(await text(a.getByTestId('appt-when')), `Today, ${soon.time}–${end}`);
    assert.equal(await text(a.getByTestId('appt-who')), `1:1 · ${patient.who.displayName}`);
    assert.ok(await a.getByTestId('appt-join').isEnabled(), 'Join is not enabled 6 minutes before the start');
    assert.equal(await a.getByTestId('appt-opens').count(), 0);

    const b = row(week, couplesId);
    assert.equal(await text(b.getByTestId('appt-when')), 'Tomorrow, 10:00–11:00');
    const who = await text(b.getByTestId('appt-who'));
    assert.match(who, /^Couples · /);
    assert.ok(who.includes(patient.who.displayName) && who.includes(partner.who.displayName), `couples row names: ${who}`);
    assert.equal(await b.getByTestId('appt-join').count(), 0);
    assert.equal(await text(b.getByTestId('appt-opens')), 'Opens at 09:45');
    for (const r of [a, b]) {
      assert.equal(await r.getByTestId('appt-cancelled').count(), 0);
      const href = await r.getByTestId('appt-ics').getAttribute('href');
      assert.match(href, /^\/api\/appointments\/[A-Za-z0-9_-]+\/ics$/);
      assert.notEqual(await r.getByTestId('appt-ics').getAttribute('download'), null);
    }
    // The title and address name nobody.
    assert.equal(new URL(tPage.url()).pathname, '/therapist');
    assert.ok(!(await tPage.title()).includes('Robin'), 'a name in the title');
  });

  test('the patient sees both with the therapist’s name; only the first can be joined, and Join opens its call', async () => {
    const { page } = await openSignedIn(pages, srv, patient.cookie, '/patient', { viewport: { width: 375, height: 812 } });
    const list = page.getByTestId('my-appointments');
    await row(list, soonId).waitFor();
    await row(list, couplesId).waitFor();
    const a = row(list, soonId);
    const b = row(list, couplesId);
    assert.equal(await text(a.getByTestId('appt-who')), `1:1 · With ${therapist.who.displayName}`);
    assert.equal(await text(b.getByTestId('appt-who')), `Couples · With ${therapist.who.displayName}`);
    assert.equal(await text(b.getByTestId('appt-when')), 'Tomorrow, 10:00–11:00');
    // A patient is shown no other patient's name, and cannot change the session.
    assert.ok(!(await text(list)).includes(partner.who.displayName), 'the partner is named on the patient’s page');
    assert.equal(await list.getByTestId('appt-reschedule').count(), 0);
    assert.equal(await list.getByTestId('appt-cancel').count(), 0);
    assert.ok(await a.getByTestId('appt-join').isEnabled());
    assert.equal(await b.getByTestId('appt-join').count(), 0);
    assert.equal(await text(b.getByTestId('appt-opens')), 'Opens at 09:45');
    assert.ok((await pageWidth(page)) <= 375, `/patient is ${await pageWidth(page)}px wide at 375px`);
    await page.screenshot({ path: path.join(LOG_DIR, 'appointments-patient-375.png'), fullPage: true });

    const joined = page.waitForResponse((r) => r.url().endsWith(`/api/appointments/${soonId}/join`));
    await a.getByTestId('appt-join').click();
    const res = await joined;
    assert.equal(res.status(), 200);
    const roomId = (await res.json()).room_id;
    assert.match(roomId, /^[A-Za-z0-9_-]{1,64}$/);
    await page.waitForURL((u) => u.pathname === `/call/${roomId}`);
    await page.close();
  });

  test('the therapist reschedules tomorrow’s session: the row shows the new time', async () => {
    const r = row(tPage.getByTestId('appts-week'), couplesId);
    await r.getByTestId('appt-reschedule').click();
    const form = r.getByTestId('appt-reschedule-form');
    await form.waitFor();
    // The form opens on the current time, with the first field focused.
    assert.equal(await form.getByTestId('appt-reschedule-date').inputValue(), tomorrow());
    assert.equal(await form.getByTestId('appt-reschedule-time').inputValue(), '10:00');
    assert.equal(await form.getByTestId('appt-reschedule-duration').inputValue(), '60');
    assert.equal(await tPage.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'appt-reschedule-date');
    await form.getByTestId('appt-reschedule-time').fill('15:30');
    await form.getByTestId('appt-reschedule-duration').selectOption('45');
    const answered = tPage.waitForResponse((x) => x.url().endsWith(`/api/appointments/${couplesId}/reschedule`));
    await form.getByTestId('appt-reschedule-save').click();
    const res = await answered;
    assert.equal(res.status(), 200);
    await says(tPage, 'appts-status', /Session moved to tomorrow at 15:30\./);
    const moved = row(tPage.getByTestId('appts-week'), couplesId);
    await tPage.waitForFunction(
      (id) => document.querySelector(`[data-appointment-id="${id}"] [data-testid="appt-when"]`)?.textContent === 'Tomorrow, 15:30–16:15',
      couplesId,
    );
    assert.equal(await text(moved.getByTestId('appt-opens')), 'Opens at 15:15');
    const listed = (await apiGet(srv, therapist.cookie, '/api/appointments')).json.appointments.find((x) => x.id === couplesId);
    assert.equal(listed.starts_at, unixOf(tomorrow(), '15:30'));
    assert.equal(listed.duration_minutes, 45);
  });

  test('cancelling asks first; "Keep it" changes nothing; then it shows Cancelled with Join gone', async () => {
    const r = row(tPage.getByTestId('appts-week'), couplesId);
    let posted = 0;
    const count = (q) => {
      if (q.url().endsWith(`/api/appointments/${couplesId}/cancel`)) posted++;
    };
    tPage.on('request', count);
    await r.getByTestId('appt-cancel').focus();
    await tPage.keyboard.press('Enter');
    await r.getByTestId('appt-cancel-confirm').waitFor();
    assert.match(await text(r.getByTestId('appt-cancel-confirm')), /Cancel this session\? Everyone invited sees it as cancelled/);
    await tPage.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'appt-cancel-yes');
    await r.getByTestId('appt-cancel-back').click();
    await tPage.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'appt-cancel');
    tPage.off('request', count);
    assert.equal(posted, 0, 'Keep it cancelled the session');

    await r.getByTestId('appt-cancel').click();
    const answered = tPage.waitForResponse((x) => x.url().endsWith(`/api/appointments/${couplesId}/cancel`));
    await r.getByTestId('appt-cancel-yes').click();
    assert.equal((await answered).status(), 200);
    await tPage.locator(`[data-appointment-id="${couplesId}"][data-status="cancelled"]`).waitFor();
    assert.equal(await text(r.getByTestId('appt-cancelled')), 'Cancelled');
    for (const gone of ['appt-join', 'appt-opens', 'appt-reschedule', 'appt-cancel', 'appt-ics']) {
      assert.equal(await r.getByTestId(gone).count(), 0, `${gone} is still shown on a cancelled session`);
    }
    await says(tPage, 'appts-status', /Session cancelled\./);

    // The patient sees it cancelled too, with no way to join.
    const { page } = await openSignedIn(pages, srv, patient.cookie, '/patient', { viewport: { width: 375, height: 812 } });
    const p = row(page.getByTestId('my-appointments'), couplesId);
    await page.locator(`[data-appointment-id="${couplesId}"][data-status="cancelled"]`).waitFor();
    assert.equal(await text(p.getByTestId('appt-cancelled')), 'Cancelled');
    assert.equal(await p.getByTestId('appt-join').count(), 0);
    await page.close();
  });

  test('Add to calendar downloads a calendar that names nobody', async () => {
    const r = row(tPage.getByTestId('appts-today'), soonId);
    const [download] = await Promise.all([tPage.waitForEvent('download'), r.getByTestId('appt-ics').click()]);
    const raw = await fs.readFile(await download.path(), 'utf8');
    // Unfold RFC 5545 continuation lines before looking for names.
    const ics = raw.replace(/\r?\n[ \t]/g, '');
    assert.match(ics, /BEGIN:VCALENDAR/);
    assert.match(ics, /SUMMARY:Haven video session/);
    for (const who of [patient, partner, therapist]) {
      assert.ok(!ics.includes(who.who.displayName), 'the calendar file holds a name');
      assert.ok(!ics.toLowerCase().includes(who.who.email.toLowerCase()), 'the calendar file holds an email address');
    }
    // The page stayed where it was: a download is not an in-app navigation.
    assert.equal(new URL(tPage.url()).pathname, '/therapist');
  });

  test('a group session for an IOP cohort: choosing the cohort ticks its patients, and the session is the cohort’s', async () => {
    const form = tPage.getByTestId('appt-schedule');
    assert.equal(await form.getByTestId('appt-cohort').count(), 0, 'a cohort is offered for a 1:1');
    await form.getByTestId('appt-kind').selectOption('group');
    await form.getByTestId('appt-cohort').selectOption({ label: 'Morning IOP' });
    for (const p of [patient, partner]) {
      assert.equal(await form.locator(`[data-testid="appt-person"][data-user-id="${p.id}"]`).isChecked(), true, 'the cohort’s patient is not ticked');
    }
    await form.getByTestId('appt-date').fill(tomorrow());
    await form.getByTestId('appt-time').fill('16:00');
    await form.getByTestId('appt-duration').selectOption('90');
    const answered = tPage.waitForResponse((r) => r.url().endsWith('/api/appointments') && r.request().method() === 'POST');
    await form.getByTestId('appt-schedule-submit').click();
    const res = await answered;
    assert.equal(res.status(), 201);
    const made = (await res.json()).appointment;
    assert.equal(made.cohort_id, cohortId);
    assert.deepEqual(new Set(made.participant_ids), new Set([patient.id, partner.id]));
    await row(tPage, made.id).waitFor();
  });

  test('the therapist’s page fits a 375 × 812 screen without sideways scrolling', async () => {
    const { page } = await openSignedIn(pages, srv, therapist.cookie, '/therapist', { viewport: { width: 375, height: 812 } });
    await row(page.getByTestId('appts-today'), soonId).waitFor();
    await page.getByTestId('appt-schedule').waitFor();
    // With the reschedule form open too: its fields wrap instead of widening the page.
    await row(page.getByTestId('appts-today'), soonId).getByTestId('appt-reschedule').click();
    await page.getByTestId('appt-reschedule-form').waitFor();
    assert.ok((await pageWidth(page)) <= 375, `/therapist is ${await pageWidth(page)}px wide at 375px`);
    await page.getByTestId('appointments').screenshot({ path: path.join(LOG_DIR, 'appointments-therapist-375.png') });
    await page.getByTestId('appt-reschedule-back').click();
  });

  test('no page broke the CSP or threw', () => {
    assertCleanPages(pages.records);
  });
});
