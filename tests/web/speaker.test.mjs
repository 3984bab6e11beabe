// The call page's speaker layout (web/src/call/speaker-layout.ts): how long the active
// speaker is held large, and which tile is large. Pure functions, checked in node.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWebUnit } from './web-unit.mjs';

const s = await loadWebUnit('speaker');
const HOLD = s.SPEAKER_HOLD_MS;

test('the hold is about a second and a half', () => {
  assert.ok(HOLD >= 1000 && HOLD <= 3000, `SPEAKER_HOLD_MS is ${HOLD}`);
});

test('the first person heard is shown at once; the same person again changes nothing', () => {
  const shown = s.holdSpeaker(s.NO_SPEAKER, 'b', ['a', 'b'], 1000);
  assert.deepEqual(shown, { peerId: 'b', since: 1000 });
  assert.equal(s.holdSpeaker(shown, 'b', ['a', 'b'], 1001), shown);
});

test('someone else heard waits until the one shown has been there for the hold', () => {
  const shown = { peerId: 'a', since: 1000 };
  const present = ['a', 'b', 'c'];
  assert.equal(s.holdSpeaker(shown, 'b', present, 1000 + HOLD - 1), shown);
  assert.equal(s.switchDueIn(shown, 'b', present, 1000 + HOLD - 400), 400);
  assert.deepEqual(s.holdSpeaker(shown, 'b', present, 1000 + HOLD), { peerId: 'b', since: 1000 + HOLD });
  // Long after: at once, and the new one is held from then.
  const next = s.holdSpeaker(shown, 'c', present, 60_000);
  assert.deepEqual(next, { peerId: 'c', since: 60_000 });
  assert.equal(s.holdSpeaker(next, 'a', present, 60_000 + 200), next);
});

test('speakers trading turns faster than the hold do not make the picture jump', () => {
  const present = ['a', 'b'];
  let shown = s.holdSpeaker(s.NO_SPEAKER, 'a', present, 0);
  const seen = [];
  // The SFU may name a new speaker every 500 ms.
  for (let t = 500, i = 0; t <= 6000; t += 500, i++) {
    shown = s.holdSpeaker(shown, i % 2 === 0 ? 'b' : 'a', present, t);
    if (seen.at(-1) !== shown.peerId) seen.push(shown.peerId);
  }
  const switches = seen.length - 1;
  assert.ok(switches <= Math.floor(6000 / HOLD), `${switches} switches in 6 s: ${seen.join(' ')}`);
});

test('nothing waits when nobody else is heard, or when we ourselves are the speaker', () => {
  const shown = { peerId: 'a', since: 0 };
  assert.equal(s.switchDueIn(shown, 'a', ['a', 'b'], 10), null);
  assert.equal(s.switchDueIn(shown, '', ['a', 'b'], 10), null);
  // Our own peer id is not among the others: the one shown stays.
  assert.equal(s.holdSpeaker(shown, 'me', ['a', 'b'], 10_000), shown);
  assert.equal(s.switchDueIn(shown, 'me', ['a', 'b'], 10_000), null);
  assert.equal(s.switchDueIn(shown, 'b', ['a', 'b'], 10_000), 0);
});

test('the one shown leaves: whoever is heard at once, else the first one here, which does not hold', () => {
  const shown = { peerId: 'gone', since: 5000 };
  assert.deepEqual(s.holdSpeaker(shown, 'c', ['b', 'c'], 5100), { peerId: 'c', since: 5100 });
  const fallback = s.holdSpeaker(shown, '', ['b', 'c'], 5100);
  assert.equal(fallback.peerId, 'b');
  // Nobody chose the fallback: the first person heard replaces it without waiting.
  assert.deepEqual(s.holdSpeaker(fallback, 'c', ['b', 'c'], 5101), { peerId: 'c', since: 5101 });
  // Everyone left.
  assert.deepEqual(s.holdSpeaker(shown, '', [], 5100), { peerId: '', since: -Infinity });
  assert.equal(s.holdSpeaker(s.NO_SPEAKER, '', [], 1), s.NO_SPEAKER);
});

test('the large tile: a pinned person, else a shared screen, else the speaker, else ourselves', () => {
  assert.equal(s.mainTileKey('p', ['x'], 'a'), 'camera:p');
  assert.equal(s.mainTileKey('', ['x', 'y'], 'a'), 'screen:x');
  assert.equal(s.mainTileKey('', [], 'a'), 'camera:a');
  assert.equal(s.mainTileKey('', [], ''), 'self');
});

test('a remembered layout is read back; anything else is the grid', () => {
  assert.equal(s.layoutOf('speaker'), 'speaker');
  assert.equal(s.layoutOf('grid'), 'grid');
  assert.equal(s.layoutOf(null), 'grid');
  assert.equal(s.layoutOf('Speaker'), 'grid');
  assert.deepEqual([...s.CALL_LAYOUTS], ['grid', 'speaker']);
});
