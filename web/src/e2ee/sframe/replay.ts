// Replay protection on the SFrame counter (RFC 9605 §7.4, §9.3).
//
// SRTP's replay protection ends at the SFU, which re-encrypts every packet, so a malicious
// or buggy SFU could resend an old frame and the browser's SRTP layer would accept it.
// SFrame's CTR is authenticated (it is in the header, which is AAD), so a per-KID sliding
// window on CTR, in the style of RFC 3711 §3.3.2, rejects such resends after decryption
// succeeds. Frames may arrive slightly out of order (retransmissions, simulcast layer
// switches), so counters behind the highest one seen are accepted once each as long as
// they are within the window.
//
// Usage: check() before the (costly) decryption to drop obvious replays early, then
// accept() only after the tag verified, so a forged frame can never move the window.

export type ReplayVerdict = 'fresh' | 'duplicate' | 'too-old';

/** Default width: 128 counters is about 4 s of one 30 fps layer, or 1.4 s of 3 layers. */
export const DEFAULT_REPLAY_WINDOW = 128;

/** Sliding window for one KID. Bit i of `seen` stands for counter (highest - i). */
export class ReplayWindow {
  readonly size: number;
  private readonly mask: bigint;
  private highest = -1n; // -1: nothing accepted yet
  private seen = 0n;

  constructor(size = DEFAULT_REPLAY_WINDOW) {
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError(`replay window size ${size}`);
    this.size = size;
    this.mask = (1n << BigInt(size)) - 1n;
  }

  check(ctr: bigint): ReplayVerdict {
    if (ctr > this.highest) return 'fresh';
    const back = this.highest - ctr;
    if (back >= BigInt(this.size)) return 'too-old';
    return (this.seen >> back) & 1n ? 'duplicate' : 'fresh';
  }

  /** Records ctr as received. Returns the verdict it had; only 'fresh' changes state. */
  accept(ctr: bigint): ReplayVerdict {
    const verdict = this.check(ctr);
    if (verdict !== 'fresh') return verdict;
    if (ctr > this.highest) {
      const shift = ctr - this.highest;
      this.seen = shift >= BigInt(this.size) ? 1n : ((this.seen << shift) | 1n) & this.mask;
      this.highest = ctr;
    } else {
      this.seen |= 1n << (this.highest - ctr);
    }
    return 'fresh';
  }
}

/**
 * One window per (epoch, KID), for one receive track. The epoch is part of the key because
 * with E epoch bits in the KID (§5.2) epochs N and N + 2^E reuse the same KID under a
 * different base key, and a sender may restart CTR there.
 *
 * The number of windows is capped so that a flood of distinct KIDs cannot grow memory.
 * Only frames that authenticated create a window (accept() runs after the tag check), the
 * oldest window is evicted first, and in practice a track sees one KID per live epoch.
 */
export class ReplayGuard {
  private readonly windows = new Map<string, ReplayWindow>();
  private readonly windowSize: number;
  private readonly maxKids: number;

  constructor(windowSize = DEFAULT_REPLAY_WINDOW, maxKids = 64) {
    this.windowSize = windowSize;
    this.maxKids = maxKids;
  }

  check(kid: bigint, ctr: bigint, epoch = 0n): ReplayVerdict {
    return this.windows.get(`${epoch}/${kid}`)?.check(ctr) ?? 'fresh';
  }

  accept(kid: bigint, ctr: bigint, epoch = 0n): ReplayVerdict {
    const id = `${epoch}/${kid}`;
    let w = this.windows.get(id);
    if (!w) {
      if (this.windows.size >= this.maxKids) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      w = new ReplayWindow(this.windowSize);
      this.windows.set(id, w);
    }
    return w.accept(ctr);
  }

  /** Forgets the windows of epochs older than `epoch` (after the keyring dropped them). */
  forgetBefore(epoch: bigint): void {
    for (const id of [...this.windows.keys()]) {
      if (BigInt(id.slice(0, id.indexOf('/'))) < epoch) this.windows.delete(id);
    }
  }

  get size(): number {
    return this.windows.size;
  }
}
