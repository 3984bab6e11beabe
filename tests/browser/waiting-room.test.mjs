// Issue 7 scenario (a), the waiting room (docs/SESSIONS.md "Waiting room"): a therapist
// schedules a group session; three patients arrive early and wait; nobody gets in before
// the therapist; the therapist writes to one, admits them one by one and then all; all see
// each other with the same security code; one is sent back to the waiting room and
// readmitted; one is removed; a fourth is turned away and then locked out (on a phone-sized
// screen); the therapist ends the session and the attendance lists the right people; the
// session belongs to an IOP cohort, whose weekly report (page, chart, CSV) lists the right
// people and minutes, at 1024 px and on a phone.
// Everything is polled until a generous deadline; nothing here asserts how fast.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, pollUntil, shownText } from '../lib/browser-session.mjs';
import { assertAccessible } from '../lib/axe.mjs';
import { admitFromLobby, callState, enterCall, waitInLobby } from '../lib/call-page.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 90_000, pollMs: 500 });


describe('waiting room (scenario a)', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patients;
  let late;
  let roomId = '';
  let cohortId = '';
  let startsAt = 0;
  let host;
  const waiting = {};

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'lobby-therapist');
    patients = {
      a: await invitePerson(srv, therapist.cookie, 'patient', 'lobby-a'),
      b: await invitePerson(srv, therapist.cookie, 'patient', 'lobby-b'),
      c: await invitePerson(srv, therapist.cookie, 'patient', 'lobby-c'),
    };
    late = await invitePerson(srv, therapist.cookie, 'patient', 'lobby-late');
    // They are an IOP cohort of the therapist's care team.
    const teams = await request(srv, 'GET', '/api/care-teams', { cookie: admin.cookie });
    const team = teams.json.care_teams.find((t) => t.clinicians.includes(therapist.id));
    const cohort = await request(srv, 'POST', '/api/cohorts', { cookie: admin.cookie, body: { name: 'Evening IOP', care_team_id: team.id } });
    assert.equal(cohort.status, 201, cohort.text);
    cohortId = cohort.json.cohort.id;
    for (const p of [...Object.values(patients), late]) {
      const added = await request(srv, 'POST', `/api/cohorts/${cohortId}/members`, { cookie: admin.cookie, body: { user_id: p.id, present: true } });
      assert.equal(added.status, 200, added.text);
    }
    // A group session of the cohort starting in ten minutes: joining opens 15 minutes before.
    startsAt = Math.floor(Date.now() / 1000) + 600;
    const body = { kind: 'group', starts_at: startsAt, duration_minutes: 60, participant_ids: [...Object.values(patients).map((p) => p.id), late.id], cohort_id: cohortId };
    const made = await request(srv, 'POST', '/api/appointments', { cookie: therapist.cookie, body });
    assert.equal(made.status, 201, made.text);
    const joined = await request(srv, 'POST', `/api/appointments/${made.json.appointment.id}/join`, { cookie: patients.a.cookie });
    assert.equal(joined.status, 200, joined.text);
    roomId = joined.json.room_id;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 800 } });
  });

  after(() => closeSuite(pages, browser, srv));

  test('three patients arrive early and wait; nobody is in the call before the therapist', async () => {
    // Patient C is on a phone for the whole session (scenario d): waiting, in the call, removed.
    for (const [key, who] of Object.entries(patients)) {
      const phone = key === 'c' ? { viewport: { width: 375, height: 812 } } : {};
      const { page } = await openSignedIn(pages, srv, who.cookie, `/call/${roomId}`, phone);
      await enterCall(page);
      await waitInLobby(page);
      waiting[key] = page;
    }
    for (const page of Object.values(waiting)) {
      assert.match(await shownText(page, 'waiting-status'), new RegExp(`${therapist.who.displayName} has not joined yet`));
      assert.match(await shownText(page, 'waiting-start'), /^Your session starts at \d{1,2}:\d{2}/);
      assert.equal(await page.getByTestId('call-status').textContent(), 'Waiting to be let in');
      // Waiting sends nothing: no camera, no peer in the SFU, no group.
      const state = await callState(page);
      assert.equal(state.peerId, '');
      assert.equal(await page.getByTestId('call-self-video').count(), 0);
    }
    // Nobody to write to yet: the page says so and keeps the words.
    const a = waiting.a;
    await a.getByTestId('lobby-line-input').fill('I am here early');
    await a.getByTestId('lobby-line-send').click();
    assert.match(await shownText(a, 'lobby-line-error'), /has not joined yet/);
    assert.equal(await a.getByTestId('lobby-line-input').inputValue(), 'I am here early');
    await assertAccessible(a, 'the waiting room');
  });

  test('the therapist sees who waits, writes to one, and admits them one by one, then all', async () => {
    host = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
    await enterCall(host);
    await host.getByTestId('call-self-video').waitFor();
    const rows = host.getByTestId('lobby-person');
    await until('the host does not see three people waiting', async () => [(await rows.count()) === 3, await rows.count()]);
    assert.match(await host.getByTestId('lobby-panel').innerText(), /Waiting room \(3\)/);
    for (const who of Object.values(patients)) {
      assert.match(await host.locator(`[data-testid="lobby-person"][data-user-id="${who.id}"]`).innerText(), new RegExp(who.who.displayName));
    }
    for (const page of Object.values(waiting)) {
      await until('a waiting page was not told the therapist came', async () => {
        const text = await page.getByTestId('waiting-status').textContent();
        return [/knows you are here/.test(text), text];
      });
    }

    // A line each way, between the therapist and patient A only.
    const a = waiting.a;
    await a.getByTestId('lobby-line-send').click();
    const rowA = host.locator(`[data-testid="lobby-person"][data-user-id="${patients.a.id}"]`);
    await rowA.getByTestId('lobby-lines').getByText('I am here early').waitFor();
    await rowA.getByTestId('lobby-line-input').fill('Welcome, one moment please');
    await rowA.getByTestId('lobby-line-send').click();
    await a.getByTestId('lobby-lines').getByText('Welcome, one moment please').waitFor();
    assert.equal(await waiting.b.getByTestId('lobby-lines').count(), 0, 'patient B saw a line meant for A');
    await assertAccessible(host, 'the call page with its waiting room panel');

    await admitFromLobby(host, patients.a.id);
    await a.getByTestId('call-self-video').waitFor();
    assert.equal(await a.getByTestId('waiting-room').count(), 0);
    // The others still wait and are not in anyone's call.
    assert.equal(await waiting.b.getByTestId('waiting-room').count(), 1);
    await host.getByTestId('lobby-admit-all').click();
    for (const page of [waiting.b, waiting.c]) await page.getByTestId('call-self-video').waitFor();
    await until('the waiting room did not empty', async () => [(await rows.count()) === 0, await rows.count()]);
  });

  test('all four see and hear each other, with one security code', async () => {
    const everyone = [host, ...Object.values(waiting)];
    const detail = await until('not everyone receives the three others with one code', async () => {
      const states = await Promise.all(everyone.map(callState));
      const codes = new Set(states.map((s) => s.code));
      const ok = states.every((s) => s.receiving.length === 3 && s.state === 'secure') && codes.size === 1 && !codes.has(null);
      return [ok, states];
    });
    assert.equal(detail.length, 4);
    assert.ok((await pageWidth(waiting.c)) <= 375, 'the call scrolls sideways on a phone');
    await assertAccessible(waiting.c, 'the call on a phone');
    // On loopback the connection indicator settles on good.
    await until('the connection indicator never said good', async () => {
      const q = await host.getByTestId('call-quality').getAttribute('data-quality').catch(() => null);
      return [q === 'good', q];
    });
    assert.equal(await host.getByTestId('call-quality').textContent(), 'Connection: good');
  });

  test('the therapist asks a muted patient to unmute; only the patient can', async () => {
    const a = waiting.a;
    await a.getByTestId('call-mic').click();
    assert.equal(await a.getByTestId('call-mic').textContent(), 'Unmute microphone');
    const tileA = host.locator('[data-testid="call-peer"]').filter({ hasText: patients.a.who.displayName });
    await tileA.getByTestId('call-ask-unmute').click();
    await a.getByTestId('call-unmute-request').waitFor();
    assert.match(await a.getByTestId('call-unmute-request').innerText(), new RegExp(`${therapist.who.displayName} asks you to turn your microphone on`));
    // Asking changed nothing by itself.
    assert.equal(await a.getByTestId('call-mic').textContent(), 'Unmute microphone');
    await a.getByTestId('call-unmute-accept').click();
    assert.equal(await a.getByTestId('call-mic').textContent(), 'Mute microphone');
    await until('the host still shows A muted', async () => {
      const parts = await host.evaluate(() => window.__havenCall.participants());
      const mine = parts.find((p) => p.user_id === patients.a.id);
      return [mine !== undefined && !mine.muted.microphone, parts];
    });
    assert.equal(await tileA.getByTestId('call-ask-unmute').count(), 0);
  });

  let codeBefore = '';
  test('the therapist sends patient B back to the waiting room and readmits them', async () => {
    codeBefore = (await callState(host)).code;
    const tileB = host.locator('[data-testid="call-peer"]').filter({ hasText: patients.b.who.displayName });
    await tileB.getByTestId('call-send-back').click();
    const b = waiting.b;
    await waitInLobby(b);
    assert.match(await shownText(b, 'waiting-status'), /moved you back to the waiting room/);
    // B is out of the call: the others no longer show them, and B's media stopped.
    await until('the others still show patient B', async () => {
      const states = await Promise.all([host, waiting.a, waiting.c].map(callState));
      return [states.every((s) => !s.people.includes(patients.b.id)), states];
    });
    assert.equal(await b.getByTestId('call-self-video').count(), 0);
    await host.locator(`[data-testid="lobby-person"][data-user-id="${patients.b.id}"]`).waitFor();
    // The group moved on without B: a new code for those still in.
    await until('the code did not change when B was sent back', async () => {
      const states = await Promise.all([host, waiting.a, waiting.c].map(callState));
      const codes = new Set(states.map((s) => s.code));
      return [codes.size === 1 && !codes.has(codeBefore) && !codes.has(null), states];
    });

    await admitFromLobby(host, patients.b.id);
    await b.getByTestId('call-self-video').waitFor();
    await until('B is not back in the call with the same code as everyone', async () => {
      const states = await Promise.all([host, ...Object.values(waiting)].map(callState));
      const codes = new Set(states.map((s) => s.code));
      return [states.every((s) => s.people.length === 3 && s.state === 'secure') && codes.size === 1 && !codes.has(null), states];
    });
  });

  test('the therapist removes patient C; C is told and cannot come back', async () => {
    const tileC = host.locator('[data-testid="call-peer"]').filter({ hasText: patients.c.who.displayName });
    await tileC.getByTestId('call-remove').click();
    await tileC.getByTestId('call-remove-confirm').click();
    assert.match(await shownText(waiting.c, 'call-error'), /The host removed you from this call/);
    assert.ok((await pageWidth(waiting.c)) <= 375, 'the removal notice scrolls sideways on a phone');
  });

  test('a late patient on a phone is turned away, then locked out', async () => {
    const { page } = await openSignedIn(pages, srv, late.cookie, `/call/${roomId}`, { viewport: { width: 375, height: 812 } });
    await enterCall(page);
    await waitInLobby(page);
    assert.ok((await pageWidth(page)) <= 375, 'the waiting room scrolls sideways at 375 px');
    await assertAccessible(page, 'the waiting room at 375 px');
    const row = host.locator(`[data-testid="lobby-person"][data-user-id="${late.id}"]`);
    await row.getByTestId('lobby-deny').click();
    assert.match(await shownText(page, 'call-error'), /did not let you into this session/);

    await host.getByTestId('lobby-lock').click();
    await until('the lock is not shown', async () => {
      const text = await host.getByTestId('lobby-status').textContent();
      return [/^Locked/.test(text), text];
    });
    assert.equal(await host.getByTestId('lobby-lock').getAttribute('aria-pressed'), 'true');
    await page.reload();
    await enterCall(page);
    assert.match(await shownText(page, 'call-error'), /locked this session/);
    assert.equal(await row.count(), 0, 'a locked room let someone wait');
  });

  test('the therapist ends the session for everyone; the attendance lists who was there', async () => {
    await assertAccessible(host, 'the call page');
    await host.getByTestId('call-end-all').click();
    await host.getByTestId('call-end-all-confirm').click();
    await host.waitForURL((u) => u.pathname === `/notes/${roomId}`);
    for (const page of [waiting.a, waiting.b]) assert.match(await shownText(page, 'call-error'), /The call has ended/);
    const res = await until('attendance rows are still open', async () => {
      const r = await request(srv, 'GET', `/api/rooms/${roomId}/attendance`, { cookie: therapist.cookie });
      return [r.status === 200 && r.json.attendance.every((row) => row.left_at !== null), r];
    });
    const present = new Set(res.json.people.map((p) => p.user_id));
    assert.deepEqual(present, new Set([therapist.id, patients.a.id, patients.b.id, patients.c.id]));
    assert.ok(!present.has(late.id), 'the patient who was turned away counts as present');
    // B came in twice (sent back in between): two rows, one person.
    assert.equal(res.json.attendance.filter((r) => r.user_id === patients.b.id).length, 2);
    for (const p of res.json.people) assert.ok(p.seconds >= 0, JSON.stringify(p));
  });

  test('the cohort’s weekly attendance lists the right people and minutes, as a chart, a table and a CSV', async () => {
    const api = await request(srv, 'GET', `/api/rooms/${roomId}/attendance`, { cookie: therapist.cookie });
    const seconds = (who) => api.json.people.find((p) => p.user_id === who.id)?.seconds ?? 0;
    const minutes = (who) => Math.floor(seconds(who) / 60);
    const { page } = await openSignedIn(pages, srv, therapist.cookie, '/therapist');
    const card = page.locator(`[data-testid="my-cohort"][data-cohort-id="${cohortId}"]`);
    await card.getByTestId('my-cohort-attendance').click();
    const report = card.getByTestId('cohort-attendance');
    // The session is in this week unless the test started just before Monday 00:00.
    const monday = (d) => {
      const m = new Date(d.getFullYear(), d.getMonth(), d.getDate());
      m.setDate(m.getDate() - ((m.getDay() + 6) % 7));
      return m.getTime();
    };
    if (monday(new Date(startsAt * 1000)) !== monday(new Date())) await report.getByTestId('attendance-next').click();
    await report.getByTestId('attendance-table').waitFor();
    assert.deepEqual(await report.getByTestId('attendance-session').evaluateAll((els) => els.map((e) => e.dataset.status)), ['held']);
    assert.match(await report.getByTestId('attendance-session').textContent(), /held \(3 of 4 came\)/);
    const rowOf = (who) => report.locator(`[data-testid="attendance-row"][data-user-id="${who.id}"]`);
    for (const who of Object.values(patients)) {
      assert.equal((await rowOf(who).getByTestId('attendance-attended').textContent()).trim(), '1 of 1');
      assert.equal((await rowOf(who).getByTestId('attendance-missed').textContent()).trim(), '0');
      const m = minutes(who);
      const shown = (await rowOf(who).getByTestId('attendance-time').textContent()).trim();
      assert.equal(shown, m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : `${m} min`, who.who.displayName);
    }
    // Turned away and locked out: invited, never in the call, so missed.
    assert.equal((await rowOf(late).getByTestId('attendance-attended').textContent()).trim(), '0 of 1');
    assert.equal((await rowOf(late).getByTestId('attendance-missed').textContent()).trim(), '1');
    assert.equal(await report.locator('.bar-row').count(), 4, 'a bar per person');

    const [download] = await Promise.all([page.waitForEvent('download'), report.getByTestId('attendance-csv').click()]);
    assert.match(download.suggestedFilename(), /^haven-attendance-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await fs.readFile(await download.path(), 'utf8')).split('\r\n');
    assert.match(lines[0], /^"Patient","In the cohort","Sessions invited","Attended","Missed","Hours",".+"$/);
    for (const who of Object.values(patients)) {
      const line = lines.find((l) => l.startsWith(`"${who.who.displayName}"`));
      assert.ok(line, `no CSV row for ${who.who.displayName}`);
      assert.equal(line, `"${who.who.displayName}","yes","1","1","0","${(seconds(who) / 3600).toFixed(2)}","${minutes(who)} min"`);
    }
    assert.ok(lines.some((l) => l.startsWith(`"${late.who.displayName}","yes","1","0","1","0.00","missed"`)), lines.join('\n'));
    await assertAccessible(page, 'the cohort attendance report');

    await page.setViewportSize({ width: 375, height: 812 });
    await report.getByTestId('attendance-table').waitFor();
    assert.ok((await pageWidth(page)) <= 375, 'the report is wider than a phone');
    await assertAccessible(page, 'the cohort attendance report on a phone');
  });

  test('no page broke its content security policy or threw', () => {
    assertCleanPages(pages.records);
  });
});
