// SFrame key schedule (RFC 9605 §4.4.2) and nonce formation (§4.4.3), on WebCrypto only.
//
//   sframe_secret = HKDF-Extract("", base_key)
//   sframe_key    = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret key " || KID(8) || suite(2), Nk)
//   sframe_salt   = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret salt " || KID(8) || suite(2), Nn)
//   nonce         = sframe_salt XOR (CTR as Nn-byte big-endian)
//
// The labels (with the trailing space, KID as 8 bytes, suite as 2 bytes, all big-endian)
// are checked byte for byte against sframe_key_label / sframe_salt_label in the RFC 9605
// Appendix C vectors (tests/web/sframe.test.mjs).
//
// WebCrypto's HKDF does Extract and Expand in one call, so deriveSFrameKey never sees the
// intermediate secret; sframeSecret() recomputes it with HMAC only so tests can compare it
// with the vectors. The AES key itself is derived straight into a non-extractable
// CryptoKey; only the 12-byte salt is held as bytes (it is not secret on its own: it is
// XORed into the nonce, which the receiver reconstructs from the header anyway).
//
// Suites: Haven sends AES_128_GCM_SHA256_128 (0x0004). AES_256_GCM_SHA512_128 (0x0005) is
// supported so both AEAD vector sets pass and a later switch is a one-line change. The
// AES-CTR+HMAC suites 0x0001..0x0003 (truncated tags) are not implemented.

export const SUITE_AES_128_GCM_SHA256_128 = 0x0004;
export const SUITE_AES_256_GCM_SHA512_128 = 0x0005;
export type SFrameSuite = typeof SUITE_AES_128_GCM_SHA256_128 | typeof SUITE_AES_256_GCM_SHA512_128;

/** Haven's media suite (DESIGN.md: AES-128-GCM, matching the MLS ciphersuite). */
export const HAVEN_SFRAME_SUITE: SFrameSuite = SUITE_AES_128_GCM_SHA256_128;

export interface SuiteParams {
  readonly hash: 'SHA-256' | 'SHA-512';
  readonly nh: number; // hash output bytes (HKDF-Extract output length)
  readonly nk: number; // AEAD key bytes
  readonly nn: number; // nonce bytes
  readonly nt: number; // tag bytes
}

// RFC 9605 §4.5 table of cipher suites.
const SUITES: Readonly<Record<SFrameSuite, SuiteParams>> = {
  [SUITE_AES_128_GCM_SHA256_128]: { hash: 'SHA-256', nh: 32, nk: 16, nn: 12, nt: 16 },
  [SUITE_AES_256_GCM_SHA512_128]: { hash: 'SHA-512', nh: 64, nk: 32, nn: 12, nt: 16 },
};

export function isSupportedSuite(suite: number): suite is SFrameSuite {
  return suite === SUITE_AES_128_GCM_SHA256_128 || suite === SUITE_AES_256_GCM_SHA512_128;
}

export function suiteParams(suite: number): SuiteParams {
  if (!isSupportedSuite(suite)) throw new RangeError(`unsupported SFrame cipher suite ${suite}`);
  return SUITES[suite];
}

/** A derived per-KID key: what encryptFrame / decryptFrame need. */
export interface SFrameKey {
  readonly suite: SFrameSuite;
  readonly kid: bigint;
  readonly key: CryptoKey; // AES-GCM, non-extractable, encrypt+decrypt
  readonly salt: Uint8Array<ArrayBuffer>; // Nn bytes
}

const encoder = new TextEncoder();
const KEY_LABEL = encoder.encode('SFrame 1.0 Secret key ');
const SALT_LABEL = encoder.encode('SFrame 1.0 Secret salt ');

function label(prefix: Uint8Array, kid: bigint, suite: number): Uint8Array<ArrayBuffer> {
  if (kid < 0n || kid >= 1n << 64n) throw new RangeError(`SFrame KID out of range: ${kid}`);
  const out = new Uint8Array(prefix.length + 10);
  out.set(prefix, 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(prefix.length, kid, false);
  view.setUint16(prefix.length + 8, suite, false);
  return out;
}

/** HKDF info for sframe_key (§4.4.2). */
export function sframeKeyLabel(kid: bigint, suite: number): Uint8Array<ArrayBuffer> {
  return label(KEY_LABEL, kid, suite);
}

/** HKDF info for sframe_salt (§4.4.2). */
export function sframeSaltLabel(kid: bigint, suite: number): Uint8Array<ArrayBuffer> {
  return label(SALT_LABEL, kid, suite);
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(bytes);
}

/** Imports an epoch's base key once so every KID of that epoch derives from it. */
export function importBaseKey(baseKey: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', copy(baseKey), 'HKDF', false, ['deriveBits', 'deriveKey']);
}

// Empty HKDF salt, as §4.4.2 says. (RFC 5869 §2.2 makes it equal to HashLen zero bytes.)
const EMPTY = new Uint8Array(0);

async function hkdfBits(base: CryptoKey, hash: string, info: Uint8Array<ArrayBuffer>, bytes: number) {
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash, salt: EMPTY, info }, base, bytes * 8);
  return new Uint8Array(bits);
}

/**
 * Derives the per-KID AES-GCM key and salt from an imported base key. The key never
 * exists as bytes in JS; pass the result to encryptFrame / decryptFrame.
 */
export async function deriveSFrameKey(base: CryptoKey, kid: bigint, suite: SFrameSuite): Promise<SFrameKey> {
  const p = suiteParams(suite);
  const [key, salt] = await Promise.all([
    crypto.subtle.deriveKey(
      { name: 'HKDF', hash: p.hash, salt: EMPTY, info: sframeKeyLabel(kid, suite) },
      base,
      { name: 'AES-GCM', length: p.nk * 8 },
      false,
      ['encrypt', 'decrypt'],
    ),
    hkdfBits(base, p.hash, sframeSaltLabel(kid, suite), p.nn),
  ]);
  return { suite, kid, key, salt };
}

/** Convenience for tests and one-off use: base key bytes → SFrameKey. */
export async function deriveSFrameKeyFromBytes(baseKey: Uint8Array, kid: bigint, suite: SFrameSuite): Promise<SFrameKey> {
  return deriveSFrameKey(await importBaseKey(baseKey), kid, suite);
}

/**
 * The raw sframe_key and sframe_salt bytes, for comparison with the RFC 9605 Appendix C
 * vectors. Production code uses deriveSFrameKey, which keeps the key non-extractable.
 */
export async function deriveKeyMaterial(
  baseKey: Uint8Array,
  kid: bigint,
  suite: SFrameSuite,
): Promise<{ key: Uint8Array<ArrayBuffer>; salt: Uint8Array<ArrayBuffer> }> {
  const p = suiteParams(suite);
  const base = await importBaseKey(baseKey);
  const [key, salt] = await Promise.all([
    hkdfBits(base, p.hash, sframeKeyLabel(kid, suite), p.nk),
    hkdfBits(base, p.hash, sframeSaltLabel(kid, suite), p.nn),
  ]);
  return { key, salt };
}

/**
 * sframe_secret = HKDF-Extract("", base_key) = HMAC-Hash(salt, base_key) (RFC 5869 §2.2).
 * WebCrypto refuses an empty HMAC key, so the empty salt is given as HashLen zero bytes,
 * which HMAC treats identically (keys shorter than the block are zero-padded).
 * Only used to check the vectors' intermediate value.
 */
export async function sframeSecret(baseKey: Uint8Array, suite: SFrameSuite): Promise<Uint8Array<ArrayBuffer>> {
  const p = suiteParams(suite);
  const hmacKey = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(p.nh),
    { name: 'HMAC', hash: p.hash },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, copy(baseKey)));
}

/**
 * nonce = salt XOR CTR, with CTR left-padded to Nn bytes big-endian (§4.4.3).
 * CTR is at most 64 bits, so only the last 8 bytes of the salt change.
 */
export function makeNonce(salt: Uint8Array, ctr: bigint): Uint8Array<ArrayBuffer> {
  if (ctr < 0n || ctr >= 1n << 64n) throw new RangeError(`SFrame CTR out of range: ${ctr}`);
  if (salt.length < 8) throw new RangeError('SFrame salt shorter than 8 bytes');
  const nonce = copy(salt);
  let v = ctr;
  for (let i = nonce.length - 1; i >= nonce.length - 8; i--) {
    nonce[i] = (nonce[i] ?? 0) ^ Number(v & 0xffn);
    v >>= 8n;
  }
  return nonce;
}
