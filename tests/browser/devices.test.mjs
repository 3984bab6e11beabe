// Devices for encrypted calls on /account (docs/E2EE.md "Devices and KeyPackages (HTTP)"):
// a patient's browsers registered through the API are listed with their key fingerprints
// (SHA-256 of the raw key, first 16 bytes, 8 groups of 4 hex digits), active ones newest
// first; revoking one asks first, then marks it revoked and lists it after the active one,
// and GET /api/devices agrees. Against the real server and Debian's headless Chromium, at 375 px.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOG_DIR, launchBrowser, logPath, request, startServer } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, shownText } from '../lib/browser-session.mjs';

/** What the page should show for a raw public key. */
function fingerprintOf(key) {
  const hex = crypto.createHash('sha256').update(key).digest().subarray(0, 16).toString('hex');
  return hex.match(/.{4}/g).join(' ');
}

describe('account page: devices for encrypted calls', () => {
  let srv;
  let browser;
  let pages;
  let patient; // { who, id, cookie }
  let page;
  const devices = []; // [{ id, key, fingerprint }] in the order registered

  async function register() {
    const key = crypto.randomBytes(32);
    const res = await request(srv, 'POST', '/api/devices', { cookie: patient.cookie, body: { signature_key: key.toString('base64') } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.device.signature_key, key.toString('base64'));
    return { id: res.json.device.id, key, fingerprint: fingerprintOf(key) };
  }

  /** The list's items as { id, state, fingerprint, text }, in page order. */
  function shownDevices() {
    return page.getByTestId('device-item').evaluateAll((items) =>
      items.map((li) => ({
        id: li.getAttribute('data-device-id'),
        state: li.getAttribute('data-state'),
        fingerprint: (li.querySelector('[data-testid="device-fingerprint"]')?.textContent ?? '').trim(),
        text: li.textContent ?? '',
      })),
    );
  }

  before(async () => {
    srv = await startServer();
    const admin = await enrollAdminWithTotp(srv);
    const therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist');
    patient = await invitePerson(srv, therapist.cookie, 'patient', 'patient');
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'), { viewport: { width: 375, height: 812 } });
  });

  after(() => closeSuite(pages, browser, srv));

  test('with no devices yet, the panel says how one appears', async () => {
    ({ page } = await openSignedIn(pages, srv, patient.cookie, '/account'));
    await page.getByTestId('devices-none').waitFor();
    assert.match(await page.getByTestId('devices-none').textContent(), /No devices yet — a browser registers itself the first time you join an encrypted call\./);
  });

  test('two registered devices are listed, newest first, each with its key fingerprint', async () => {
    devices.push(await register());
    await sleep(1100); // created_at is in seconds: make "newest first" observable
    devices.push(await register());
    assert.notEqual(devices[0].fingerprint, devices[1].fingerprint);

    await page.getByTestId('devices-refresh').click();
    await page.waitForFunction(() => {
      const prints = [...document.querySelectorAll('[data-testid="device-fingerprint"]')].map((e) => e.textContent ?? '');
      return prints.length === 2 && prints.every((p) => /^[0-9a-f]{4}( [0-9a-f]{4}){7}$/.test(p.trim()));
    });
    const shown = await shownDevices();
    assert.deepEqual(
      shown.map((d) => [d.id, d.state, d.fingerprint]),
      [
        [devices[1].id, 'active', devices[1].fingerprint],
        [devices[0].id, 'active', devices[0].fingerprint],
      ],
    );
    for (const d of shown) {
      assert.match(d.text, /Added .*\d/);
      assert.match(d.text, /Not used since it was added/);
      assert.match(d.text, /No unused encryption keys/);
      assert.doesNotMatch(d.text, /Revoked/);
    }
    // Each Revoke button is a labelled button, described by its device's details.
    const revoke = page.getByTestId('device-revoke');
    assert.equal(await revoke.count(), 2);
    const described = await revoke.first().evaluate((b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent ?? '');
    assert.ok(described.includes(devices[1].fingerprint), 'the Revoke button is not described by its device');

    // After a reload too.
    await page.reload();
    await page.getByTestId('device-item').nth(1).waitFor();
    await page.getByText(devices[0].fingerprint).waitFor();
    await page.getByText(devices[1].fingerprint).waitFor();
    assert.ok((await pageWidth(page)) <= 375, `/account is ${await pageWidth(page)}px wide at 375px`);
    await page.getByTestId('devices').screenshot({ path: path.join(LOG_DIR, 'account-devices-375.png') });
  });

  test('revoking asks first; cancel keeps the device and returns focus', async () => {
    const newest = page.locator(`[data-device-id="${devices[1].id}"]`);
    await newest.getByTestId('device-revoke').focus();
    await page.keyboard.press('Enter');
    const confirm = newest.getByTestId('device-revoke-confirm');
    await confirm.waitFor();
    assert.match(
      (await confirm.textContent()).replace(/\s+/g, ' '),
      /Revoking signs this device out of encrypted sessions: it can no longer be admitted to calls\. Messages it already received stay on it\./,
    );
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'device-revoke-yes');
    await newest.getByTestId('device-revoke-cancel').click();
    await page.waitForFunction(
      (id) => document.activeElement?.getAttribute('data-testid') === 'device-revoke' && document.activeElement.closest('li')?.getAttribute('data-device-id') === id,
      devices[1].id,
    );
    assert.equal(await confirm.count(), 0);
    const list = await apiGet(srv, patient.cookie, '/api/devices');
    assert.ok(list.json.devices.every((d) => d.revoked_at === null), 'cancel revoked a device');
  });

  test('revoking one through the UI marks it revoked; the other stays active', async () => {
    const newest = page.locator(`[data-device-id="${devices[1].id}"]`);
    await newest.getByTestId('device-revoke').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'device-revoke-yes');
    const answered = page.waitForResponse((r) => r.url().endsWith(`/api/devices/${devices[1].id}/revoke`));
    await page.keyboard.press('Enter');
    const res = await answered;
    assert.equal(res.status(), 200);
    assert.match(await shownText(page, 'devices-status'), /Device revoked/);

    await page.waitForFunction(() => document.querySelectorAll('[data-state="revoked"]').length === 1);
    const shown = await shownDevices();
    // The active device first, then the revoked one.
    assert.deepEqual(
      shown.map((d) => [d.id, d.state, d.fingerprint]),
      [
        [devices[0].id, 'active', devices[0].fingerprint],
        [devices[1].id, 'revoked', devices[1].fingerprint],
      ],
    );
    assert.match(shown[1].text, /Revoked .*\d/);
    assert.equal(await page.locator(`[data-device-id="${devices[1].id}"]`).getByTestId('device-revoke').count(), 0);
    assert.equal(await page.locator(`[data-device-id="${devices[0].id}"]`).getByTestId('device-revoke').count(), 1);

    const list = await apiGet(srv, patient.cookie, '/api/devices');
    assert.equal(list.status, 200);
    const byId = Object.fromEntries(list.json.devices.map((d) => [d.id, d]));
    assert.equal(typeof byId[devices[1].id].revoked_at, 'number');
    assert.equal(byId[devices[0].id].revoked_at, null);

    // The same after a reload.
    await page.reload();
    await page.locator('[data-state="revoked"]').waitFor();
    assert.deepEqual(
      (await shownDevices()).map((d) => [d.id, d.state]),
      [
        [devices[0].id, 'active'],
        [devices[1].id, 'revoked'],
      ],
    );
    assert.ok((await pageWidth(page)) <= 375);
    assertCleanPages(pages.records);
  });
});
