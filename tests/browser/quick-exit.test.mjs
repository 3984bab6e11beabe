// Quick exit (docs/SESSIONS.md): a patient in a call presses Escape twice, or the Quick exit
// button on a phone-sized screen; the call stops at once (the therapist sees them go), the
// tab shows a neutral page that says nothing of Haven, going back does not return to the
// call, and the sign-in session is over.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertCleanPages, closeSuite, openSignedIn, pollUntil } from '../lib/browser-session.mjs';
import { startCallSuite } from '../lib/call-suite.mjs';
import { admitFromLobby, enterCall } from '../lib/call-page.mjs';
import { request } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 60_000, pollMs: 500 });

describe('quick exit', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patientA;
  let patientB;
  let roomId = '';
  let host;

  before(async () => {
    let patients;
    ({ srv, therapist, patients, roomId, browser, pages } = await startCallSuite({ label: 'exit' }));
    ({ a: patientA, b: patientB } = patients);
    host = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
    await enterCall(host);
    await host.getByTestId('call-self-video').waitFor();
  });

  after(() => closeSuite(pages, browser, srv));

  /** The peer ids the therapist's page shows tiles for. */
  const hostSees = () => host.locator('[data-testid="call-peer"]').evaluateAll((els) => els.map((e) => e.dataset.peerId));

  async function joinAs(who, opts) {
    const { page } = await openSignedIn(pages, srv, who.cookie, `/patient`, opts);
    // From the home page into the call, as a person would: the call is then the newest
    // history entry, with the home page behind it.
    await page.goto(`${srv.url}/call/${roomId}`);
    await enterCall(page);
    // The therapist (the room's owner) lets them in from the waiting room.
    await admitFromLobby(host, who.id);
    await page.getByTestId('call-self-video').waitFor();
    const peerId = await until('the patient never got a peer id', async () => {
      const id = await page.evaluate(() => window.__havenCall?.peerId ?? '');
      return [id !== '', id];
    });
    await until('the therapist does not see the patient', async () => {
      const seen = await hostSees();
      return [seen.includes(peerId), seen];
    });
    return { page, peerId };
  }

  async function assertGone(page, peerId, who) {
    assert.equal(new URL(page.url()).pathname, '/forecast.html');
    assert.equal(await page.title(), 'Weather');
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, /haven|therapy|session|call/i);
    await until('the therapist still sees the patient', async () => {
      const seen = await hostSees();
      return [!seen.includes(peerId), seen];
    });
    // The sign-in session is over: the cookie the page had no longer works.
    await until('the session outlived the quick exit', async () => {
      const me = await request(srv, 'GET', '/api/me', { cookie: who.cookie });
      return [me.status === 401, me.status];
    });
    // Back does not lead into the call.
    await page.goBack().catch(() => undefined);
    await page.waitForLoadState();
    assert.notEqual(new URL(page.url()).pathname, `/call/${roomId}`, 'back returned to the call');
    assert.equal(await page.getByTestId('call-self-video').count(), 0);
    // Signed out: the sign-in form, not the person's home page with their sessions.
    await page.getByTestId('signin-email').waitFor();
  }

  test('Escape twice leaves at once, shows a neutral page, and back does not return to the call', async () => {
    const { page, peerId } = await joinAs(patientA);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => u.pathname === '/forecast.html');
    await assertGone(page, peerId, patientA);
  });

  test('the Quick exit button does the same on a phone-sized screen', async () => {
    const { page, peerId } = await joinAs(patientB, { viewport: { width: 375, height: 812 } });
    const button = page.getByTestId('call-quick-exit');
    assert.ok(await button.isVisible(), 'no Quick exit button in view');
    assert.match(await button.getAttribute('aria-label'), /Quick exit/);
    await button.click();
    await page.waitForURL((u) => u.pathname === '/forecast.html');
    await assertGone(page, peerId, patientB);
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
