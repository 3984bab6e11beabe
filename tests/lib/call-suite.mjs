// The start most call suites share: a real server (with sign-in limits raised for many
// pages), a therapist with two-step verification, patients of theirs, a video room for
// some of them, and a Chromium that trusts the server's certificate.
import assert from 'node:assert/strict';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp, MANY_REQUESTS_ENV } from './accounts.mjs';
import { pageOpener } from './browser-session.mjs';
import { launchTrustingBrowser, logPath, request, startServer } from './harness.mjs';

/**
 * `label`: prefix of the accounts' labels ("chat" → chat-therapist, chat-patient-a…);
 * `patients`: their keys (a patient `outsider`, say, is made but left out of the room);
 * `inRoom`: the keys of the patients the room is for (none: no room); `viewport`: the
 * pages' default (null: Playwright's). Answers { srv, admin, therapist, patients,
 * roomId, browser, pages }.
 */
export async function startCallSuite({ label, patients = ['a', 'b'], inRoom = ['a', 'b'], viewport = { width: 1024, height: 800 } }) {
  const srv = await startServer({ env: MANY_REQUESTS_ENV });
  const admin = await enrollAdminWithTotp(srv);
  const therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', `${label}-therapist`);
  const people = {};
  for (const key of patients) {
    people[key] = await invitePerson(srv, therapist.cookie, 'patient', key.length === 1 ? `${label}-patient-${key}` : `${label}-${key}`);
  }
  let roomId = '';
  if (inRoom.length > 0) {
    const res = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: inRoom.map((k) => people[k].id) } });
    assert.equal(res.status, 201, res.text);
    roomId = res.json.room.id;
  }
  const browser = await launchTrustingBrowser(srv);
  const pages = pageOpener(browser, logPath('browser'), { ignoreHTTPSErrors: false, ...(viewport ? { viewport } : {}) });
  return { srv, admin, therapist, patients: people, roomId, browser, pages };
}
