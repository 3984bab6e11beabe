// Accessibility sweep (issue 7 item 10, "Accessibility and mobile"): every page a person
// lands on — signed out, each role's home, the account and audit pages, a one-time link
// that does not work, the guest page, the pre-join step and the notes page — at desktop
// width and at 375 × 812, with axe-core finding no serious or critical violation, and no
// page wider than the screen on a phone. The call page itself is checked in the
// waiting-room, speaker-layout and guest tests, where the call is running.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertAccessible } from '../lib/axe.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth } from '../lib/browser-session.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';

describe('accessibility of every landing page', () => {
  let srv;
  let browser;
  let pages;
  const people = {};
  let roomId = '';

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    people.admin = await enrollAdminWithTotp(srv);
    people.therapist = await invitePersonWithTotp(srv, people.admin.cookie, 'therapist', 'a11y-therapist');
    people.patient = await invitePerson(srv, people.therapist.cookie, 'patient', 'a11y-patient');
    // Something on each list: an appointment (today), a room, so rows and their buttons are checked too.
    const appt = await request(srv, 'POST', '/api/appointments', {
      cookie: people.therapist.cookie,
      body: { kind: 'individual', starts_at: Math.floor(Date.now() / 1000) + 600, duration_minutes: 50, participant_ids: [people.patient.id] },
    });
    assert.equal(appt.status, 201, appt.text);
    const room = await request(srv, 'POST', '/api/rooms', { cookie: people.therapist.cookie, body: { participant_ids: [people.patient.id] } });
    assert.equal(room.status, 201, room.text);
    roomId = room.json.room.id;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false });
  });

  after(() => closeSuite(pages, browser, srv));

  // [who (or null: signed out), path, a test id that shows the page is ready]
  const PAGES = [
    [null, '/signin', 'signin-email'],
    [null, '/invite#token=not-a-real-token', 'invite-invalid'],
    [null, '/guest', 'guest-invalid'],
    ['admin', '/admin', 'user-name'],
    ['admin', '/admin/audit', 'user-name'],
    ['therapist', '/therapist', 'appt-item'],
    ['patient', '/patient', 'appt-item'],
    ['patient', '/account', 'user-name'],
    ['patient', () => `/call/${roomId}`, 'prejoin-join'],
    ['therapist', () => `/notes/${roomId}`, 'user-name'],
  ];

  for (const [width, height] of [
    [1024, 800],
    [375, 812],
  ]) {
    test(`no serious or critical axe violation at ${width} px`, async () => {
      for (const [who, target, ready] of PAGES) {
        const path = typeof target === 'function' ? target() : target;
        const where = `${path.split('#')[0]} (${who ?? 'signed out'}, ${width} px)`;
        const viewport = { width, height };
        const { page } = who ? await openSignedIn(pages, srv, people[who].cookie, path, { viewport }) : await pages.open({ viewport });
        if (!who) await page.goto(`${srv.url}${path}`);
        await page.getByTestId(ready).first().waitFor({ timeout: 30_000 });
        await assertAccessible(page, where);
        if (width === 375) {
          const scroll = await pageWidth(page);
          assert.ok(scroll <= width, `${where} is wider than the screen: ${scroll} px`);
        }
        await page.close();
      }
      assertCleanPages(pages.records);
    });
  }
});
