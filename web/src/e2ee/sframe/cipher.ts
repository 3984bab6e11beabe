// SFrame encryption and decryption of one frame (RFC 9605 §4.4.3, §4.4.4).
//
//   header     = encodeHeader(KID, CTR)                      (§4.3)
//   nonce      = sframe_salt XOR CTR                         (§4.4.3)
//   aad        = header || metadata
//   ct || tag  = AEAD.Encrypt(sframe_key, nonce, aad, plaintext)
//   SFrame     = header || ct || tag
//
// "metadata" is data the application authenticates but does not encrypt; Haven passes the
// codec bytes it leaves in clear before the SFrame header (codec-prefix.ts, §9.4), so an
// SFU that rewrites them makes the frame fail authentication instead of decoding wrongly.
//
// decryptFrame returns a result object instead of throwing: frames come from the network,
// and §4.4.4 says a frame that fails to decrypt is discarded, which is the caller's job.

import { decodeHeader, encodeHeader } from './header';
import { makeNonce, suiteParams, type SFrameKey } from './keys';

export type DecryptFailure =
  | 'malformed' // header unreadable, or too short to hold a tag
  | 'wrong-key' // the header's KID is not the KID of the key passed in
  | 'auth-failed'; // AEAD tag check failed (tampered, or a different key with the same KID)

export type DecryptResult =
  | {
      readonly ok: true;
      readonly kid: bigint;
      readonly ctr: bigint;
      readonly plaintext: Uint8Array<ArrayBuffer>;
    }
  | { readonly ok: false; readonly reason: DecryptFailure };

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Encrypts one frame. Returns header || ciphertext || tag.
 * `kid` must be the KID the key was derived for: the header names the key, and a mismatch
 * would make every receiver fail, so it is a caller bug and throws.
 */
export async function encryptFrame(
  key: SFrameKey,
  kid: bigint,
  ctr: bigint,
  metadata: Uint8Array,
  plaintext: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  if (kid !== key.kid) throw new RangeError(`SFrame key was derived for KID ${key.kid}, not ${kid}`);
  const p = suiteParams(key.suite);
  const header = encodeHeader(kid, ctr);
  const aad = concat(header, metadata);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: makeNonce(key.salt, ctr), additionalData: aad, tagLength: p.nt * 8 },
    key.key,
    Uint8Array.from(plaintext),
  );
  return concat(header, new Uint8Array(sealed));
}

/**
 * Decrypts one SFrame (header || ct || tag) with the given key and metadata.
 * Never throws on hostile input.
 */
export async function decryptFrame(key: SFrameKey, metadata: Uint8Array, sframe: Uint8Array): Promise<DecryptResult> {
  const h = decodeHeader(sframe);
  if (!h.ok) return { ok: false, reason: 'malformed' };
  const p = suiteParams(key.suite);
  if (sframe.length < h.length + p.nt) return { ok: false, reason: 'malformed' };
  if (h.kid !== key.kid) return { ok: false, reason: 'wrong-key' };
  const aad = concat(sframe.subarray(0, h.length), metadata);
  try {
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: makeNonce(key.salt, h.ctr), additionalData: aad, tagLength: p.nt * 8 },
      key.key,
      Uint8Array.from(sframe.subarray(h.length)),
    );
    return { ok: true, kid: h.kid, ctr: h.ctr, plaintext: new Uint8Array(pt) };
  } catch {
    // WebCrypto signals a bad tag with OperationError; nothing else can fail here.
    return { ok: false, reason: 'auth-failed' };
  }
}
