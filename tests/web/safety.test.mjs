// The pre-join's rule for an emergency contact's phone number (web/src/api-safety.ts) is the
// server's (api/safety_handlers.cpp): digits, spaces and + - ( ) . only, at least 3 digits.
// Join stays disabled for what the server would refuse, and is not held back for what it takes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWebUnit } from './web-unit.mjs';

const s = await loadWebUnit('safety');

test('numbers people write are dialable', () => {
  for (const phone of ['+44 7700 900461', '07700 900123', '+1 (555) 010-4477', '0161.496.0000', '112', ' 999 ']) {
    assert.equal(s.dialable(phone), true, phone);
  }
});

test('words, too few digits and other characters are not', () => {
  for (const phone of ['', '   ', 'call my sister', '12', '+44 7700 ext 12', '555-0100#', '555\t0100', '０１２３']) {
    assert.equal(s.dialable(phone), false, JSON.stringify(phone));
  }
});

test('the limits are the server\'s', () => {
  assert.deepEqual([s.LOCATION_MAX, s.CONTACT_NAME_MAX, s.CONTACT_PHONE_MAX], [200, 100, 40]);
});
