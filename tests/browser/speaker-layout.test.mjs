// The call page's speaker layout (docs/SESSIONS.md "In the call"): a therapist and two
// patients in a call through the real server and SFU, in Chromium with its fake camera and
// microphone. Layout switches to Speaker from the keyboard; the large tile shows a person
// whose video keeps arriving, the filmstrip the others; the large tile asks the SFU for a
// larger layer than the filmstrip's, and a tile scrolled out of the strip for none. Pin
// keeps a person large; a shared screen goes large; the choice outlives a reload of the tab;
// Grid brings the grid back. At 375 × 812 the large tile fills the width and the strip
// scrolls sideways. axe-core finds nothing serious. Media is polled until a generous
// deadline: nothing here asserts how fast anything happens.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertAccessible } from '../lib/axe.mjs';
import { assertCleanPages, pageWidth, pollUntil, useSession } from '../lib/browser-session.mjs';
import { startCallSuite } from '../lib/call-suite.mjs';
import { layerSample, layersSent, spyOnLayerMessages } from '../lib/call-layers.mjs';
import { admitFromLobby, enterCall } from '../lib/call-page.mjs';
import { LOG_DIR } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 90_000, pollMs: 1000 });
const RANK = ['off', 'low', 'medium', 'high'];

/** Which tiles the page shows where: the large one (`data-tile`, peer) and the strip's peers ('self' for ours). */
function placement(page) {
  return page.evaluate(() => {
    const stage = document.querySelector('[data-testid="call-stage"]');
    const strip = document.querySelector('[data-testid="call-filmstrip"]');
    const peerOf = (li) => (li.dataset.testid === 'call-self' ? 'self' : `${li.dataset.testid === 'call-screen' ? 'screen' : 'camera'}:${li.dataset.peerId}`);
    return {
      grid: document.querySelector('[data-testid="call-grid"]') !== null,
      main: stage ? [...stage.children].map(peerOf) : [],
      mainKey: stage?.dataset.tile ?? null,
      strip: strip ? [...strip.children].map(peerOf) : [],
    };
  });
}

/** Frames decoded so far from each publisher's camera and screen, and the large tile's picture width. */
function frames(page) {
  return page.evaluate(async () => {
    const s = await window.__havenCall.stats();
    const video = document.querySelector('[data-testid="call-stage"] video');
    const cameras = {};
    for (const i of s.inbound) if (i.source === 'camera' && i.kind === 'video') cameras[i.peerId] = i.framesDecoded;
    const screens = {};
    for (const [peer, v] of Object.entries(s.screens ?? {})) screens[peer] = v.framesDecoded;
    return { cameras, screens, mainWidth: video?.videoWidth ?? 0 };
  });
}

/** Polls until the large tile shows `key` ("camera:<peer>" or "screen:<peer>") with a picture and frames rising. */
async function mainMoves(page, key, label) {
  const [kind, peer] = key.split(':');
  let prev = null;
  await until(`${label}: the large tile does not show ${key} with moving video`, async () => {
    const where = await placement(page);
    const cur = await frames(page);
    const count = (f) => (kind === 'screen' ? f.screens[peer] : f.cameras[peer]);
    const ok = where.mainKey === key && prev !== null && cur.mainWidth > 0 && count(cur) > (count(prev) ?? Infinity);
    prev = cur;
    return [ok, { where, cur }];
  });
}

/** Chooses a layout with the mouse, as a person would: on the choice's label (the radio itself is visually hidden). */
async function chooseLayout(page, name) {
  const group = page.getByRole('group', { name: 'Layout' });
  await group.locator('label').filter({ has: page.getByRole('radio', { name }) }).click();
  assert.ok(await group.getByRole('radio', { name }).isChecked(), `${name} is not checked after a click on it`);
}

describe('speaker layout', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patientA;
  let patientB;
  let roomId = '';
  const callPages = {}; // label → page
  const peerOf = {}; // label → peer id
  const nameOf = {}; // label → display name

  before(async () => {
    let patients;
    ({ srv, therapist, patients, roomId, browser, pages } = await startCallSuite({ label: 'speaker', viewport: null }));
    ({ a: patientA, b: patientB } = patients);

    const open = async (label, who, viewport) => {
      const { ctx, page } = await pages.open({ viewport });
      await useSession(ctx, srv, who.cookie);
      await page.addInitScript(spyOnLayerMessages);
      await page.goto(`${srv.url}/call/${roomId}`);
      await enterCall(page);
      callPages[label] = page;
      nameOf[label] = who.who.displayName;
      return page;
    };
    // A laptop-sized therapist page (its large tile is tall enough for the high layer), a
    // desktop patient, and a patient on a phone-sized screen.
    await open('therapist', therapist, { width: 1280, height: 900 });
    await open('patientA', patientA, { width: 1024, height: 800 });
    await admitFromLobby(callPages.therapist, patientA.id);
    await open('patientB', patientB, { width: 375, height: 812 });
    await admitFromLobby(callPages.therapist, patientB.id);
    for (const [label, page] of Object.entries(callPages)) {
      await page.getByTestId('call-self-video').waitFor();
      peerOf[label] = await until(`${label} has no peer id`, async () => {
        const id = await page.evaluate(() => window.__havenCall?.peerId ?? '');
        return [id !== '', id];
      });
    }
    // Everyone sees the two others before the layout changes.
    for (const [label, page] of Object.entries(callPages)) {
      await until(`${label} does not show two others`, async () => {
        const n = await page.locator('[data-testid="call-remote-video"]').count();
        return [n === 2, n];
      });
    }
  });

  after(async () => {
    if (pages) await pages.closeAll();
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  test('Layout is a labelled radio group, Grid first; Speaker is chosen from the keyboard', async () => {
    const page = callPages.therapist;
    const group = page.getByRole('group', { name: 'Layout' });
    const grid = group.getByRole('radio', { name: 'Grid' });
    const speaker = group.getByRole('radio', { name: 'Speaker' });
    assert.ok(await grid.isChecked(), 'Grid is not the first choice');
    assert.ok(!(await speaker.isChecked()));
    assert.ok((await placement(page)).grid, 'no grid to start with');
    await grid.focus();
    await page.keyboard.press('ArrowRight');
    assert.ok(await speaker.isChecked(), 'the arrow key did not choose Speaker');
    const where = await until('the speaker layout did not show', async () => {
      const w = await placement(page);
      return [!w.grid && w.main.length === 1, w];
    });
    // Remembered for the tab, and nothing else of the call is.
    assert.equal(await page.evaluate(() => sessionStorage.getItem('haven.call.layout')), 'speaker');
    assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('haven.call'))), ['haven.call.layout']);
    assert.equal(where.main.length, 1);
  });

  test('the large tile shows someone else with moving video; the filmstrip has everyone else', async () => {
    const page = callPages.therapist;
    const others = [peerOf.patientA, peerOf.patientB].map((p) => `camera:${p}`);
    const where = await until('the large tile does not show one of the others', async () => {
      const w = await placement(page);
      return [others.includes(w.mainKey), w];
    });
    await mainMoves(page, where.mainKey, 'therapist');
    const settled = await placement(page);
    const everyone = [...settled.main, ...settled.strip].sort();
    assert.deepEqual(everyone, [...others, 'self'].sort(), `tiles: ${JSON.stringify(settled)}`);
    assert.equal(settled.strip.at(-1), 'self', 'our own tile is not last in the strip');
    // The filmstrip's tile of the other patient has a picture too.
    const stripPeer = settled.strip.find((k) => k !== 'self').split(':')[1];
    await until('the filmstrip tile has no picture', async () => {
      const w = await page.locator(`[data-testid="call-filmstrip"] video[data-peer-id="${stripPeer}"]`).evaluate((v) => v.videoWidth);
      return [w > 0, w];
    });
    // Sound stays apart from the tiles: one audio element per person, wherever their picture is.
    assert.equal(await page.locator('[data-testid="call-remote-audio"]').count(), 2);
  });

  test('the large tile asks for a larger layer than the filmstrip tiles', async () => {
    const page = callPages.therapist;
    await page.getByTestId('call-filmstrip').scrollIntoViewIfNeeded();
    const s = await layersSent(page, 'therapist in the speaker layout', {
      also: (x) => x.tiles.length === 2 && x.tiles.every((t) => t.visible),
    });
    const main = s.tiles.find((t) => !t.inStrip);
    const strip = s.tiles.find((t) => t.inStrip);
    assert.ok(main && strip, JSON.stringify(s));
    assert.ok(main.height >= 480, `the large tile is ${main.height}px tall at 1280 × 900`);
    assert.equal(s.last[strip.mid], 'low', JSON.stringify(s));
    assert.ok(RANK.indexOf(s.last[main.mid]) > RANK.indexOf(s.last[strip.mid]), JSON.stringify(s.last));
  });

  test('Pin keeps a person large, from the keyboard; Unpin lets the speaker back', async () => {
    const page = callPages.therapist;
    const before = await placement(page);
    const stripKey = before.strip.find((k) => k !== 'self');
    const label = stripKey.endsWith(peerOf.patientA) ? 'patientA' : 'patientB';
    const pin = page.getByRole('button', { name: `Pin ${nameOf[label]}` });
    assert.equal(await pin.count(), 1, 'no Pin button named for the person');
    await pin.focus();
    await page.keyboard.press('Enter');
    await mainMoves(page, `camera:${peerOf[label]}`, 'therapist after Pin');
    const unpin = page.getByRole('button', { name: `Unpin ${nameOf[label]}` });
    assert.equal(await unpin.count(), 1, 'no Unpin button on the pinned tile');
    assert.match(await page.getByTestId('call-stage').textContent(), /pinned/);
    // Pinned beats the speaker: the other patient is now in the strip, whoever speaks.
    const pinned = await placement(page);
    assert.ok(pinned.strip.includes(before.mainKey), JSON.stringify(pinned));
    await layersSent(page, 'therapist with a pinned person');
    await unpin.click();
    await until('Unpin did not take the pin away', async () => {
      const n = await page.getByRole('button', { name: /^Unpin / }).count();
      return [n === 0, n];
    });
    await until('after Unpin the large tile shows nobody else', async () => {
      const w = await placement(page);
      return [w.mainKey === `camera:${peerOf.patientA}` || w.mainKey === `camera:${peerOf.patientB}`, w];
    });
  });

  test('axe-core finds nothing serious in the speaker layout', async () => {
    await assertAccessible(callPages.therapist, 'the call page in the speaker layout');
    await callPages.therapist.screenshot({ path: path.join(LOG_DIR, 'call-speaker.png'), fullPage: true });
  });

  test('the choice outlives a reload of the tab', async () => {
    const page = callPages.patientA;
    await chooseLayout(page, 'Speaker');
    await page.getByTestId('call-stage').waitFor();
    await page.reload();
    // An admitted person comes back without waiting.
    await enterCall(page);
    await page.getByTestId('call-self-video').waitFor();
    assert.ok(await page.getByRole('radio', { name: 'Speaker' }).isChecked(), 'the layout was not remembered');
    await until('patientA after the reload: no speaker layout with someone large', async () => {
      const w = await placement(page);
      return [!w.grid && (w.mainKey === `camera:${peerOf.therapist}` || w.mainKey === `camera:${peerOf.patientB}`), w];
    });
    peerOf.patientA = await page.evaluate(() => window.__havenCall.peerId);
  });

  test('at 375 × 812 a shared screen fills the width and the filmstrip scrolls sideways', async () => {
    const phone = callPages.patientB;
    await chooseLayout(phone, 'Speaker');
    const share = callPages.therapist.getByTestId('call-share');
    await share.click();
    await callPages.therapist.getByTestId('call-sharing').waitFor();
    await mainMoves(phone, `screen:${peerOf.therapist}`, 'patientB with a shared screen');
    const where = await placement(phone);
    // Both cameras in the strip, ours last.
    assert.deepEqual([...where.strip].sort(), [`camera:${peerOf.therapist}`, `camera:${peerOf.patientA}`, 'self'].sort(), JSON.stringify(where));
    assert.equal(where.strip.at(-1), 'self');
    assert.ok((await pageWidth(phone)) <= 375, `the page is ${await pageWidth(phone)}px wide at 375`);
    const box = await phone.evaluate(() => {
      const stage = document.querySelector('[data-testid="call-stage"]');
      const tile = stage.querySelector('li').getBoundingClientRect();
      const strip = document.querySelector('[data-testid="call-filmstrip"]');
      return { tile: tile.width, stage: stage.getBoundingClientRect().width, overflow: strip.scrollWidth - strip.clientWidth };
    });
    assert.ok(box.tile >= box.stage - 1, `the large tile is ${box.tile}px in a ${box.stage}px column`);
    assert.ok(box.overflow > 0, 'the filmstrip does not scroll sideways');

    // Scrolled to its end, the strip hides its first tile: that camera wants nothing and stops
    // arriving, while the large screen keeps moving. Scrolled back, it comes back.
    const strip = phone.getByTestId('call-filmstrip');
    await strip.scrollIntoViewIfNeeded();
    await strip.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    const hidden = await layersSent(phone, 'patientB with the strip scrolled to its end', {
      also: (x) => x.tiles.some((t) => t.inStrip && !t.visible && !t.edge),
    });
    const offTile = hidden.tiles.find((t) => t.inStrip && !t.visible && !t.edge);
    assert.equal(hidden.last[offTile.mid], 'off');
    let prev = null;
    await until('the hidden filmstrip tile still gets video, or the shared screen stopped', async () => {
      const cur = await frames(phone);
      const ok = prev !== null && cur.cameras[offTile.peer] === prev.cameras[offTile.peer] && cur.screens[peerOf.therapist] > prev.screens[peerOf.therapist];
      prev = cur;
      return [ok, cur];
    });
    await strip.evaluate((el) => el.scrollTo({ left: 0 }));
    await layersSent(phone, 'patientB with the strip scrolled back', { also: (x) => x.tiles.every((t) => t.visible) });
    prev = null;
    await until('the filmstrip tile did not get video again', async () => {
      const cur = await frames(phone);
      const ok = prev !== null && cur.cameras[offTile.peer] > prev.cameras[offTile.peer];
      prev = cur;
      return [ok, cur];
    });
    await phone.screenshot({ path: path.join(LOG_DIR, 'call-speaker-375.png'), fullPage: true });
    await assertAccessible(phone, 'the call page in the speaker layout at 375 px');

    await share.click();
    await until('patientB: the large tile still shows the screen after sharing stopped', async () => {
      const w = await placement(phone);
      return [w.mainKey !== null && !w.mainKey.startsWith('screen:'), w];
    });
  });

  test('Grid brings every tile back into the grid', async () => {
    const page = callPages.therapist;
    await chooseLayout(page, 'Grid');
    const where = await until('the grid did not come back', async () => {
      const w = await placement(page);
      const n = await page.locator('[data-testid="call-grid"] [data-testid="call-remote-video"]').count();
      return [w.grid && w.main.length === 0 && w.strip.length === 0 && n === 2, { w, n }];
    });
    assert.ok(where.w.grid);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('haven.call.layout')), 'grid');
    await layersSent(page, 'therapist back in the grid');
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
