// New device keys of one's contacts (web/src/e2ee/contact-keys.ts): the first look at a
// person records their keys silently; a key seen later is announced until acknowledged;
// revoked keys and unreadable records never announce anything. Pure functions in node.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWebUnit } from './web-unit.mjs';

const k = await loadWebUnit('contact-keys');
const key = (userId, deviceId, fingerprint, extra = {}) => ({ userId, displayName: `Name ${userId}`, deviceId, fingerprint, createdAt: 100, revoked: false, ...extra });

test('the first look records silently; a new key of someone known is announced once acknowledged it is quiet', () => {
  const first = k.reviewKeys(k.seenOf(null), ['t'], [key('t', 'd1', 'aaaa')]);
  assert.deepEqual(first.notices, []);
  const second = k.reviewKeys(first.seen, ['t'], [key('t', 'd1', 'aaaa'), key('t', 'd2', 'bbbb')]);
  assert.deepEqual(second.notices.map((n) => [n.userId, n.deviceId, n.fingerprint, n.displayName]), [['t', 'd2', 'bbbb', 'Name t']]);
  // Not acknowledged: announced again on the next look.
  assert.equal(k.reviewKeys(second.seen, ['t'], [key('t', 'd2', 'bbbb')]).notices.length, 1);
  const known = k.acknowledge(second.seen, second.notices[0]);
  assert.deepEqual(k.reviewKeys(known, ['t'], [key('t', 'd1', 'aaaa'), key('t', 'd2', 'bbbb')]).notices, []);
  assert.equal(k.acknowledge(known, second.notices[0]), known, 'acknowledged twice');
});

test('the same device with a different key is new; revoked keys and new people announce nothing', () => {
  const base = k.reviewKeys(k.seenOf(null), ['t'], [key('t', 'd1', 'aaaa')]).seen;
  assert.equal(k.reviewKeys(base, ['t'], [key('t', 'd1', 'cccc')]).notices.length, 1, 'a changed key');
  assert.deepEqual(k.reviewKeys(base, ['t'], [key('t', 'd3', 'dddd', { revoked: true })]).notices, []);
  const withNewPerson = k.reviewKeys(base, ['t', 'p'], [key('p', 'x', 'eeee')]);
  assert.deepEqual(withNewPerson.notices, [], 'someone new to this browser');
  assert.ok(withNewPerson.seen.people.includes('p'));
});

test('a contact first looked at without a device has their first device announced', () => {
  const none = k.reviewKeys(k.seenOf(null), ['t'], []);
  assert.deepEqual(none.notices, []);
  assert.equal(k.reviewKeys(none.seen, ['t'], [key('t', 'd1', 'aaaa')]).notices.length, 1);
});

test('an unreadable record counts as nothing seen', () => {
  for (const text of ['', 'not json', '{"people": 3}', 'null']) assert.deepEqual(k.seenOf(text), { people: [], keys: [] });
  assert.equal(k.seenKeysItem('u1'), 'haven.seen-device-keys.u1');
});
