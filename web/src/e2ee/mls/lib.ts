// The one place that knows where things live inside ts-mls 1.6.4.
//
// Why deep imports instead of `import … from 'ts-mls'`: the package's barrel (index.js)
// also re-exports `nobleCryptoProvider`, whose hash module statically imports
// `@noble/hashes/sha2.js`, an optional peer dependency we do not install. Vite/rolldown
// resolves every static import of the barrel (even unused ones), so importing the barrel
// fails the build. The deep paths below are covered by the package's `"./*.js"` export
// map and pull in only the default (WebCrypto + @hpke/core) provider.
//
// Everything here is the 1.x API (positional arguments); GitHub main's 2.0 differs.
export { getCiphersuiteImpl } from 'ts-mls/crypto/getCiphersuiteImpl.js';
export { getCiphersuiteFromName } from 'ts-mls/crypto/ciphersuite.js';
export type { CiphersuiteImpl } from 'ts-mls/crypto/ciphersuite.js';
export { generateKeyPackageWithKey, makeKeyPackageRef } from 'ts-mls/keyPackage.js';
export type { KeyPackage, PrivateKeyPackage } from 'ts-mls/keyPackage.js';
export { defaultCapabilities } from 'ts-mls/defaultCapabilities.js';
export { createGroup, joinGroup, encodeGroupState, decodeGroupState } from 'ts-mls/clientState.js';
export type { ClientState, GroupState } from 'ts-mls/clientState.js';
export { createCommit } from 'ts-mls/createCommit.js';
export { createApplicationMessage } from 'ts-mls/createMessage.js';
export { processMessage } from 'ts-mls/processMessages.js';
export { encodeMlsMessage, decodeMlsMessage } from 'ts-mls/message.js';
export type { MLSMessage } from 'ts-mls/message.js';
export { decryptSenderData } from 'ts-mls/privateMessage.js';
export { mlsExporter } from 'ts-mls/keySchedule.js';
export { emptyPskIndex } from 'ts-mls/pskIndex.js';
export { defaultClientConfig } from 'ts-mls/clientConfig.js';
export type { ClientConfig } from 'ts-mls/clientConfig.js';
export type { AuthenticationService } from 'ts-mls/authenticationService.js';
export type { Credential } from 'ts-mls/credential.js';
export type { RatchetTree } from 'ts-mls/ratchetTree.js';
export type { IncomingMessageCallback } from 'ts-mls/incomingMessageAction.js';
export type { Proposal } from 'ts-mls/proposal.js';
export { zeroOutUint8Array } from 'ts-mls/util/byteArray.js';
export { CodecError, CryptoError, CryptoVerificationError, ValidationError } from 'ts-mls/mlsError.js';
export type { LeafIndex } from 'ts-mls/treemath.js';
export { toLeafIndex } from 'ts-mls/treemath.js';

import { getCiphersuiteImpl } from 'ts-mls/crypto/getCiphersuiteImpl.js';
import { getCiphersuiteFromName } from 'ts-mls/crypto/ciphersuite.js';
import type { CiphersuiteImpl } from 'ts-mls/crypto/ciphersuite.js';

/** Haven's default MLS ciphersuite (RFC 9420 §17.1, value 0x0001). */
export const HAVEN_CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;

let suitePromise: Promise<CiphersuiteImpl> | undefined;

/**
 * The ciphersuite implementation, built once. Suite 1 signs with WebCrypto Ed25519
 * whenever `crypto.subtle` exists (Chrome 137+, Firefox 129+, Safari 17+, node 20);
 * ts-mls has no fallback in that case, so an old browser fails here, loudly.
 */
export function havenSuite(): Promise<CiphersuiteImpl> {
  suitePromise ??= getCiphersuiteImpl(getCiphersuiteFromName(HAVEN_CIPHERSUITE));
  return suitePromise;
}

/** Lower-case hex, for map keys and store keys. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Byte equality (not constant time: used on public values only). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
