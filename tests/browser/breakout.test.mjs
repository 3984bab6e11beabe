// Issue 7 scenario (b), couples: the therapist and two partners in one session; the
// therapist takes one partner into a private check-in and brings them back
// (docs/SESSIONS.md "Private check-in"). The check-in is its own call and its own encrypted
// group: the other partner's page is told only that a check-in is running and
// never receives its video, sound or keys. Everything is polled until a generous deadline;
// The therapist and the other partner use phone-sized screens (scenario d). Nothing here
// asserts how fast.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, pollUntil, shownText } from '../lib/browser-session.mjs';
import { assertAccessible } from '../lib/axe.mjs';
import { SAFETY, admitFromLobby, callState, enterCall, waitInLobby } from '../lib/call-page.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 90_000, pollMs: 500 });

describe('couples: a private check-in with one partner (scenario b)', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let ann; // taken into the check-in
  let ben; // stays in the session, on a phone
  let roomId = '';
  let checkInId = '';
  const page = {};

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'couples-therapist');
    ann = await invitePerson(srv, therapist.cookie, 'patient', 'couples-ann');
    ben = await invitePerson(srv, therapist.cookie, 'patient', 'couples-ben');
    const startsAt = Math.floor(Date.now() / 1000) + 600;
    const made = await request(srv, 'POST', '/api/appointments', {
      cookie: therapist.cookie,
      body: { kind: 'couples', starts_at: startsAt, duration_minutes: 50, participant_ids: [ann.id, ben.id] },
    });
    assert.equal(made.status, 201, made.text);
    const joined = await request(srv, 'POST', `/api/appointments/${made.json.appointment.id}/join`, { cookie: therapist.cookie });
    roomId = joined.json.room_id;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 800 } });
  });

  after(() => closeSuite(pages, browser, srv));

  const path = (p) => new URL(p.url()).pathname;

  /** Until every page in `group` receives every other one's media in one secure group with one code. */
  async function allSeeEachOther(label, group) {
    return until(label, async () => {
      const states = await Promise.all(group.map(([, p]) => callState(p)));
      const ok = states.every((s, i) => s.state === 'secure' && s.code !== null && s.code === states[0].code &&
        group.every(([who], j) => j === i || s.receiving.includes(who.id)));
      return [ok, states];
    });
  }

  test('the therapist and both partners are in the session and see each other', async () => {
    // The therapist runs the session from a phone too (scenario d): the host's controls fit.
    page.t = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`, { viewport: { width: 375, height: 812 } })).page;
    await enterCall(page.t);
    page.ann = (await openSignedIn(pages, srv, ann.cookie, `/call/${roomId}`)).page;
    page.ben = (await openSignedIn(pages, srv, ben.cookie, `/call/${roomId}`, { viewport: { width: 375, height: 812 } })).page;
    for (const [who, p] of [[ann, page.ann], [ben, page.ben]]) {
      await enterCall(p);
      await waitInLobby(p);
      await admitFromLobby(page.t, who.id);
    }
    await allSeeEachOther('the three do not see each other', [[therapist, page.t], [ann, page.ann], [ben, page.ben]]);
  });

  let sessionCode = '';
  test('the therapist starts a check-in with Ann: both pages move to a call of their own', async () => {
    sessionCode = (await callState(page.ben)).code;
    const tileAnn = page.t.locator('[data-testid="call-peer"]').filter({ hasText: ann.who.displayName });
    await tileAnn.getByTestId('call-check-in').click();
    await until('the therapist and Ann did not move', async () => {
      const [t, a] = [path(page.t), path(page.ann)];
      return [t === a && t !== `/call/${roomId}` && t.startsWith('/call/'), [t, a]];
    });
    checkInId = path(page.t).slice('/call/'.length);
    // No pre-join step again: straight into the call, and no waiting room.
    const states = await allSeeEachOther('the therapist and Ann do not see each other in the check-in', [[therapist, page.t], [ann, page.ann]]);
    assert.notEqual(states[0].code, sessionCode, 'the check-in shares the session’s group');
    assert.match(await shownText(page.t, 'call-breakout-inside'), /Private check-in\. The others in the session stay in the main call/);
    assert.match(await shownText(page.ann, 'call-breakout-inside'), /Private check-in with your therapist/);
    assert.equal(await page.ann.getByTestId('call-breakout-end').count(), 0, 'Ann can end the check-in');
    // The safety check Ann confirmed for the session stands in the check-in too.
    const annSafety = page.t.locator(`[data-testid="safety-person"][data-user-id="${ann.id}"]`);
    await annSafety.getByTestId('safety-location').waitFor();
    assert.equal((await annSafety.getByTestId('safety-location').textContent()).trim(), SAFETY.location);
    // Back does not lead into the session's call page while the check-in runs: the move replaced it.
    assert.ok((await pageWidth(page.t)) <= 375, 'the check-in scrolls sideways on the therapist’s phone');
    await assertAccessible(page.t, 'the check-in (therapist, phone)');
  });

  test('Ben, on his phone, is told only that a check-in runs, and gets nothing of it', async () => {
    const notice = await shownText(page.ben, 'call-breakout-running');
    assert.match(notice, /private check-in with someone from this session/);
    assert.ok(!notice.includes(ann.who.displayName), 'the notice names who is in the check-in');
    await until('Ben still has people in his call', async () => {
      const s = await callState(page.ben);
      return [s.people.length === 0 && s.receiving.length === 0, s];
    });
    // For a while: his page never starts receiving anyone, and his group stays the session's.
    for (let i = 0; i < 6; i++) {
      const s = await callState(page.ben);
      assert.deepEqual([s.people, s.receiving], [[], []], JSON.stringify(s));
      assert.equal(s.code, sessionCode, 'Ben’s page joined another group');
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(path(page.ben), `/call/${roomId}`);
    assert.ok(!(await page.ben.content()).includes(checkInId), 'Ben’s page learned the check-in’s room');
    // His browser cannot open the check-in either.
    const res = await page.ben.evaluate(async (id) => (await fetch(`/api/rooms/${id}/devices`)).status, checkInId);
    assert.equal(res, 404);
    assert.ok((await pageWidth(page.ben)) <= 375, 'the session scrolls sideways on a phone');
    await assertAccessible(page.ben, 'the session while a check-in runs (phone)');
  });

  test('"Bring everyone back" returns the therapist and Ann to the session; all three see each other again', async () => {
    await page.t.getByTestId('call-breakout-end').click();
    await until('the therapist and Ann are not back', async () => {
      const [t, a] = [path(page.t), path(page.ann)];
      return [t === `/call/${roomId}` && a === `/call/${roomId}`, [t, a]];
    });
    await allSeeEachOther('the three do not see each other again', [[therapist, page.t], [ann, page.ann], [ben, page.ben]]);
    await page.ben.getByTestId('call-breakout-running').waitFor({ state: 'detached' });
    for (const p of [page.t, page.ann]) {
      assert.equal(await p.getByTestId('call-breakout-inside').count(), 0);
      assert.equal(await p.getByTestId('call-error').count() === 0 || (await p.getByTestId('call-error').textContent()).trim() === '', true, 'a page says the call ended');
    }
    const ended = await request(srv, 'GET', '/api/rooms', { cookie: therapist.cookie });
    assert.deepEqual(ended.json.rooms.map((r) => r.id), [roomId], 'the check-in is listed');
  });

  test('no page broke its content security policy or threw', () => {
    assertCleanPages(pages.records);
  });
});
