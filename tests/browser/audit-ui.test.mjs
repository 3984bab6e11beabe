// The admin's audit trail page (/admin/audit): after a therapist with two-step
// verification reads a patient's record through the API, the admin (with TOTP) filters by
// that patient and sees the read under the therapist's name; the action filter narrows
// the list; "Export CSV" downloads the matching entries; the latest signed checkpoint is
// shown; at 375 px nothing scrolls sideways. Against the real server and Debian's Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LOG_DIR, launchBrowser, logPath, startServer } from '../lib/harness.mjs';
import { apiGet, enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pageWidth } from '../lib/browser-session.mjs';

/** The rows shown: [{ seq, action, actor, subject, who, what }]. */
function shownEvents(page) {
  return page.$$eval('[data-testid="audit-event"]', (items) =>
    items.map((li) => ({
      seq: Number(li.getAttribute('data-seq')),
      action: li.getAttribute('data-action'),
      actor: li.getAttribute('data-actor-id'),
      subject: li.getAttribute('data-subject-id'),
      who: li.querySelector('[data-testid="audit-who"]')?.textContent.trim(),
      what: li.querySelector('[data-testid="audit-what"]')?.textContent.trim(),
      outcome: li.querySelector('[data-testid="audit-outcome"]')?.textContent.trim(),
    })),
  );
}

describe('audit trail page: search, filters, CSV export, checkpoint', () => {
  let srv;
  let browser;
  let pages;
  let admin;
  let therapist;
  let patient;
  let other; // a second patient of the same therapist, whose record nobody read
  let page;

  /** Clicks Search and waits for the answer; answers the request body the page sent. */
  const searchNow = async () => {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/audit/search'));
    await page.getByTestId('audit-search').click();
    const res = await answered;
    assert.equal(res.status(), 200, `search answered ${res.status()}`);
    await page.waitForFunction(() => !document.querySelector('[data-testid="audit-search"]')?.disabled);
    return JSON.parse(res.request().postData());
  };

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'therapist');
    patient = await invitePerson(srv, therapist.cookie, 'patient', 'patient');
    other = await invitePerson(srv, therapist.cookie, 'patient', 'other');
    const read = await apiGet(srv, therapist.cookie, `/api/patients/${patient.id}`);
    assert.equal(read.status, 200, `record read answered ${read.status}`);
    browser = await launchBrowser();
    pages = pageOpener(browser, logPath('browser'));
    ({ page } = await openSignedIn(pages, srv, admin.cookie, '/admin', { viewport: { width: 375, height: 800 }, acceptDownloads: true }));
  });

  after(() => closeSuite(pages, browser, srv));

  test('the admin page links to the audit trail (ids only in the URL)', async () => {
    await page.getByTestId('admin-audit-link').click();
    await page.waitForURL((u) => u.pathname === '/admin/audit');
    assert.equal(new URL(page.url()).search, '');
    await page.getByTestId('audit-event').first().waitFor();
    assert.equal(await page.title(), 'Audit trail · Haven');
  });

  test('the latest signed checkpoint is shown with a one-line explanation', async () => {
    const card = page.getByTestId('audit-checkpoint');
    await card.getByTestId('checkpoint-size').waitFor();
    assert.ok(Number((await card.getByTestId('checkpoint-size').textContent()).trim()) > 0);
    assert.match((await card.getByTestId('checkpoint-root').textContent()).trim(), /^[0-9a-f]{16}…$/);
    assert.notEqual((await card.getByTestId('checkpoint-time').textContent()).trim(), '–');
    assert.match(await card.textContent(), /no longer match/);
    const api = await apiGet(srv, admin.cookie, '/api/audit/checkpoint');
    assert.equal(api.status, 200);
    assert.ok((await card.getByTestId('checkpoint-root').getAttribute('title')).length === 64);
  });

  test('filtered by the patient, the record read shows under the therapist\'s name', async () => {
    await page.getByTestId('audit-patient').selectOption(patient.id);
    const body = await searchNow();
    assert.deepEqual(body.subject_id, patient.id);
    assert.equal(body.actor_id, undefined);
    const events = await shownEvents(page);
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.subject === patient.id), 'an entry about someone else is shown');
    const read = events.find((e) => e.action === 'patient.record_read');
    assert.ok(read, `no record read among ${events.map((e) => e.action).join(', ')}`);
    assert.equal(read.who, therapist.who.displayName);
    assert.equal(read.actor, therapist.id);
    assert.equal(read.what, 'Opened a patient record');
    assert.equal(read.outcome, 'Done');
    // Newest first.
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
    // Nobody read the other patient's record.
    await page.getByTestId('audit-patient').selectOption(other.id);
    await page.getByTestId('audit-action').selectOption('patient.record_read');
    await searchNow();
    await page.getByTestId('audit-none').waitFor();
    assert.equal(await page.getByTestId('audit-event').count(), 0);
  });

  test('the action filter narrows the therapist\'s entries', async () => {
    await page.getByTestId('audit-patient').selectOption('');
    await page.getByTestId('audit-action').selectOption('');
    await page.getByTestId('audit-person').selectOption(therapist.id);
    await searchNow();
    const all = await shownEvents(page);
    assert.ok(all.every((e) => e.actor === therapist.id));
    assert.ok(all.some((e) => e.action.startsWith('invitation.')), 'the therapist\'s invitations are missing');
    await page.getByTestId('audit-action').selectOption('patient.record_read');
    const body = await searchNow();
    assert.equal(body.action, 'patient.record_read');
    assert.equal(body.actor_id, therapist.id);
    const reads = await shownEvents(page);
    assert.equal(reads.length, 1, JSON.stringify(reads.map((e) => e.action)));
    assert.ok(reads.length < all.length);
    assert.equal(reads[0].subject, patient.id);
  });

  test('a date range after today shows nothing', async () => {
    const d = new Date();
    d.setDate(d.getDate() + 2);
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await page.getByTestId('audit-from').fill(day);
    const body = await searchNow();
    assert.equal(body.from, Math.floor(new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() / 1000));
    await page.getByTestId('audit-none').waitFor();
    await page.getByTestId('audit-from').fill('');
    await page.getByTestId('audit-person').selectOption('');
    await page.getByTestId('audit-action').selectOption('');
  });

  test('"Export CSV" downloads the entries about the patient', async () => {
    await page.getByTestId('audit-patient').selectOption(patient.id);
    const downloaded = page.waitForEvent('download');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/audit/export'));
    await page.getByTestId('audit-export').click();
    const res = await answered;
    assert.equal(res.status(), 200);
    assert.equal(JSON.parse(res.request().postData()).subject_id, patient.id);
    const download = await downloaded;
    assert.equal(download.suggestedFilename(), 'haven-audit.csv');
    const file = await download.path();
    const csv = await fs.readFile(file, 'utf8');
    const lines = csv.split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'seq,at,actor_id,action,subject_type,subject_id,outcome,request_id');
    assert.ok(lines.length > 1);
    assert.ok(csv.includes(`"${patient.id}"`), 'the patient id is not in the file');
    assert.ok(csv.includes('"patient.record_read"'));
    assert.ok(!csv.includes(patient.who.displayName) && !csv.includes(patient.who.email), 'names in the export');
    await page.getByTestId('audit-status').filter({ hasText: 'downloaded' }).waitFor();
    // The blob: URL lives only for the download; the CSP is not loosened for it.
    assert.equal(await page.locator('a[download]').count(), 0);
  });

  test('at 375 px the page does not scroll sideways', async () => {
    assert.ok((await pageWidth(page)) <= 375, `audit page is ${await pageWidth(page)}px wide`);
    await page.screenshot({ path: path.join(LOG_DIR, 'audit-trail-375.png'), fullPage: true });
  });

  test('nothing violated the CSP and no page threw', () => {
    assertCleanPages(pages.records);
  });
});
