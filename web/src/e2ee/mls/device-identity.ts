// A device's long-term MLS identity: one Ed25519 signature key pair per browser device,
// registered with the server after an MFA login, and the BasicCredential that names it.
//
// Credential (RFC 9420 §5.3): credential_type = basic, identity = the UTF-8 bytes of
//
//     haven:<user_id>:<device_id>
//
// with no JSON, no padding, no trailing newline. <user_id> and <device_id> are the
// server's ids (32 lower-case hex characters today); the grammar accepted is
// [A-Za-z0-9_-]{1,64} for each, so the string splits on ':' without ambiguity. A
// fixed text form (rather than JSON) means there is exactly one encoding per device,
// so two members can never disagree about whether credentials are "the same".
//
// The credential binds nothing by itself: BasicCredential is just a claim. What makes
// it trustworthy is the authentication service (auth-service.ts) checking that the
// leaf's signature_key equals the key the directory registered for that device
// (RFC 9420 §5.3.1: the AS must bind identity to signature key).
import {
  defaultCapabilities,
  encodeMlsMessage,
  decodeMlsMessage,
  generateKeyPackageWithKey,
  havenSuite,
  makeKeyPackageRef,
  toHex,
  bytesEqual,
} from './lib';
import type { Credential, KeyPackage, PrivateKeyPackage } from './lib';

/** A device's signature key pair. */
export interface DeviceIdentity {
  /** Raw 32-byte Ed25519 public key: the LeafNode's signature_key and what the server registers. */
  publicKey: Uint8Array;
  /**
   * The private key as ts-mls's WebCrypto signer takes it: PKCS#8 (48 bytes). ts-mls
   * also accepts a raw 32-byte seed; we keep whatever keygen gave us. Secret: only ever
   * persisted through key-store.ts (AES-GCM under a non-extractable key).
   */
  privateKey: Uint8Array;
}

/** Where a device is: the two halves of `haven:<user_id>:<device_id>`. */
export interface DeviceName {
  userId: string;
  deviceId: string;
}

/** One freshly generated KeyPackage (RFC 9420 §10). */
export interface GeneratedKeyPackage {
  /** Serialized MLSMessage, wire_format = mls_key_package (5): what is uploaded (base64). */
  publicBytes: Uint8Array;
  /** The parsed public KeyPackage (needed again to join from a Welcome). */
  publicPackage: KeyPackage;
  /** init, HPKE leaf and signature private keys; persist encrypted, use once, then delete. */
  privatePackage: PrivateKeyPackage;
  /** KeyPackageRef (RFC 9420 §5.2) in hex: names the package in the key store and in Welcomes. */
  ref: string;
}

const ID_PART = /^[A-Za-z0-9_-]{1,64}$/;
const PREFIX = 'haven';

/** How long an uploaded KeyPackage stays usable (RFC 9420 §7.2 lifetime). */
export const KEY_PACKAGE_LIFETIME_SECONDS = 28 * 24 * 3600;
/** Back-dating of not_before, so a peer whose clock is a little behind still accepts it. */
const CLOCK_SKEW_SECONDS = 3600;

/** Generates a new device signature key pair with the suite's signer (WebCrypto Ed25519). */
export async function createDeviceIdentity(): Promise<DeviceIdentity> {
  const cs = await havenSuite();
  const { publicKey, signKey } = await cs.signature.keygen();
  if (publicKey.length !== 32) throw new Error('Ed25519 public key is not 32 bytes');
  return { publicKey, privateKey: signKey };
}

/** The exact credential identity string for a device. Throws on ids outside the grammar. */
export function credentialIdentity(name: DeviceName): string {
  if (!ID_PART.test(name.userId)) throw new Error('user id not allowed in a credential');
  if (!ID_PART.test(name.deviceId)) throw new Error('device id not allowed in a credential');
  return `${PREFIX}:${name.userId}:${name.deviceId}`;
}

/** The BasicCredential for a device. */
export function makeCredential(name: DeviceName): Credential {
  return { credentialType: 'basic', identity: new TextEncoder().encode(credentialIdentity(name)) };
}

/**
 * Parses a credential back into a device name, or undefined when it is not exactly
 * `haven:<user_id>:<device_id>` (wrong type, bad UTF-8, extra fields, bad characters).
 */
export function parseCredential(credential: Credential): DeviceName | undefined {
  if (credential.credentialType !== 'basic') return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(credential.identity);
  } catch {
    return undefined;
  }
  const parts = text.split(':');
  if (parts.length !== 3 || parts[0] !== PREFIX) return undefined;
  const [, userId, deviceId] = parts as [string, string, string];
  if (!ID_PART.test(userId) || !ID_PART.test(deviceId)) return undefined;
  return { userId, deviceId };
}

/**
 * Makes `count` KeyPackages that all carry the device's one signature key.
 *
 * ts-mls's `generateKeyPackage` draws a fresh signature key pair per call, which the
 * server would refuse (it checks KeyPackage signature_key == the device's registered
 * key). `generateKeyPackageWithKey(credential, capabilities, lifetime, extensions,
 * {signKey, publicKey}, cs)` takes an existing pair instead: each package still gets
 * its own fresh init key and HPKE leaf key (RFC 9420 §10: init_key and encryption_key
 * MUST differ and a package is used once, §16.8), only the signer is shared.
 */
export async function makeKeyPackages(
  identity: DeviceIdentity,
  userId: string,
  deviceId: string,
  count: number,
): Promise<GeneratedKeyPackage[]> {
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new Error('bad KeyPackage count');
  const cs = await havenSuite();
  const credential = makeCredential({ userId, deviceId });
  const now = BigInt(Math.floor(Date.now() / 1000));
  const lifetime = {
    notBefore: now - BigInt(CLOCK_SKEW_SECONDS),
    notAfter: now + BigInt(KEY_PACKAGE_LIFETIME_SECONDS),
  };
  const signer = { signKey: identity.privateKey, publicKey: identity.publicKey };
  const out: GeneratedKeyPackage[] = [];
  for (let i = 0; i < count; i++) {
    const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
      credential,
      defaultCapabilities(),
      lifetime,
      [],
      signer,
      cs,
    );
    const publicBytes = encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_key_package',
      keyPackage: publicPackage,
    });
    const ref = toHex(await makeKeyPackageRef(publicPackage, cs.hash));
    out.push({ publicBytes, publicPackage, privatePackage, ref });
  }
  return out;
}

/**
 * Parses a serialized KeyPackage MLSMessage (as claimed from the server). Throws when the
 * bytes are not exactly one mls_key_package message.
 */
export function decodeKeyPackageMessage(bytes: Uint8Array): KeyPackage {
  const decoded = decodeMlsMessage(bytes, 0);
  if (decoded === undefined || decoded[1] !== bytes.length) throw new Error('malformed KeyPackage message');
  const msg = decoded[0];
  if (msg.wireformat !== 'mls_key_package') throw new Error('not a KeyPackage message');
  return msg.keyPackage;
}

/** The signature_key a serialized KeyPackage carries (what the server compares). */
export function keyPackageSignatureKey(bytes: Uint8Array): Uint8Array {
  return decodeKeyPackageMessage(bytes).leafNode.signaturePublicKey;
}

/** True when the KeyPackage was signed by (and names) this device key. */
export function keyPackageBelongsTo(bytes: Uint8Array, identity: DeviceIdentity): boolean {
  return bytesEqual(keyPackageSignatureKey(bytes), identity.publicKey);
}
