// New device keys of one's contacts (docs/E2EE.md "New device keys of your contacts"):
// GET /api/contacts/devices lists the device keys of the people one is in care with — a
// patient's clinicians, a clinician's patients — and nobody else's; admins and clinicians
// without two-step verification are refused.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { request, startServer } from '../lib/harness.mjs';

let srv;
let admin;
let therapist;
let otherTherapist;
let patient;
let otherPatient;

before(async () => {
  srv = await startServer();
  admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'contacts-therapist');
  otherTherapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist', 'contacts-other');
  patient = await invitePerson(srv, therapist.cookie, 'patient', 'contacts-patient');
  otherPatient = await invitePerson(srv, otherTherapist.cookie, 'patient', 'contacts-other-patient');
});

after(async () => {
  await srv?.stop();
});

/** Registers a browser device with a fresh Ed25519 key; answers its id and base64 key. */
async function registerDevice(who) {
  const { publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const key = raw.toString('base64');
  const res = await request(srv, 'POST', '/api/devices', { cookie: who.cookie, body: { signature_key: key } });
  assert.equal(res.status, 201, res.text);
  return { id: res.json.device.id, key };
}

const contacts = async (who) => {
  const res = await request(srv, 'GET', '/api/contacts/devices', { cookie: who.cookie });
  assert.equal(res.status, 200, res.text);
  return res.json.contacts;
};

test('a therapist sees their patient’s device keys; another therapist does not', async () => {
  const device = await registerDevice(patient);
  const mine = await contacts(therapist);
  const p = mine.find((c) => c.user_id === patient.id);
  assert.ok(p, JSON.stringify(mine));
  assert.equal(p.display_name, patient.who.displayName);
  assert.deepEqual(p.devices.map((d) => [d.device_id, d.signature_key, d.revoked]), [[device.id, device.key, false]]);
  assert.equal(typeof p.devices[0].created_at, 'number');
  assert.ok(!(await contacts(otherTherapist)).some((c) => c.user_id === patient.id));
});

test('a patient sees their therapist’s device keys, a revoked one marked; not another therapist’s', async () => {
  const device = await registerDevice(therapist);
  await registerDevice(otherTherapist);
  const revoke = await request(srv, 'POST', `/api/devices/${device.id}/revoke`, { cookie: therapist.cookie });
  assert.equal(revoke.status, 200, revoke.text);
  const fresh = await registerDevice(therapist);
  const mine = await contacts(patient);
  assert.deepEqual(mine.map((c) => c.user_id), [therapist.id]);
  assert.deepEqual(mine[0].devices.map((d) => [d.device_id, d.revoked]), [[device.id, true], [fresh.id, false]]);
  assert.ok(!(await contacts(otherPatient)).some((c) => c.user_id === therapist.id));
});

test('admins, clinicians without two-step verification and strangers are refused', async () => {
  assert.equal((await request(srv, 'GET', '/api/contacts/devices', { cookie: admin.cookie })).status, 403);
  const staff = await invitePerson(srv, admin.cookie, 'staff', 'contacts-staff');
  const noMfa = await request(srv, 'GET', '/api/contacts/devices', { cookie: staff.cookie });
  assert.deepEqual([noMfa.status, noMfa.json.error.code], [403, 'mfa_required']);
  assert.equal((await request(srv, 'GET', '/api/contacts/devices')).status, 401);
});
