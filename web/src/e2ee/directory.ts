// The room's device directory (GET /api/rooms/:id/devices) as the MLS authentication
// service reads it (auth-service.ts): a leaf is accepted only when its signature key is
// the one the server registered for that person's device, and the device is not revoked.
//
// Cached, because the auth service asks once per leaf of every commit and Welcome; a
// device we have not seen yet (someone registered a browser after we fetched) triggers one
// refresh, at most every REFRESH_MIN_MS, so a hostile leaf cannot make us hammer the API.
import { roomDirectory } from '../api-devices';
import type { DirectoryEntry } from '../api-devices';
import type { DeviceDirectory, RosterEntry } from './mls/index';

const REFRESH_MIN_MS = 2000;

/** `guest`: the key is the one the server lists, but for a guest link's holder, not an account. */
export type MemberStatus = 'verified' | 'guest' | 'changed' | 'unverified';

const keyOf = (userId: string, deviceId: string) => `${userId}:${deviceId}`;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export class RoomDirectory {
  private entries = new Map<string, DirectoryEntry>();
  private lastFetch = 0;
  private inflight: Promise<void> | null = null;
  /** Leaves (user:device) whose key changed within the group: flagged until the call ends. */
  private readonly changed = new Set<string>();

  constructor(private readonly roomId: string) {}

  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    this.inflight = (async () => {
      try {
        const list = await roomDirectory(this.roomId);
        this.entries = new Map(list.map((e) => [keyOf(e.userId, e.deviceId), e]));
      } finally {
        this.lastFetch = Date.now();
        this.inflight = null;
      }
    })();
    return this.inflight;
  }

  /** For GroupSession: the registered key of an active device, refreshing once for an unknown one. */
  readonly lookup: DeviceDirectory = async (userId, deviceId) => {
    let e = this.entries.get(keyOf(userId, deviceId));
    if (!e && Date.now() - this.lastFetch > REFRESH_MIN_MS) {
      await this.refresh().catch(() => undefined);
      e = this.entries.get(keyOf(userId, deviceId));
    }
    return e && !e.revoked ? e.signatureKey : undefined;
  };

  /** Whether the server lists this device as revoked (the host then removes its leaf). */
  revoked(userId: string, deviceId: string): boolean {
    return this.entries.get(keyOf(userId, deviceId))?.revoked === true;
  }

  /** The ids of a person's active (not revoked) devices. */
  activeDevices(userId: string): string[] {
    const out: string[] = [];
    for (const e of this.entries.values()) if (e.userId === userId && !e.revoked) out.push(e.deviceId);
    return out;
  }

  noteKeyChanged(entry: RosterEntry): void {
    this.changed.add(keyOf(entry.userId, entry.deviceId));
  }

  /** Verified: the leaf's key is the device key the server lists for that person. */
  statusOf(entry: RosterEntry): MemberStatus {
    const k = keyOf(entry.userId, entry.deviceId);
    if (this.changed.has(k)) return 'changed';
    const e = this.entries.get(k);
    if (!e || e.revoked) return 'unverified';
    if (!sameBytes(e.signatureKey, entry.signatureKey)) return 'changed';
    return e.guest ? 'guest' : 'verified';
  }
}
