// Haven's MLS authentication service (RFC 9420 §5.3.1, RFC 9750 §4).
//
// ts-mls calls `validateCredential(credential, signatureKey)` for every LeafNode it
// accepts: KeyPackages in Add proposals (ours and others'), UpdatePath leaves in
// commits, every leaf of the ratchet tree received in a Welcome, and GroupInfo signers.
// Its `defaultAuthenticationService` returns true for everything, which would let the
// server (which hands out KeyPackages) slip in any key under any name. Ours:
//
//  1. accepts only BasicCredentials of the exact form `haven:<user_id>:<device_id>`
//     (device-identity.ts), so every leaf maps to one user and one device; and
//  2. when given a directory, accepts a leaf only if its signature_key is the key the
//     directory has registered for that (user, device). An unknown device is refused.
//
// The directory is the caller's view of registered device keys (fetched from the
// server, cached, and — as Signal does — with a changed key announced to the user).
// Without a directory only rule 1 applies; that is for tests and for guests, whose
// members are shown as unverified by the UI.
import { parseCredential } from './device-identity';
import type { DeviceName } from './device-identity';
import { bytesEqual } from './lib';
import type { AuthenticationService, Credential } from './lib';

/**
 * Returns the registered Ed25519 public key (raw 32 bytes) of a device, or undefined
 * when the device is unknown or revoked.
 */
export type DeviceDirectory = (userId: string, deviceId: string) => Promise<Uint8Array | undefined> | Uint8Array | undefined;

/** Why the last credential was refused (for error reporting in GroupSession). */
export type AuthRejection =
  | { reason: 'bad_credential' }
  | { reason: 'unknown_device'; device: DeviceName }
  | { reason: 'key_mismatch'; device: DeviceName };

export interface HavenAuthService extends AuthenticationService {
  /** The most recent refusal, if any; cleared by `takeRejection()`. */
  takeRejection(): AuthRejection | undefined;
}

export function makeAuthService(directory?: DeviceDirectory): HavenAuthService {
  let last: AuthRejection | undefined;
  return {
    async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
      const device = parseCredential(credential);
      if (device === undefined) {
        last = { reason: 'bad_credential' };
        return false;
      }
      if (directory === undefined) return true;
      const registered = await directory(device.userId, device.deviceId);
      if (registered === undefined) {
        last = { reason: 'unknown_device', device };
        return false;
      }
      if (!bytesEqual(registered, signaturePublicKey)) {
        last = { reason: 'key_mismatch', device };
        return false;
      }
      return true;
    },
    takeRejection() {
      const r = last;
      last = undefined;
      return r;
    },
  };
}
