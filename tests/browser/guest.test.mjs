// Guests (docs/SESSIONS.md "Guests"), the way people use them: the therapist makes a guest
// link and code on an appointment; the guest opens the link in a browser that has never
// signed in to Haven, types a wrong code and then the right one, sees their session, joins,
// and waits as an *unverified guest*; the therapist admits them; both decode each other's
// video in the same encrypted group, and the guest is listed as an unverified guest. The
// link does not work twice. Everything is polled until a generous deadline; nothing here
// asserts how fast.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pollUntil, shownText } from '../lib/browser-session.mjs';
import { assertAccessible } from '../lib/axe.mjs';
import { admitFromLobby, callState, enterCall, waitInLobby } from '../lib/call-page.mjs';
import { launchTrustingBrowser, logPath, recordSensitive, request, startServer, tokenOf } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 90_000, pollMs: 500 });

describe('a guest joins with a link and a code', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let appointment;
  let host;
  let guestPage;
  let link = '';
  let code = '';
  let guestId = '';

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'guest-therapist');
    const patient = await invitePerson(srv, therapist.cookie, 'patient', 'guest-patient');
    const startsAt = Math.floor(Date.now() / 1000) + 600;
    const made = await request(srv, 'POST', '/api/appointments', {
      cookie: therapist.cookie,
      body: { kind: 'individual', starts_at: startsAt, duration_minutes: 50, participant_ids: [patient.id] },
    });
    assert.equal(made.status, 201, made.text);
    appointment = made.json.appointment;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 800 } });
  });

  after(() => closeSuite(pages, browser, srv));

  test('the therapist makes a guest link and a code on the appointment', async () => {
    host = (await openSignedIn(pages, srv, therapist.cookie, '/therapist')).page;
    const row = host.locator(`[data-testid="appt-item"][data-appointment-id="${appointment.id}"]`);
    await row.getByTestId('appt-guests-open').click();
    await row.getByTestId('appt-guest-name').fill('Sam Partner');
    await row.getByTestId('appt-guest-invite').click();
    const input = row.getByTestId('appt-guest-link');
    await input.waitFor();
    link = await input.inputValue();
    code = (await row.getByTestId('appt-guest-code').textContent()).trim();
    assert.match(link, /\/guest#token=[A-Za-z0-9_-]{43}$/);
    assert.match(code, /^\d{3} \d{3}$/);
    recordSensitive(tokenOf(link), 'guest link token');
    const guestRow = row.getByTestId('appt-guest');
    assert.equal(await guestRow.count(), 1);
    assert.match(await guestRow.innerText(), /Sam Partner · link not used yet/);
    await assertAccessible(host, 'the guest invitation panel');
  });

  test('the guest opens the link, a wrong code is refused, the right one shows the session', async () => {
    ({ page: guestPage } = await pages.open());
    await guestPage.goto(link);
    await guestPage.getByTestId('guest-code-form').waitFor();
    assert.ok(!guestPage.url().includes('token'), 'the token stayed in the address bar');
    assert.ok(!(await guestPage.content()).includes('Sam Partner'), 'the page named someone before the code');
    const wrong = code === '000 000' ? '111 111' : '000 000';
    await guestPage.getByTestId('guest-code').fill(wrong);
    await guestPage.getByTestId('guest-continue').click();
    assert.match(await shownText(guestPage, 'guest-error'), /code is not right/);
    await assertAccessible(guestPage, 'the guest code page');
    await guestPage.getByTestId('guest-code').fill(code);
    await guestPage.getByTestId('guest-continue').click();
    await guestPage.getByTestId('my-appointments').waitFor();
    assert.equal((await guestPage.getByTestId('user-name').textContent()).trim(), 'Sam Partner');
    assert.match(await guestPage.getByTestId('appt-who').innerText(), new RegExp(`With ${therapist.who.displayName}`));
    assert.equal(await guestPage.getByTestId('nav-security').count(), 0);
    // A reload without the link keeps the guest's session.
    await guestPage.reload();
    await guestPage.getByTestId('my-appointments').waitFor();
    const listed = await request(srv, 'GET', '/api/appointments', { cookie: therapist.cookie });
    const guest = listed.json.appointments.find((a) => a.id === appointment.id).guests[0];
    assert.equal(guest.status, 'joined');
    guestId = guest.id;
  });

  test('the guest joins, waits as an unverified guest, is admitted; both see each other encrypted', async () => {
    await guestPage.getByTestId('appt-join').click();
    await enterCall(guestPage);
    await waitInLobby(guestPage);
    const roomId = new URL(guestPage.url()).pathname.split('/').pop();
    await host.goto(`${srv.url}/call/${roomId}`);
    await enterCall(host);
    const lobbyRow = host.locator(`[data-testid="lobby-person"][data-user-id="${guestId}"]`);
    await lobbyRow.waitFor({ timeout: 60_000 });
    assert.match(await lobbyRow.getByTestId('lobby-guest').innerText(), /Unverified guest/);
    await admitFromLobby(host, guestId);
    await until('the therapist and the guest do not decode each other', async () => {
      const [h, g] = [await callState(host), await callState(guestPage)];
      const ok = h.receiving.includes(guestId) && g.receiving.includes(therapist.id) && h.state === 'secure' && g.state === 'secure' && h.code === g.code;
      return [ok, { h, g }];
    });
    const member = host.locator(`[data-testid="e2ee-member"][data-user-id="${guestId}"]`);
    await until('the guest is not listed as an unverified guest', async () => {
      const status = (await member.count()) ? await member.first().getAttribute('data-status') : null;
      return [status === 'guest', status];
    });
    assert.match(await member.first().textContent(), /unverified guest/);
    const names = await host.getByTestId('call-tile-name').allTextContents();
    assert.ok(names.includes('Sam Partner (guest)'), `tile names: ${names.join(', ')}`);
  });

  test('the link does not work a second time', async () => {
    const { page } = await pages.open();
    await page.goto(link);
    await page.getByTestId('guest-code').fill(code);
    await page.getByTestId('guest-continue').click();
    await page.getByTestId('guest-invalid').waitFor();
    assert.match(await page.getByTestId('guest-invalid').textContent(), /Ask your therapist for a new link/);
    assertCleanPages(pages.records);
  });
});
