// /account "Make new recovery codes": after the password is asked again, 10 new codes are
// shown once, saying the old ones no longer work; a wrong password shows an error and
// changes nothing; afterwards an old code no longer signs in through the API and a new one
// does. Against the real server and Debian's headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LOG_DIR, launchBrowser, logPath, recordSensitive, request, startServer } from '../lib/harness.mjs';
import { enrollAdminWithTotp, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth, shownText } from '../lib/browser-session.mjs';

describe('account: make new recovery codes', () => {
  let srv;
  let browser;
  let pages;
  let person;
  let page;
  let newCodes = [];
  const posts = [];

  /** Password step, then `code` as a recovery code; answers the second step's response. */
  const signInWithRecovery = async (code) => {
    const first = await request(srv, 'POST', '/api/session', { body: { email: person.who.email, password: person.who.password } });
    assert.equal(first.status, 200);
    assert.equal(first.json.mfa_required, true);
    const mfa = (first.headers['set-cookie'] || []).map((c) => /^\s*(haven_mfa=[^;]*)/.exec(c)?.[1]).find(Boolean);
    assert.ok(mfa, 'no haven_mfa cookie');
    recordSensitive(mfa.split('=')[1], 'therapist haven_mfa cookie');
    const res = await request(srv, 'POST', '/api/session/mfa', { headers: { cookie: mfa }, body: { method: 'recovery', code } });
    for (const c of res.headers['set-cookie'] || []) {
      const m = /^\s*haven_session=([^;]+)/.exec(c);
      if (m && m[1].length >= 6) recordSensitive(m[1], 'therapist session (recovery sign-in)');
    }
    return res;
  };

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    person = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'therapist');
    assert.equal(person.recoveryCodes.length, 10);
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'), { viewport: { width: 375, height: 800 } });
    ({ page } = await openSignedIn(pages, srv, person.cookie, '/account'));
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/mfa/recovery-codes')) posts.push(r.url());
    });
    await page.getByTestId('recovery-new-start').waitFor();
  });

  after(() => closeSuite(pages, browser, srv));

  test('a wrong password shows an error and makes no codes', async () => {
    await page.getByTestId('recovery-new-start').click();
    const wrong = recordSensitive(`${person.who.password}-nope`, 'wrong password');
    await page.getByTestId('recovery-new-password').fill(wrong);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/mfa/recovery-codes'));
    await page.getByTestId('recovery-new-submit').click();
    assert.equal((await answered).status(), 401);
    assert.ok((await shownText(page, 'recovery-new-error')).length > 0);
    assert.equal(await page.getByTestId('recovery-new-password').inputValue(), '', 'the wrong password stays in the field');
    assert.equal(await page.getByTestId('recovery-codes').count(), 0);
  });

  test('with the password, 10 new codes are shown once and the old ones are said to stop working', async () => {
    await page.getByTestId('recovery-new-password').fill(person.who.password);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/mfa/recovery-codes'));
    await page.getByTestId('recovery-new-submit').click();
    assert.equal((await answered).status(), 200);
    const list = page.getByTestId('recovery-codes');
    await list.waitFor();
    newCodes = (await list.locator('li').allTextContents()).map((c) => recordSensitive(c.trim(), 'therapist new recovery code'));
    assert.equal(newCodes.length, 10);
    assert.equal(new Set(newCodes).size, 10);
    assert.ok(newCodes.every((c) => !person.recoveryCodes.includes(c)), 'an old code came back');
    assert.match(await page.getByTestId('recovery-renewed').textContent(), /old recovery codes no longer work/);
    assert.equal(posts.length, 2);
    assert.ok((await pageWidth(page)) <= 375, `account page is ${await pageWidth(page)}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'recovery-codes-renewed-375.png'), fullPage: true });

    await page.getByTestId('recovery-saved').click();
    await page.getByTestId('recovery-left').waitFor();
    assert.match(await page.getByTestId('recovery-left').textContent(), /\b10\b/);
    assert.equal(await page.getByTestId('recovery-codes').count(), 0, 'the codes are still shown');
  });

  test('an old code no longer signs in; a new one does', async () => {
    const old = await signInWithRecovery(person.recoveryCodes[0]);
    assert.equal(old.status, 401);
    assert.equal(old.json?.error?.code, 'mfa_invalid');
    const fresh = await signInWithRecovery(newCodes[0]);
    assert.equal(fresh.status, 200, `a new code answered ${fresh.status}`);
    assert.equal(fresh.json.user.id, person.id);
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
