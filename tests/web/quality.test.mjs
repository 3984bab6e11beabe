// The call page's connection quality indicator (web/src/call/connection-quality.ts): its
// bands and how it reads getStats reports. Pure functions, checked in node.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWebUnit } from './web-unit.mjs';

const q = await loadWebUnit('quality');

test('good, fair and poor by round trip and loss; unknown before any round trip', () => {
  assert.equal(q.qualityOf(null, 0), 'unknown');
  assert.equal(q.qualityOf(0.001, 0), 'good');
  assert.equal(q.qualityOf(0.3, 0.02), 'good');
  assert.equal(q.qualityOf(0.31, 0), 'fair');
  assert.equal(q.qualityOf(0.1, 0.05), 'fair');
  assert.equal(q.qualityOf(0.9, 0), 'poor');
  assert.equal(q.qualityOf(0.1, 0.2), 'poor');
});

test('loss counts only what happened since the last sample', () => {
  const first = { rttSeconds: 0.05, packetsReceived: 1000, packetsLost: 100 };
  const second = { rttSeconds: 0.05, packetsReceived: 1990, packetsLost: 110 };
  assert.equal(q.lossBetween(null, first), 100 / 1100);
  assert.equal(q.lossBetween(first, second), 10 / 1000);
  assert.equal(q.lossBetween(second, second), 0);
  // Lost counters can go down (late packets recovered): never negative.
  assert.equal(q.lossBetween(second, { ...second, packetsReceived: 2000, packetsLost: 105 }), 0);
});

test('the call is as good as its worse connection', () => {
  assert.equal(q.worse('good', 'poor'), 'poor');
  assert.equal(q.worse('fair', 'good'), 'fair');
  assert.equal(q.worse('unknown', 'good'), 'good');
  assert.equal(q.worse('unknown', 'unknown'), 'unknown');
});

test('a getStats report gives the nominated pair’s round trip and inbound totals', () => {
  const report = [
    { type: 'candidate-pair', nominated: false, state: 'succeeded', currentRoundTripTime: 0.9 },
    { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.012 },
    { type: 'inbound-rtp', kind: 'audio', packetsReceived: 500, packetsLost: 2 },
    { type: 'inbound-rtp', kind: 'video', packetsReceived: 1500, packetsLost: 8 },
    { type: 'outbound-rtp', packetsSent: 99 },
  ];
  assert.deepEqual(q.sampleOf(report), { rttSeconds: 0.012, packetsReceived: 2000, packetsLost: 10 });
  assert.deepEqual(q.sampleOf([]), { rttSeconds: null, packetsReceived: 0, packetsLost: 0 });
});
