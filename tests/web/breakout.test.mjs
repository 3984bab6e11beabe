// A private check-in on the call page (web/src/call/breakout.ts): which room.breakout moves
// a page, and where; the devices chosen before joining go along once. Pure functions in node.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWebUnit } from './web-unit.mjs';

const b = await loadWebUnit('breakout');

test('the moved people go into the check-in, and back when it ends; nobody else moves', () => {
  const start = b.breakoutOf({ type: 'room.breakout', running: true, room_id: 'child' });
  assert.equal(b.breakoutTarget(start, 'session'), 'child');
  assert.equal(b.breakoutTarget(start, 'child'), '', 'already there');
  // Everyone else learns only that one runs: they stay.
  assert.equal(b.breakoutTarget(b.breakoutOf({ running: true }), 'session'), '');
  // Inside the check-in: told where it belongs while it runs, sent back when it ends.
  assert.equal(b.breakoutTarget(b.breakoutOf({ running: true, parent_room_id: 'session' }), 'child'), '');
  assert.equal(b.breakoutTarget(b.breakoutOf({ running: false, room_id: 'child', parent_room_id: 'session' }), 'child'), 'session');
  assert.equal(b.breakoutTarget(b.breakoutOf({ running: false }), 'session'), '');
  // Odd fields read as nothing.
  assert.deepEqual(b.breakoutOf({ running: 'yes', room_id: 7 }), { running: false, roomId: '', parentRoomId: '' });
});

test('chosen devices are carried to the next room once, and only to it', () => {
  const choices = { cameraId: 'cam', microphoneId: 'mic', noiseSuppression: true };
  b.carryChoices('child', choices);
  assert.equal(b.takeCarriedChoices('other'), null, 'another room got them');
  b.carryChoices('child', choices);
  assert.deepEqual(b.takeCarriedChoices('child'), choices);
  assert.equal(b.takeCarriedChoices('child'), null, 'carried twice');
});
