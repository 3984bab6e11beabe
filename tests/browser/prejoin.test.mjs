// The pre-join step before a call (docs/SESSIONS.md "Before joining"), with Chromium's fake
// camera and microphone: the camera preview plays, the level meter follows the fake
// microphone, the selects list the fake devices, the speaker test plays; a patient joins
// only once every item of the privacy checklist is ticked (and then waits until the
// therapist lets them in), the therapist has no checklist; noise suppression turned off here
// is off in the call's microphone track; a person not invited to the room is refused before
// any camera is asked for; a 375 × 812 screen works by keyboard without sideways scrolling; no CSP violation.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertCleanPages, closeSuite, openSignedIn, pageWidth, pollUntil, shownText, useSession } from '../lib/browser-session.mjs';
import { startCallSuite } from '../lib/call-suite.mjs';
import { admitFromLobby, fillSafety, waitInLobby } from '../lib/call-page.mjs';
import { LOG_DIR, request } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 30_000, pollMs: 250 });

/** Installed before the app (addInitScript): counts getUserMedia calls, changing nothing else. */
function countCameraRequests() {
  window.__gumCalls = 0;
  const md = navigator.mediaDevices;
  if (!md) return;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => {
    window.__gumCalls++;
    return gum(c);
  };
}

/** The audio track settings of the call's own stream, as the self view plays it. */
function selfAudioSettings(page) {
  return page.evaluate(() => {
    const v = document.querySelector('[data-testid="call-self-video"]');
    const track = v?.srcObject?.getAudioTracks?.()[0];
    return track ? { noiseSuppression: track.getSettings().noiseSuppression, state: track.readyState } : null;
  });
}

/** The option labels of a select by test id. */
function optionLabels(page, testId) {
  return page.getByTestId(testId).locator('option').evaluateAll((os) => os.map((o) => o.textContent.trim()));
}

describe('pre-join', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patientA;
  let patientB;
  let outsider;
  let roomId = '';
  /** Patient A's call page and the speaker chosen on it (first test), for the second. */
  let patientPage;
  let chosenSpeaker = '';
  /** The therapist's call page (second test): the host who lets the patients in. */
  let hostPage;

  before(async () => {
    let patients;
    ({ srv, therapist, patients, roomId, browser, pages } = await startCallSuite({ label: 'prejoin', patients: ['a', 'b', 'outsider'] }));
    ({ a: patientA, b: patientB, outsider } = patients);
  });

  after(() => closeSuite(pages, browser, srv));

  test('a patient sees the camera, a moving level meter and the fake devices; Join waits for the checklist; noise suppression off carries into the call', async () => {
    const { page } = await openSignedIn(pages, srv, patientA.cookie, `/call/${roomId}`);
    await page.getByTestId('prejoin').waitFor();

    // The camera preview plays: frames of the fake camera's size, and time moves on.
    const video = page.getByTestId('prejoin-video');
    await video.waitFor();
    await until('the camera preview does not play', async () => {
      const v = await video.evaluate((el) => ({ w: el.videoWidth, t: el.currentTime, paused: el.paused }));
      return [v.w > 0 && v.t > 0.2 && !v.paused, v];
    });

    // The meter follows the fake microphone (Chromium's fake device beeps): it goes up
    // from silence, and it changes.
    const meter = page.getByTestId('prejoin-level');
    await meter.waitFor();
    assert.equal(await page.locator('label[for="prejoin-level"]').textContent(), 'Microphone level');
    const levels = [];
    await until('the level meter does not move', async () => {
      levels.push(await meter.evaluate((m) => m.value));
      return [Math.max(...levels) > 0.02 && new Set(levels).size > 2, levels.slice(-12)];
    });

    // The selects list the fake devices by name (labels come with the permission).
    const cameras = await optionLabels(page, 'prejoin-camera');
    const mics = await optionLabels(page, 'prejoin-microphone');
    assert.ok(cameras.length >= 1 && cameras.every((l) => l && !/^Camera \d+$/.test(l)), `cameras: ${cameras}`);
    assert.ok(mics.length >= 1 && mics.every((l) => l && !/^Microphone \d+$/.test(l)), `microphones: ${mics}`);
    assert.ok(cameras.some((l) => /fake/i.test(l)), `no fake camera listed: ${cameras}`);
    assert.ok(mics.some((l) => /fake/i.test(l)), `no fake microphone listed: ${mics}`);
    assert.equal(await page.locator('label[for="prejoin-camera"]').textContent(), 'Camera');

    // The speaker: a select where outputs can be chosen, otherwise the default is named.
    const speakerSelect = await page.getByTestId('prejoin-speaker').count();
    if (speakerSelect === 0) assert.match(await page.getByTestId('prejoin-speaker-default').textContent(), /default/);
    else {
      const outputs = await page.getByTestId('prejoin-speaker').locator('option').evaluateAll((os) => os.map((o) => o.value));
      chosenSpeaker = outputs.at(-1);
      await page.getByTestId('prejoin-speaker').selectOption(chosenSpeaker);
    }
    await page.getByTestId('prejoin-speaker-test').click();
    const said = await until('the speaker test never finished', async () => {
      const t = (await page.getByTestId('prejoin-speaker-status').textContent()).trim();
      return [t !== '' && !t.startsWith('Playing'), t];
    });
    assert.match(said, /Did you hear/);

    // Noise suppression is on by default; turned off here.
    const noise = page.getByTestId('prejoin-noise');
    assert.equal(await noise.isChecked(), true);
    await noise.uncheck();
    await until('the preview did not restart without noise suppression', async () => {
      const ns = await video.evaluate((el) => el.srcObject?.getAudioTracks?.()[0]?.getSettings().noiseSuppression);
      return [ns === false, ns];
    });

    // Join waits, kindly, for every item of the checklist.
    await page.screenshot({ path: path.join(LOG_DIR, 'prejoin-patient.png'), fullPage: true });
    const join = page.getByTestId('prejoin-join');
    const checks = page.getByTestId('prejoin-check');
    assert.equal(await checks.count(), 4);
    assert.equal(await join.isDisabled(), true);
    assert.match(await page.getByTestId('prejoin-join-hint').textContent(), /tick it and you can join/);
    // The safety check (tests/browser/safety-check.test.mjs) is answered first here.
    await fillSafety(page);
    const boxes = await checks.all();
    // Ticking is for the person only: nothing goes to the server.
    const sent = [];
    const onRequest = (r) => sent.push(`${r.method()} ${new URL(r.url()).pathname}`);
    page.on('request', onRequest);
    for (const box of boxes.slice(0, 3)) await box.check();
    assert.equal(await join.isDisabled(), true, 'Join enabled with an item unticked');
    await boxes[3].check();
    assert.equal(await join.isDisabled(), false);
    await boxes[1].uncheck();
    assert.equal(await join.isDisabled(), true, 'Join stays enabled after an item was unticked');
    await boxes[1].check();
    page.off('request', onRequest);
    assert.deepEqual(sent, [], 'the checklist sent something');
    await join.click();

    // The therapist has not come yet: the patient waits, and no call media has started.
    await waitInLobby(page);
    assert.equal(await page.getByTestId('prejoin').count(), 0);
    assert.equal(await page.getByTestId('call-self-video').count(), 0);
    patientPage = page;
    // In the call once the therapist lets them in (second test): the self view shows, and
    // its microphone has no noise suppression.
  });

  test('the therapist gets the device test without the checklist, noise suppression on', async () => {
    const { page } = await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`);
    await page.getByTestId('prejoin-devices').waitFor();
    await page.getByTestId('prejoin-video').waitFor();
    assert.equal(await page.getByTestId('prejoin-checklist').count(), 0);
    assert.equal(await page.getByTestId('prejoin-check').count(), 0);
    const join = page.getByTestId('prejoin-join');
    assert.equal(await join.isDisabled(), false);
    await join.click();
    await page.getByTestId('call-self-video').waitFor();
    const settings = await until('the call has no microphone track', async () => {
      const s = await selfAudioSettings(page);
      return [s !== null, s];
    });
    assert.deepEqual(settings, { noiseSuppression: true, state: 'live' });
    hostPage = page;

    // The therapist lets in patient A, who waited (first test): in the call, the self view
    // shows, and its microphone has no noise suppression (the choice made before joining).
    await admitFromLobby(page, patientA.id);
    await patientPage.getByTestId('call-self-video').waitFor();
    assert.equal(await patientPage.getByTestId('prejoin').count(), 0);
    const patientSettings = await until('the patient’s call has no microphone track', async () => {
      const s = await selfAudioSettings(patientPage);
      return [s !== null, s];
    });
    assert.deepEqual(patientSettings, { noiseSuppression: false, state: 'live' });
    await until('the patient’s call never got a peer id', async () => {
      const id = await patientPage.evaluate(() => window.__havenCall?.peerId ?? '');
      return [id !== '', id];
    });
    // The speaker the patient chose plays the therapist's sound (each person's <audio>:
    // the tiles' videos are muted, docs/SESSIONS.md "In the call").
    if (chosenSpeaker) {
      const remote = patientPage.getByTestId('call-remote-audio');
      // An <audio> without controls is never visible: wait for it to be there.
      await remote.waitFor({ state: 'attached' });
      await until('the chosen speaker is not used in the call', async () => {
        const sink = await remote.evaluate((v) => v.sinkId);
        return [sink === chosenSpeaker, sink];
      });
    }
  });

  test('a person not invited to the room is refused without being asked for the camera', async () => {
    const { ctx, page } = await pages.open();
    await useSession(ctx, srv, outsider.cookie);
    await page.addInitScript(countCameraRequests);
    await page.goto(`${srv.url}/call/${roomId}`);
    const text = await shownText(page, 'call-error');
    assert.match(text, /could not be found/);
    assert.doesNotMatch(text, /room_not_found/);
    assert.equal((await page.getByTestId('call-status').textContent()).trim(), 'Not connected');
    assert.equal(await page.getByTestId('call-home').getAttribute('href'), '/patient');
    // Give a late capture the chance to show itself.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.evaluate(() => window.__gumCalls), 0, 'the camera was asked for');
    assert.equal(await page.getByTestId('prejoin').count(), 0);
    assert.equal(await page.getByTestId('prejoin-video').count(), 0);
    assert.equal(await page.getByTestId('call-self-video').count(), 0);
  });

  test('on a 375 × 812 screen the step fits and works by keyboard', async () => {
    const { page } = await openSignedIn(pages, srv, patientB.cookie, `/call/${roomId}`, { viewport: { width: 375, height: 812 } });
    await page.getByTestId('prejoin-video').waitFor();
    await page.getByTestId('prejoin-check').first().waitFor();
    assert.ok((await pageWidth(page)) <= 375, `pre-join is ${await pageWidth(page)}px wide at 375`);
    await page.screenshot({ path: path.join(LOG_DIR, 'prejoin-375.png'), fullPage: true });
    // Space ticks each item; Enter on the focused button joins.
    for (const box of await page.getByTestId('prejoin-check').all()) {
      await box.focus();
      await page.keyboard.press('Space');
      assert.equal(await box.isChecked(), true);
    }
    await fillSafety(page);
    const join = page.getByTestId('prejoin-join');
    assert.equal(await join.isDisabled(), false);
    await join.focus();
    await page.keyboard.press('Enter');
    // The waiting room fits too, until the therapist lets the patient in.
    await waitInLobby(page);
    assert.ok((await pageWidth(page)) <= 375, `the waiting room is ${await pageWidth(page)}px wide at 375`);
    await admitFromLobby(hostPage, patientB.id);
    await page.getByTestId('call-self-video').waitFor();
    assert.ok((await pageWidth(page)) <= 375, `call is ${await pageWidth(page)}px wide at 375`);
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
