// A clinician stands in for an absent host in the call's MLS group (issue 6 item 3,
// docs/E2EE.md "Stand-in"): a therapist runs a group with a co-facilitator (staff) and two
// patients; the therapist's connection goes; a patient leaves; the co-facilitator's page
// removes the patient's device from the group (a new epoch and security code on the pages
// left), and when the patient comes back it adds them again — without the therapist.
// Everything is polled until a generous deadline; nothing here asserts how fast.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from '../lib/accounts.mjs';
import { assertCleanPages, closeSuite, openSignedIn, pageOpener, pollUntil } from '../lib/browser-session.mjs';
import { admitFromLobby, callState, enterCall, waitInLobby } from '../lib/call-page.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from '../lib/harness.mjs';

const until = (label, probe) => pollUntil(label, probe, { deadlineMs: 90_000, pollMs: 500 });

describe('a co-facilitator stands in for the host in the encrypted group', () => {
  let srv;
  let browser;
  let pages;
  let therapist;
  let cofacilitator;
  let ann;
  let ben;
  let roomId = '';
  const page = {};

  before(async () => {
    srv = await startServer({ env: MANY_REQUESTS_ENV });
    const admin = await enrollAdminWithTotp(srv);
    therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'standin-therapist');
    cofacilitator = await invitePersonWithTotp(srv, admin.cookie, 'staff', 'standin-staff');
    ann = await invitePerson(srv, therapist.cookie, 'patient', 'standin-ann');
    ben = await invitePerson(srv, therapist.cookie, 'patient', 'standin-ben');
    const res = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [cofacilitator.id, ann.id, ben.id] } });
    assert.equal(res.status, 201, res.text);
    roomId = res.json.room.id;
    browser = await launchTrustingBrowser(srv);
    pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, viewport: { width: 1024, height: 800 } });
  });

  after(() => closeSuite(pages, browser, srv));

  const roster = (p) => p.evaluate(() => (window.__havenCall?.e2ee()?.roster ?? []).map((r) => r.userId));

  async function secureTogether(label, group) {
    return until(label, async () => {
      const states = await Promise.all(group.map(([, p]) => callState(p)));
      const ok = states.every((s, i) => s.state === 'secure' && s.code !== null && s.code === states[0].code &&
        group.every(([who], j) => j === i || s.receiving.includes(who.id)));
      return [ok, states];
    });
  }

  async function joinAndAdmit(who) {
    const p = (await openSignedIn(pages, srv, who.cookie, `/call/${roomId}`)).page;
    await enterCall(p);
    await waitInLobby(p);
    await admitFromLobby(page.t, who.id);
    return p;
  }

  let codeWithEveryone = '';
  test('the therapist admits the co-facilitator and both patients: one group, one code', async () => {
    page.t = (await openSignedIn(pages, srv, therapist.cookie, `/call/${roomId}`)).page;
    await enterCall(page.t);
    page.c = await joinAndAdmit(cofacilitator);
    page.ann = await joinAndAdmit(ann);
    page.ben = await joinAndAdmit(ben);
    const states = await secureTogether('the four are not in one group', [[therapist, page.t], [cofacilitator, page.c], [ann, page.ann], [ben, page.ben]]);
    codeWithEveryone = states[0].code;
  });

  test('with the therapist gone, a patient who leaves is removed from the group by the co-facilitator’s page', async () => {
    await page.t.close(); // the therapist's connection goes
    await page.ben.close();
    const before = await page.c.evaluate(() => window.__havenCall.e2ee().counters.commitsAccepted);
    const states = await until('Ben is still in the group', async () => {
      const [c, a] = await Promise.all([callState(page.c), callState(page.ann)]);
      const rosters = await Promise.all([roster(page.c), roster(page.ann)]);
      const ok = rosters.every((r) => !r.includes(ben.id)) && c.state === 'secure' && a.state === 'secure' && c.code === a.code;
      return [ok, { c, a, rosters }];
    });
    assert.notEqual(states.c.code, codeWithEveryone, 'the code did not change when Ben left');
    const after = await page.c.evaluate(() => window.__havenCall.e2ee().counters.commitsAccepted);
    assert.ok(after > before, `the co-facilitator's page made no commit (${before} → ${after})`);
    await secureTogether('the co-facilitator and Ann do not see each other', [[cofacilitator, page.c], [ann, page.ann]]);
  });

  test('Ben comes back (the therapist had let him in): the co-facilitator’s page adds him again', async () => {
    page.ben = (await openSignedIn(pages, srv, ben.cookie, `/call/${roomId}`)).page;
    await enterCall(page.ben);
    await secureTogether('Ben was not added back', [[cofacilitator, page.c], [ann, page.ann], [ben, page.ben]]);
  });

  test('no page broke its content security policy or threw', () => {
    assertCleanPages(pages.records);
  });
});
