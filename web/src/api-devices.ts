// Devices, KeyPackages and a room's device directory (docs/E2EE.md "Delivery service
// (server)"); listing and revoking one's devices is in api-account.ts. Keys travel as
// base64; nothing here is secret (public keys and public KeyPackages only). Like api.ts:
// never log bodies; ids only in URLs.
import { ApiError, GENERIC_MESSAGE, request } from './api';
import { deviceOf } from './api-account';
import { base64ToBytes, bytesToBase64 } from './base64';
import type { Device } from './api-account';

/** One entry of GET /api/rooms/:id/devices: the auth service's directory. */
export interface DirectoryEntry {
  userId: string;
  deviceId: string;
  signatureKey: Uint8Array;
  revoked: boolean;
  /** A guest's device: registered through a guest link, not an account (shown as an unverified guest). */
  guest: boolean;
}

export interface ClaimedKeyPackage {
  userId: string;
  deviceId: string;
  keyPackage: Uint8Array;
}

function bad(): never {
  throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
}

export const toBase64 = bytesToBase64;

/** Bytes of a base64 field of an answer; a malformed answer is an ApiError. */
export function fromBase64(text: unknown): Uint8Array {
  return (typeof text === 'string' ? base64ToBytes(text) : null) ?? bad();
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : bad());
const str = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : bad());

/** POST /api/devices: registers this browser's public signature key. */
export async function registerDevice(signatureKey: Uint8Array): Promise<Device> {
  const data = await request<{ device?: unknown }>('POST', '/api/devices', { signature_key: toBase64(signatureKey) });
  return deviceOf(data?.device);
}

/** POST /api/devices/:id/key-packages: answers how many unused ones the server now holds. */
export async function uploadKeyPackages(deviceId: string, packages: Uint8Array[]): Promise<number> {
  const data = await request<{ outstanding?: unknown }>('POST', `/api/devices/${encodeURIComponent(deviceId)}/key-packages`, {
    key_packages: packages.map(toBase64),
  });
  return typeof data?.outstanding === 'number' ? data.outstanding : 0;
}

/** POST /api/rooms/:id/key-packages/claim (the host): one KeyPackage per active device of `userId`. */
export async function claimKeyPackages(roomId: string, userId: string): Promise<ClaimedKeyPackage[]> {
  const data = await request<{ key_packages?: unknown }>('POST', `/api/rooms/${encodeURIComponent(roomId)}/key-packages/claim`, {
    user_id: userId,
  });
  if (!data || !Array.isArray(data.key_packages)) bad();
  return data.key_packages.map((raw) => {
    const o = obj(raw);
    return { userId: str(o.user_id), deviceId: str(o.device_id), keyPackage: fromBase64(o.key_package) };
  });
}

/** GET /api/rooms/:id/devices: every device key of the room's people. */
export async function roomDirectory(roomId: string): Promise<DirectoryEntry[]> {
  const data = await request<{ devices?: unknown }>('GET', `/api/rooms/${encodeURIComponent(roomId)}/devices`);
  if (!data || !Array.isArray(data.devices)) bad();
  return data.devices.map((raw) => {
    const o = obj(raw);
    return { userId: str(o.user_id), deviceId: str(o.device_id), signatureKey: fromBase64(o.signature_key), revoked: o.revoked === true, guest: o.guest === true };
  });
}

export interface ContactDevice {
  deviceId: string;
  signatureKey: Uint8Array;
  /** Unix seconds. */
  createdAt: number;
  revoked: boolean;
}

export interface Contact {
  userId: string;
  displayName: string;
  devices: ContactDevice[];
}

/** GET /api/contacts/devices: the device keys of the people one is in care with. */
export async function contactDevices(): Promise<Contact[]> {
  const data = await request<{ contacts?: unknown }>('GET', '/api/contacts/devices');
  if (!data || !Array.isArray(data.contacts)) bad();
  return data.contacts.map((raw) => {
    const o = obj(raw);
    const devices = Array.isArray(o.devices) ? o.devices : [];
    return {
      userId: str(o.user_id),
      displayName: str(o.display_name),
      devices: devices.map((d) => {
        const e = obj(d);
        return { deviceId: str(e.device_id), signatureKey: fromBase64(e.signature_key), createdAt: typeof e.created_at === 'number' ? e.created_at : 0, revoked: e.revoked === true };
      }),
    };
  });
}
