// The web unit bundle exists and loads in node (scripts/run-tests.sh builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWebUnit } from './web-unit.mjs';

test('the e2ee bundle loads and names the MLS ciphersuite', async () => {
  const e2ee = await loadWebUnit('e2ee');
  assert.equal(e2ee.E2EE_CIPHERSUITE, 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
});
