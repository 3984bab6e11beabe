// MLS-based SFrame key management (RFC 9605 §5.2).
//
//   base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)      (computed by the MLS code)
//   KID      = context << (S + E) | leaf_index << E | (epoch mod 2^E)
//   key/salt = §4.4.2 derivation of (base_key, KID)                  (keys.ts)
//
// Every member derives from the same epoch base key; the KID, which the §4.4.2 labels
// contain, is what gives each sender and each of its tracks its own key and nonce space.
// (cisco/sframe's MLSContext adds a per-sender HKDF-Expand step; that is not the RFC text
// and is not done here.)
//
// E (epoch bits): Haven uses E = 4. The Keyring keeps at most two epochs (current and the
// one before it, for a short grace), so E = 1 would already tell them apart; 4 bits also
// make a frame from a few epochs back look up as "unknown KID" instead of being tried
// against the wrong epoch's key, for the cost of a half byte of KID.
//
// S (sender bits): the smallest S with leaf_index < 2^S for every leaf of the epoch's
// ratchet tree, i.e. computed from the tree's leaf count, not the member count: MLS leaf
// indices are positions in the tree and can exceed the member count when leaves are blank.
// S is per epoch (the tree can grow), and receivers use the S of the epoch named by the
// KID's low E bits, so sender and receivers agree as long as they are in the same epoch.
//
// context: the remaining 64 - S - E high bits, chosen by the sender. Haven gives each
// outgoing track its own small context (0 = microphone, 1 = camera, 2 = screen, ...), so
// two tracks of one sender never share a (key, nonce) pair even though each counts its own
// CTR from 0 (§9.1). Context 0 gives the shortest KID.

import { deriveSFrameKey, importBaseKey, suiteParams, HAVEN_SFRAME_SUITE, type SFrameKey, type SFrameSuite } from './keys';

/** Haven's E: low KID bits carrying the epoch (see above). */
export const HAVEN_EPOCH_BITS = 4;

/** Largest tree Haven accepts: 2^16 leaves is far beyond any session, and keeps S ≤ 16. */
const MAX_LEAF_COUNT = 1 << 16;
/** Derived keys cached per epoch; KIDs come from the network, so the cache is bounded. */
const MAX_KEYS_PER_EPOCH = 256;

export interface KidLayout {
  readonly senderBits: number; // S
  readonly epochBits: number; // E
}

/** S for a ratchet tree with `leafCount` leaves: smallest S with (leafCount - 1) < 2^S. */
export function senderIndexBits(leafCount: number): number {
  if (!Number.isInteger(leafCount) || leafCount < 1 || leafCount > MAX_LEAF_COUNT) {
    throw new RangeError(`leaf count ${leafCount} out of range`);
  }
  let s = 0;
  while (1 << s < leafCount) s++;
  return s;
}

/** KID = context << (S + E) | leaf_index << E | (epoch mod 2^E)   (§5.2). */
export function makeKid(context: bigint, leafIndex: number, epoch: bigint, layout: KidLayout): bigint {
  const { senderBits: s, epochBits: e } = layout;
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= 2 ** s) {
    throw new RangeError(`leaf index ${leafIndex} does not fit in ${s} bits`);
  }
  if (context < 0n || context >= 1n << BigInt(64 - s - e)) {
    throw new RangeError(`KID context ${context} does not fit in ${64 - s - e} bits`);
  }
  if (epoch < 0n) throw new RangeError('negative epoch');
  const epochLow = epoch & ((1n << BigInt(e)) - 1n);
  return (context << BigInt(s + e)) | (BigInt(leafIndex) << BigInt(e)) | epochLow;
}

/** Splits a KID back into its §5.2 fields. Total for every 64-bit KID. */
export function parseKid(kid: bigint, layout: KidLayout): { context: bigint; leafIndex: number; epochLow: number } {
  const { senderBits: s, epochBits: e } = layout;
  return {
    context: kid >> BigInt(s + e),
    leafIndex: Number((kid >> BigInt(e)) & ((1n << BigInt(s)) - 1n)),
    epochLow: Number(kid & ((1n << BigInt(e)) - 1n)),
  };
}

interface EpochKeys {
  readonly epoch: bigint;
  readonly base: CryptoKey;
  readonly leafCount: number;
  readonly layout: KidLayout;
  readonly ownLeafIndex: number;
  readonly keys: Map<bigint, Promise<SFrameKey>>;
}

export interface EpochInput {
  readonly epoch: bigint | number;
  /** MLS-Exporter("SFrame 1.0 Base Key", "", Nk) of this epoch (Nk = 16 for suite 0x0004). */
  readonly baseKey: Uint8Array;
  /** Leaf count of the epoch's ratchet tree (gives S). */
  readonly leafCount: number;
  /** This member's own leaf index (the KID it sends with). */
  readonly leafIndex: number;
}

export interface KeyLookup {
  readonly epoch: bigint;
  readonly key: Promise<SFrameKey>;
}

/**
 * The keys of the current MLS epoch and, for a short grace after a commit, the previous
 * one (§4.4.1: receivers install new keys at once and keep the old ones briefly, because
 * frames sent just before the switch are still in flight). The caller decides when the
 * grace ends (dropPrevious); installing an epoch whose low E bits equal the previous
 * one's drops it at once, as §5.2 requires, since their KIDs would be indistinguishable.
 *
 * Sending always uses the current epoch.
 */
export class Keyring {
  readonly suite: SFrameSuite;
  readonly epochBits: number;
  private current: EpochKeys | null = null;
  private previous: EpochKeys | null = null;

  constructor(suite: SFrameSuite = HAVEN_SFRAME_SUITE, epochBits = HAVEN_EPOCH_BITS) {
    suiteParams(suite);
    if (!Number.isInteger(epochBits) || epochBits < 1 || epochBits > 16) throw new RangeError(`E = ${epochBits}`);
    this.suite = suite;
    this.epochBits = epochBits;
  }

  /**
   * Installs a new epoch as current; the old current becomes previous (dropping any
   * older one). Re-installing the current epoch replaces it. Older epochs are refused.
   * Returns the epochs that were dropped, so callers can forget their replay state.
   */
  async setEpoch(input: EpochInput): Promise<{ dropped: bigint[] }> {
    const epoch = BigInt(input.epoch);
    if (epoch < 0n) throw new RangeError('negative epoch');
    const nk = suiteParams(this.suite).nk;
    if (input.baseKey.length !== nk) throw new RangeError(`SFrame base key must be ${nk} bytes`);
    const layout = { senderBits: senderIndexBits(input.leafCount), epochBits: this.epochBits };
    if (!Number.isInteger(input.leafIndex) || input.leafIndex < 0 || input.leafIndex >= input.leafCount) {
      throw new RangeError(`own leaf index ${input.leafIndex} outside the tree`);
    }
    const base = await importBaseKey(input.baseKey);
    // Checked after the await so that two overlapping calls cannot install out of order.
    if (this.current && epoch < this.current.epoch) {
      throw new RangeError(`epoch ${epoch} is older than the current epoch ${this.current.epoch}`);
    }
    const entry: EpochKeys = { epoch, base, leafCount: input.leafCount, layout, ownLeafIndex: input.leafIndex, keys: new Map() };
    const dropped: bigint[] = [];
    const old = this.current;
    if (old && old.epoch === epoch) {
      this.current = entry; // same epoch again (e.g. page reload of key state): replace
      return { dropped };
    }
    if (this.previous) dropped.push(this.previous.epoch);
    this.previous = null;
    if (old) {
      if (this.lowBits(old.epoch) === this.lowBits(epoch)) dropped.push(old.epoch);
      else this.previous = old;
    }
    this.current = entry;
    return { dropped };
  }

  /** Ends the grace period of the previous epoch. Returns its number, if there was one. */
  dropPrevious(): bigint | null {
    const e = this.previous?.epoch ?? null;
    this.previous = null;
    return e;
  }

  /** Forgets every key (leaving the call): all frames are dropped afterwards. */
  clear(): void {
    this.current = null;
    this.previous = null;
  }

  get hasKeys(): boolean {
    return this.current !== null;
  }

  get currentEpoch(): bigint | null {
    return this.current?.epoch ?? null;
  }

  get previousEpoch(): bigint | null {
    return this.previous?.epoch ?? null;
  }

  /** The key this member sends a track with (current epoch), or null before any epoch. */
  senderKey(context: bigint): Promise<SFrameKey> | null {
    const cur = this.current;
    if (!cur) return null;
    return this.keyFor(cur, makeKid(context, cur.ownLeafIndex, cur.epoch, cur.layout));
  }

  /** The key for a received KID, or null if no kept epoch has such a sender. */
  lookup(kid: bigint): KeyLookup | null {
    for (const entry of [this.current, this.previous]) {
      if (!entry) continue;
      const f = parseKid(kid, entry.layout);
      if (f.epochLow !== this.lowBits(entry.epoch)) continue;
      if (f.leafIndex >= entry.leafCount) return null;
      return { epoch: entry.epoch, key: this.keyFor(entry, kid) };
    }
    return null;
  }

  private lowBits(epoch: bigint): number {
    return Number(epoch & ((1n << BigInt(this.epochBits)) - 1n));
  }

  private keyFor(entry: EpochKeys, kid: bigint): Promise<SFrameKey> {
    let p = entry.keys.get(kid);
    if (!p) {
      if (entry.keys.size >= MAX_KEYS_PER_EPOCH) {
        const oldest = entry.keys.keys().next();
        if (!oldest.done) entry.keys.delete(oldest.value);
      }
      p = deriveSFrameKey(entry.base, kid, this.suite);
      // A failed derivation must not stay cached as a rejected promise.
      p.catch(() => entry.keys.delete(kid));
      entry.keys.set(kid, p);
    }
    return p;
  }
}

/**
 * One-shot §5.2 derivation, for tests and tools: the KID and key a member with
 * `leafIndex` sends a track with `context` in `epoch`.
 */
export async function deriveSenderKey(args: {
  baseKey: Uint8Array;
  epoch: bigint;
  leafIndex: number;
  leafCount: number;
  context: bigint;
  suite?: SFrameSuite;
  epochBits?: number;
}): Promise<SFrameKey> {
  const layout = { senderBits: senderIndexBits(args.leafCount), epochBits: args.epochBits ?? HAVEN_EPOCH_BITS };
  const kid = makeKid(args.context, args.leafIndex, args.epoch, layout);
  return deriveSFrameKey(await importBaseKey(args.baseKey), kid, args.suite ?? HAVEN_SFRAME_SUITE);
}
