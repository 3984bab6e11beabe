/**
 * New device keys of your contacts, outside any call (docs/E2EE.md "New device keys of your
 * contacts"). The browser remembers the device keys it has seen for the people one is in
 * care with (their fingerprints, per signed-in person, in this browser's localStorage —
 * public data, no names) and announces any active key it has not seen: a therapist's new
 * laptop, or a device a compromised server slipped in to listen. The first look at a
 * contact only records what is there (trust on first use, as the call's roster does).
 * Pure functions here; the page reads and writes the record (KeyNotices.tsx).
 */

export interface SeenKeys {
  /** People whose keys were recorded at least once (their first look announces nothing). */
  people: string[];
  /** "userId:deviceId:fingerprint" of every key seen or acknowledged. */
  keys: string[];
}

export interface ContactKey {
  userId: string;
  displayName: string;
  deviceId: string;
  fingerprint: string;
  /** Unix seconds. */
  createdAt: number;
  revoked: boolean;
}

export interface KeyNotice {
  userId: string;
  displayName: string;
  deviceId: string;
  fingerprint: string;
  createdAt: number;
}

const EMPTY: SeenKeys = { people: [], keys: [] };
const keyOf = (k: { userId: string; deviceId: string; fingerprint: string }) => `${k.userId}:${k.deviceId}:${k.fingerprint}`;

/** The record as stored (anything unreadable counts as nothing seen yet). */
export function seenOf(text: string | null): SeenKeys {
  try {
    const o = JSON.parse(text ?? '') as Partial<SeenKeys>;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    return { people: strings(o.people), keys: strings(o.keys) };
  } catch {
    return EMPTY;
  }
}

/**
 * What to announce, and the record after a look: active keys not seen before of people
 * looked at before. People seen for the first time are recorded silently — `contactIds`
 * are everyone looked at, so a contact without a device yet is known, and their first
 * device is announced.
 */
export function reviewKeys(seen: SeenKeys, contactIds: readonly string[], current: readonly ContactKey[]): { notices: KeyNotice[]; seen: SeenKeys } {
  const people = new Set(seen.people);
  const keys = new Set(seen.keys);
  const notices: KeyNotice[] = [];
  for (const k of current) {
    if (k.revoked || !k.fingerprint || keys.has(keyOf(k))) continue;
    if (people.has(k.userId)) notices.push({ userId: k.userId, displayName: k.displayName, deviceId: k.deviceId, fingerprint: k.fingerprint, createdAt: k.createdAt });
    else keys.add(keyOf(k));
  }
  for (const id of contactIds) people.add(id);
  return { notices, seen: { people: [...people], keys: [...keys] } };
}

/** The record once the person has seen a notice ("OK"): that key is known from now on. */
export function acknowledge(seen: SeenKeys, notice: KeyNotice): SeenKeys {
  const k = keyOf(notice);
  return seen.keys.includes(k) ? seen : { people: seen.people, keys: [...seen.keys, k] };
}

/** The localStorage item of one signed-in person's record. */
export const seenKeysItem = (userId: string) => `haven.seen-device-keys.${userId}`;
