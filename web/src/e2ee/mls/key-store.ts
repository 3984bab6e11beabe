// Persistence of a device's MLS secrets: the device signature key, unused private
// KeyPackages and group states.
//
// Every secret is sealed with AES-256-GCM under a wrapping key that WebCrypto generated
// with extractable:false. That CryptoKey is itself stored in IndexedDB (structured clone
// keeps a CryptoKey as an opaque handle, with its non-extractable flag), so script on the
// page can use it but never read its bytes, and a copy of the IndexedDB files alone (a
// backup, a disk image, a sync tool) gives ciphertext without the key material in any
// readable form. It does not protect against script running in our origin (XSS) — that
// is what the CSP is for — nor against a compromised device (out of scope, DESIGN.md).
//
// Record layout: { v: 1, iv: 12 random bytes, ct: AES-GCM(plaintext), pub?: public part }
// The additional data is "haven-mls-store v1|" + record name, so a sealed record moved to
// another name (say group A's state into group B's slot) fails to open.
//
// The backend is a three-method interface so node tests use a Map and the browser uses
// IndexedDB (openIndexedDbBackend).
import type { DeviceIdentity } from './device-identity';
import type { KeyPackage, PrivateKeyPackage } from './lib';
import { decodeMlsMessage } from './lib';

/** Where records live: a key→structured-clone-value map. */
export interface KvBackend {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A Map-backed backend for tests (and for guests, whose keys must not outlive the tab). */
export class MemoryBackend implements KvBackend {
  readonly records = new Map<string, unknown>();
  async get(key: string): Promise<unknown> {
    return this.records.get(key);
  }
  async put(key: string, value: unknown): Promise<void> {
    this.records.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }
}

/** IndexedDB backend: one object store with out-of-line string keys. */
export async function openIndexedDbBackend(dbName = 'haven-e2ee', storeName = 'mls'): Promise<KvBackend> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(dbName, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(storeName)) req.result.createObjectStore(storeName);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('indexedDB.open failed'));
  });
  const run = <T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const req = op(tx.objectStore(storeName));
      // Resolve on transaction completion so a put is durable before we report it.
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  return {
    get: (key) => run('readonly', (s) => s.get(key)),
    put: async (key, value) => {
      await run('readwrite', (s) => s.put(value, key));
    },
    delete: async (key) => {
      await run('readwrite', (s) => s.delete(key));
    },
  };
}

interface SealedRecord {
  v: 1;
  iv: Uint8Array;
  ct: Uint8Array;
  pub?: Uint8Array;
}

const WRAP_KEY_NAME = 'wrap-key';
const AAD_PREFIX = 'haven-mls-store v1|';

function isSealed(x: unknown): x is SealedRecord {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return r['v'] === 1 && r['iv'] instanceof Uint8Array && r['ct'] instanceof Uint8Array;
}

function isCryptoKey(x: unknown): x is CryptoKey {
  return typeof CryptoKey !== 'undefined' && x instanceof CryptoKey;
}

// Length-prefixed concatenation for the few multi-field secrets (private KeyPackages).
function packFields(fields: Uint8Array[]): Uint8Array {
  const total = fields.reduce((n, f) => n + 4 + f.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const f of fields) {
    view.setUint32(off, f.length);
    out.set(f, off + 4);
    off += 4 + f.length;
  }
  return out;
}

function unpackFields(bytes: Uint8Array, count: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    if (off + 4 > bytes.length) throw new Error('corrupt record');
    const n = view.getUint32(off);
    if (off + 4 + n > bytes.length) throw new Error('corrupt record');
    out.push(bytes.slice(off + 4, off + 4 + n));
    off += 4 + n;
  }
  if (off !== bytes.length) throw new Error('corrupt record');
  return out;
}

/** A stored, unused KeyPackage: the public half to join with and its private keys. */
export interface StoredKeyPackage {
  publicPackage: KeyPackage;
  privatePackage: PrivateKeyPackage;
}

export class MlsKeyStore {
  private constructor(
    private readonly backend: KvBackend,
    private readonly wrapKey: CryptoKey,
  ) {}

  /**
   * Opens the store, creating the wrapping key on first use. The key is generated
   * non-extractable and put into the backend as a CryptoKey object, never as bytes.
   */
  static async open(backend: KvBackend): Promise<MlsKeyStore> {
    let key = await backend.get(WRAP_KEY_NAME);
    if (key === undefined) {
      key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      await backend.put(WRAP_KEY_NAME, key);
    }
    if (!isCryptoKey(key)) throw new Error('key store: wrapping key record is not a CryptoKey');
    if (key.extractable) throw new Error('key store: wrapping key is extractable');
    return new MlsKeyStore(backend, key);
  }

  private aad(name: string): Uint8Array<ArrayBuffer> {
    return new TextEncoder().encode(AAD_PREFIX + name);
  }

  /** Seals `secret` under the wrapping key and stores it (with an optional clear public part). */
  async putSecret(name: string, secret: Uint8Array, pub?: Uint8Array): Promise<void> {
    if (name === WRAP_KEY_NAME) throw new Error('reserved record name');
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: this.aad(name) }, this.wrapKey, new Uint8Array(secret)),
    );
    const record: SealedRecord = pub === undefined ? { v: 1, iv, ct } : { v: 1, iv, ct, pub: new Uint8Array(pub) };
    await this.backend.put(name, record);
  }

  /** Opens a sealed record; undefined when absent. Throws when it was tampered with or moved. */
  async getSecret(name: string): Promise<{ secret: Uint8Array; pub?: Uint8Array } | undefined> {
    const record = await this.backend.get(name);
    if (record === undefined) return undefined;
    if (!isSealed(record)) throw new Error(`key store: record ${name} is not sealed`);
    const secret = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: new Uint8Array(record.iv), additionalData: this.aad(name) },
        this.wrapKey,
        new Uint8Array(record.ct),
      ),
    );
    return record.pub === undefined ? { secret } : { secret, pub: record.pub };
  }

  async delete(name: string): Promise<void> {
    if (name === WRAP_KEY_NAME) throw new Error('reserved record name');
    await this.backend.delete(name);
  }

  // --- typed helpers -------------------------------------------------------------

  async saveDeviceIdentity(identity: DeviceIdentity): Promise<void> {
    await this.putSecret('device-identity', identity.privateKey, identity.publicKey);
  }

  async loadDeviceIdentity(): Promise<DeviceIdentity | undefined> {
    const r = await this.getSecret('device-identity');
    if (r === undefined) return undefined;
    if (r.pub === undefined) throw new Error('key store: device identity without public key');
    return { publicKey: r.pub, privateKey: r.secret };
  }

  /**
   * Keeps an uploaded KeyPackage's private keys until a Welcome uses it. `ref` is the
   * KeyPackageRef hex (GeneratedKeyPackage.ref), which is also how a Welcome names the
   * package (RFC 9420 §12.4.3.1 new_member).
   */
  async saveKeyPackage(ref: string, publicBytes: Uint8Array, priv: PrivateKeyPackage): Promise<void> {
    const packed = packFields([priv.initPrivateKey, priv.hpkePrivateKey, priv.signaturePrivateKey]);
    await this.putSecret(`kp:${ref}`, packed, publicBytes);
  }

  async loadKeyPackage(ref: string): Promise<StoredKeyPackage | undefined> {
    const r = await this.getSecret(`kp:${ref}`);
    if (r === undefined) return undefined;
    if (r.pub === undefined) throw new Error('key store: KeyPackage without public part');
    const msg = decodeMlsMessage(r.pub, 0)?.[0];
    if (msg?.wireformat !== 'mls_key_package') throw new Error('key store: stored KeyPackage is malformed');
    const [initPrivateKey, hpkePrivateKey, signaturePrivateKey] = unpackFields(r.secret, 3) as [Uint8Array, Uint8Array, Uint8Array];
    return { publicPackage: msg.keyPackage, privatePackage: { initPrivateKey, hpkePrivateKey, signaturePrivateKey } };
  }

  /** KeyPackages are single use (RFC 9420 §16.8): delete once joined. */
  async deleteKeyPackage(ref: string): Promise<void> {
    await this.delete(`kp:${ref}`);
  }

  /** Stores `GroupSession.serialize()` output (encodeGroupState: holds private keys). */
  async saveGroupState(groupIdHex: string, state: Uint8Array): Promise<void> {
    await this.putSecret(`group:${groupIdHex}`, state);
  }

  async loadGroupState(groupIdHex: string): Promise<Uint8Array | undefined> {
    return (await this.getSecret(`group:${groupIdHex}`))?.secret;
  }

  async deleteGroupState(groupIdHex: string): Promise<void> {
    await this.delete(`group:${groupIdHex}`);
  }
}
