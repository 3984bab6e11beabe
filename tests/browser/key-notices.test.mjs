// A contact's new device key is announced outside calls (issue 6 item 6, docs/E2EE.md "New
// device keys of your contacts"): a patient's home page records their therapist's device
// keys on the first look; when the therapist (or a server slipping in a listener) adds a
// device, the page names the therapist and shows the key's fingerprint until the patient
// presses OK. On a phone-sized screen, checked with axe.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth } from '../lib/browser-session.mjs';
import { assertAccessible } from '../lib/axe.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';

describe('a contact’s new device key is announced on the home page', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let patient;
  let page;

  /** Registers a device for `who` with a fresh Ed25519 key; answers its fingerprint as pages show it. */
  async function newDevice(who) {
    const { publicKey } = crypto.generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const res = await request(srv, 'POST', '/api/devices', { cookie: who.cookie, body: { signature_key: raw.toString('base64') } });
    assert.equal(res.status, 201, res.text);
    const hex = crypto.createHash('sha256').update(raw).digest('hex').slice(0, 32);
    return hex.match(/.{4}/g).join(' ');
  }

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'keys-therapist');
    patient = await invitePerson(srv, therapist.cookie, 'patient', 'keys-patient');
    await newDevice(therapist); // the therapist's laptop, before the patient first looks
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 375, height: 812 } });
  });

  after(() => closeSuite(pages, browser, srv));

  test('the first look records the therapist’s keys without a notice', async () => {
    ({ page } = await openSignedIn(pages, srv, patient.cookie, '/patient'));
    await page.getByTestId('key-notices-none').waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('key-notices').count(), 0);
  });

  test('a new device of the therapist is announced with its fingerprint until the patient presses OK', async () => {
    const fingerprint = await newDevice(therapist);
    await page.reload();
    const notice = page.locator(`[data-testid="key-notice"][data-user-id="${therapist.id}"]`);
    await notice.waitFor();
    assert.match(await notice.textContent(), new RegExp(`${therapist.who.displayName} set up a new browser or device for encrypted calls`));
    assert.equal((await notice.getByTestId('key-notice-fingerprint').textContent()).trim(), fingerprint);
    assert.ok((await pageWidth(page)) <= 375, 'the notice scrolls sideways on a phone');
    await assertAccessible(page, 'the home page with a key notice');
    await notice.getByTestId('key-notice-ok').click();
    await page.getByTestId('key-notices').waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('key-notices-none').waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('key-notices').count(), 0, 'an acknowledged key was announced again');
  });

  test('no page broke its content security policy or threw', () => {
    assertCleanPages(pages.records);
  });
});
