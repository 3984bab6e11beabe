// Reading the audit trail: admins search and export it (MFA first); a patient sees who
// read their record (accounting of disclosures), and nobody else can.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { enableTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { enrollAdmin, recordSensitive, request, startServer } from '../lib/harness.mjs';

let srv;
let admin;
let therapist;
let onCall;
let patient;
before(async () => {
  srv = await startServer();
  const enrolled = await enrollAdmin(srv);
  admin = { ...enrolled, user: enrolled.response.json.user };
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'audit-therapist');
  onCall = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'audit-oncall');
  patient = await invitePerson(srv, therapist.cookie, 'patient', 'audit-patient');
  assert.equal((await request(srv, 'GET', `/api/patients/${patient.id}`, { cookie: therapist.cookie })).status, 200);
  const reason = recordSensitive('Crisis line call, primary therapist away today', 'break-glass reason');
  assert.equal((await request(srv, 'POST', '/api/break-glass', { cookie: onCall.cookie, body: { patient_id: patient.id, reason } })).status, 201);
  assert.equal((await request(srv, 'GET', `/api/patients/${patient.id}`, { cookie: onCall.cookie })).status, 200);
  assert.equal((await request(srv, 'GET', `/api/patients/${patient.id}`, { cookie: patient.cookie })).status, 200);
});
after(async () => {
  await srv?.stop();
});

const search = (body) => request(srv, 'POST', '/api/audit/search', { cookie: admin.cookie, body });

test('admins need MFA to search; clinicians and patients never', async () => {
  assert.equal((await search({})).json.error.code, 'mfa_required');
  assert.equal((await request(srv, 'POST', '/api/audit/search', { cookie: therapist.cookie, body: {} })).status, 403);
  assert.equal((await request(srv, 'POST', '/api/audit/search', { cookie: patient.cookie, body: {} })).status, 403);
  ({ cookie: admin.cookie } = await enableTotp(srv, admin.cookie, admin.who.password, 'audit-admin'));
  assert.equal((await search({})).status, 200);
});

test('filters by subject, actor, action and time; newest first', async () => {
  const about = (await search({ subject_id: patient.id, action: 'patient.record_read' })).json.events;
  assert.deepEqual(about.map((e) => e.action), ['patient.record_read', 'patient.record_read_break_glass', 'patient.record_read']);
  assert.ok(about.every((e) => e.subject_type === 'patient' && e.subject_id === patient.id));
  assert.ok(about[0].seq > about[1].seq, 'newest first');
  const byOnCall = (await search({ actor_id: onCall.id, subject_id: patient.id })).json.events.map((e) => e.action);
  assert.deepEqual(byOnCall, ['patient.record_read_break_glass', 'break_glass.granted']);
  const future = (await search({ from: Math.floor(Date.now() / 1000) + 3600 })).json.events;
  assert.deepEqual(future, []);
  assert.equal((await search({ limit: 2 })).json.events.length, 2);
  const bad = await search({ action: "x' OR 1=1" });
  assert.equal(bad.status, 400);
  assert.equal((await search({ from: 100, to: 50 })).status, 400);
  assert.equal((await search({ limit: 0 })).status, 400);
  const noText = JSON.stringify((await search({})).json);
  assert.ok(!noText.includes('Crisis line'), 'no PHI content in the trail');
});

test('export is a CSV download of the same events', async () => {
  const res = await request(srv, 'POST', '/api/audit/export', { cookie: admin.cookie, body: { subject_id: patient.id } });
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/csv/);
  assert.match(res.headers['content-disposition'], /^attachment; filename="haven-audit.csv"$/);
  const lines = res.text.trim().split('\r\n');
  assert.equal(lines[0], 'seq,at,actor_id,action,subject_type,subject_id,outcome,request_id');
  const json = (await search({ subject_id: patient.id })).json.events;
  // The search above is itself audited, after the export: compare the export's rows.
  assert.ok(lines.length - 1 >= 4);
  assert.ok(lines.slice(1).every((l) => l.includes(`"${patient.id}"`)));
  assert.ok(json.length >= lines.length - 1);
});

test('a patient sees who read their record, including emergency access', async () => {
  const res = await request(srv, 'GET', '/api/me/disclosures', { cookie: patient.cookie });
  assert.equal(res.status, 200, res.text);
  const seen = res.json.disclosures.map((d) => [d.by, d.action, d.emergency]);
  assert.deepEqual(seen, [
    [onCall.who.displayName, 'patient.record_read_break_glass', true],
    [onCall.who.displayName, 'break_glass.granted', true],
    [therapist.who.displayName, 'patient.record_read', false],
  ]);
  assert.ok(res.json.disclosures.every((d) => d.by_role === 'therapist'));
  assert.equal((await request(srv, 'GET', '/api/me/disclosures', { cookie: therapist.cookie })).status, 403);
});
