// A device key's fingerprint, for people to compare by eye: the account page lists it
// for every device, and a call's security panel can show the same for each member's
// device. SHA-256 of the raw 32-byte Ed25519 public key; its first 16 bytes as 8 groups
// of 4 lowercase hex digits ("3f2a 9c01 …"). Public data: it identifies a key, it is not
// a secret.
import { base64ToBytes } from './base64';

/** The fingerprint of raw public-key bytes: "xxxx xxxx xxxx xxxx xxxx xxxx xxxx xxxx". */
export async function keyFingerprint(key: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', key.slice()));
  const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return (hex.match(/.{4}/g) ?? []).join(' ');
}

/** The fingerprint of a base64 public key (as GET /api/devices sends it); '' when it is not 32 bytes of base64. */
export async function deviceFingerprint(signatureKey: string): Promise<string> {
  const key = base64ToBytes(signatureKey);
  if (!key || key.length !== 32) return '';
  return keyFingerprint(key);
}
