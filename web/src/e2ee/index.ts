// End-to-end encryption for calls and chat (MLS groups via ts-mls, SFrame media).
// This file is the entry that tests/web imports through web/vite.unit.config.ts.
export const E2EE_CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
export * from './mls/index';

// SFrame media encryption (RFC 9605): pure functions, tested in tests/web/sframe.test.mjs.
export * from './sframe/index';
