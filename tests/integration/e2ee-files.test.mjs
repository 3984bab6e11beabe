// Files shared in a session (docs/E2EE.md, "Chat and files"): a browser encrypts a file
// with a fresh AES-GCM key, uploads only the ciphertext, and another person of the room
// downloads and decrypts it with the key that travelled in an MLS message. The server
// enforces who may upload and read, the size limits, and forgets the files when the room
// ends; its database never holds the plaintext.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { request, startServer } from '../lib/harness.mjs';

// Above server.max_body_bytes (64 KiB): uploads have their own limit.
const MAX_FILE = 100_000;
const MAX_ROOM = 250_000;
let srv;
let therapist;
let alice;
let stranger;
let room;
before(async () => {
  srv = await startServer({ env: { HAVEN_FILES_MAX_BYTES: String(MAX_FILE), HAVEN_FILES_MAX_PER_ROOM_BYTES: String(MAX_ROOM) } });
  const admin = await enrollAdminWithTotp(srv);
  therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist');
  alice = await invitePerson(srv, therapist.cookie, 'patient', 'alice');
  stranger = await invitePerson(srv, therapist.cookie, 'patient', 'stranger');
  const res = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [alice.id] } });
  room = res.json.room;
});
after(async () => {
  await srv?.stop();
});

function upload(who, bytes, contentType = 'application/octet-stream') {
  return request(srv, 'POST', `/api/rooms/${room.id}/files`, { cookie: who.cookie, body: Buffer.from(bytes), headers: { 'content-type': contentType } });
}

test('a file encrypted in one browser is read in another; limits and strangers are refused', async () => {
  const plaintext = Buffer.from('worksheet: three things that helped this week ' + Math.random());
  const key = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const aes = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, plaintext));

  const up = await upload(therapist, ciphertext);
  assert.equal(up.status, 201, up.text);
  const id = up.json.file.id;
  assert.equal(up.json.file.size, ciphertext.length);

  // Alice got {id, key, iv} in an MLS message; the server hands her the ciphertext.
  const down = await request(srv, 'GET', `/api/files/${id}`, { cookie: alice.cookie });
  assert.equal(down.status, 200);
  assert.equal(down.headers['content-type'], 'application/octet-stream');
  assert.match(down.headers['content-disposition'], /^attachment/);
  const got = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, aes, new Uint8Array(down.body));
  assert.deepEqual(Buffer.from(got), plaintext);

  // Someone not in the room cannot upload or read, and learns nothing about the file.
  assert.equal((await request(srv, 'GET', `/api/files/${id}`, { cookie: stranger.cookie })).status, 404);
  assert.equal((await upload(stranger, ciphertext)).status, 404);
  assert.equal((await request(srv, 'GET', `/api/files/${id}`)).status, 401);

  // Wrong type, empty, too large for one file, too much for the room: refused, nothing stored.
  assert.equal((await upload(alice, ciphertext, 'application/json')).json.error.code, 'unsupported_media_type');
  assert.equal((await upload(alice, new Uint8Array(0))).json.error.code, 'empty_body');
  const big = await upload(alice, new Uint8Array(MAX_FILE + 1));
  assert.equal(big.json.error.code, 'body_too_large');
  // Every other route keeps server.max_body_bytes, however large files may be.
  const bigJson = await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: JSON.stringify({ participant_ids: [alice.id], pad: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' } });
  assert.equal(bigJson.json.error.code, 'body_too_large');
  assert.equal((await upload(alice, new Uint8Array(MAX_FILE))).status, 201);
  assert.equal((await upload(alice, new Uint8Array(MAX_FILE))).status, 201);
  assert.equal((await upload(alice, new Uint8Array(MAX_FILE))).json.error.code, 'room_files_full');

  for (const file of ['haven.db', 'haven.db-wal']) {
    const p = path.join(srv.dataDir, file);
    if (fs.existsSync(p)) assert.equal(fs.readFileSync(p).includes(plaintext), false, file);
  }

  // The room ends: its files are gone.
  assert.equal((await request(srv, 'POST', `/api/rooms/${room.id}/end`, { cookie: therapist.cookie })).status, 200);
  assert.equal((await request(srv, 'GET', `/api/files/${id}`, { cookie: alice.cookie })).status, 404);
});
