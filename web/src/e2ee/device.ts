// This browser's MLS device for the signed-in person (docs/E2EE.md "In the call").
//
// One device per person per browser profile: its Ed25519 identity and the private halves
// of its KeyPackages live in an IndexedDB database of its own per user id, sealed by
// MlsKeyStore under a non-extractable AES key, so a second person signing in on the same
// browser gets a different device and never sees the first one's keys.
//
// The server is the authority on which devices are active: a device it no longer lists
// (revoked from the account page, or never registered because the first attempt failed)
// is replaced by a fresh one. KeyPackages are single use (RFC 9420 §16.8); the host claims
// one per device to admit it, so we keep a stock on the server: when fewer than
// MIN_KEY_PACKAGES remain, UPLOAD_BATCH more are made. Each private half is kept under
// its KeyPackageRef, which is how a Welcome names the package it was made for.
import type { User } from '../api';
import { listDevices } from '../api-account';
import { fromBase64, registerDevice, uploadKeyPackages } from '../api-devices';
import { MlsKeyStore, createDeviceIdentity, makeKeyPackages, openIndexedDbBackend } from './mls/index';
import type { DeviceIdentity, LocalDevice, StoredKeyPackage } from './mls/index';

const MIN_KEY_PACKAGES = 5;
const UPLOAD_BATCH = 10;
/** Where the device id sits in the store (not secret, but sealed like the rest for simplicity). */
const DEVICE_ID_RECORD = 'device-id';

export interface Device {
  readonly store: MlsKeyStore;
  readonly local: LocalDevice;
  /** Tops up the server's stock of our KeyPackages (no-op when enough remain). */
  topUp(): Promise<void>;
  /** The private KeyPackage a Welcome names by ref, if it is ours. */
  keyPackage(ref: string): Promise<StoredKeyPackage | undefined>;
  /** Forgets a KeyPackage once a Welcome has used it. */
  usedKeyPackage(ref: string): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * One in-flight ensureDevice per person, so two callers at once share one registration.
 * Nothing is cached once it settles: every call checks again that the server still lists
 * the device (it may have been revoked from the account page in the meantime).
 */
const pending = new Map<string, Promise<Device>>();

export function ensureDevice(me: Pick<User, 'id'>): Promise<Device> {
  let p = pending.get(me.id);
  if (!p) {
    p = open(me.id);
    pending.set(me.id, p);
    const done = () => {
      if (pending.get(me.id) === p) pending.delete(me.id);
    };
    p.then(done, done);
  }
  return p;
}

async function open(userId: string): Promise<Device> {
  const store = await MlsKeyStore.open(await openIndexedDbBackend(`haven-e2ee-${userId}`));
  const devices = await listDevices();
  let identity = await store.loadDeviceIdentity();
  const storedId = await store.getSecret(DEVICE_ID_RECORD);
  let deviceId = storedId ? decoder.decode(storedId.secret) : '';
  const registered = devices.find((d) => d.id === deviceId);
  let stock = registered?.key_packages ?? 0;
  if (!identity || !registered || registered.revoked_at !== null || !sameKey(fromBase64(registered.signature_key), identity.publicKey)) {
    identity = await createDeviceIdentity();
    const device = await registerDevice(identity.publicKey);
    deviceId = device.id;
    stock = 0;
    // Identity first: a crash in between leaves a key without an id, which is replaced
    // next time, never an id pointing at a lost key.
    await store.saveDeviceIdentity(identity);
    await store.putSecret(DEVICE_ID_RECORD, encoder.encode(deviceId));
  }
  const local: LocalDevice = { identity, userId, deviceId };
  const device: Device = {
    store,
    local,
    topUp: () => topUp(store, identity, userId, deviceId),
    keyPackage: (ref) => store.loadKeyPackage(ref),
    usedKeyPackage: (ref) => store.deleteKeyPackage(ref),
  };
  if (stock < MIN_KEY_PACKAGES) await upload(store, identity, userId, deviceId);
  return device;
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

let topping: Promise<void> | null = null;

async function topUp(store: MlsKeyStore, identity: DeviceIdentity, userId: string, deviceId: string): Promise<void> {
  // Serialized: two Welcomes in a row must not upload twice.
  if (topping) return topping;
  topping = (async () => {
    const mine = (await listDevices()).find((d) => d.id === deviceId);
    if (mine && mine.revoked_at === null && mine.key_packages < MIN_KEY_PACKAGES) await upload(store, identity, userId, deviceId);
  })().finally(() => {
    topping = null;
  });
  return topping;
}

async function upload(store: MlsKeyStore, identity: DeviceIdentity, userId: string, deviceId: string): Promise<void> {
  const packages = await makeKeyPackages(identity, userId, deviceId, UPLOAD_BATCH);
  // Private halves are stored before the public ones leave: a Welcome can only name a
  // package the server handed out, and then we must be able to open it.
  for (const p of packages) await store.saveKeyPackage(p.ref, p.publicBytes, p.privatePackage);
  await uploadKeyPackages(
    deviceId,
    packages.map((p) => p.publicBytes),
  );
}
