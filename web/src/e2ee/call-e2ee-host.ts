// The host's side of the room's group: who gets in and who is taken out.
//
// Admission rule (docs/E2EE.md "In the call"): the host's client admits a person of the
// room as soon as they are in the call (call signaling lists them) and one of their active
// devices (the room's device directory) is not in the MLS roster: a new person, or someone
// back with a new browser. It claims one KeyPackage per active device of theirs
// (POST /api/rooms/:id/key-packages/claim; the server only hands out packages of people
// invited to the room) and sends one Add commit, for the devices not yet in the group,
// with its Welcome addressed to exactly those devices. The server's waiting room stands in
// front of this (docs/SESSIONS.md): only people the host admitted are ever in the call, so
// "in the call" already means "let in by the host".
//
// Removal: a member whose person has not been in the call for LEAVE_GRACE_MS is removed
// (the grace lets a reload or a network change come back without a new Welcome), and so
// is a leaf of a device the server lists as revoked. Someone the host removed from the
// call (room.remove) leaves at once and is not admitted again by this client. Every change of membership is a new
// epoch, so someone who left cannot decrypt what is said after they are gone.
//
// Stand-in (docs/E2EE.md "Stand-in"): on the page of a clinician listed in the room, this
// runs only while the host is not in the call, and only on the page of the present
// clinician with the smallest user id (every page reaches the same answer from the same
// participant list). It removes and re-adds as the host would; the server lets it claim
// KeyPackages only for people the host admitted, so the waiting room stays the host's.
// Should two pages still commit in one epoch, the server accepts exactly one.
//
// All of this runs on CallE2ee's chain, so it never overlaps processing or other commits.
import { claimKeyPackages } from '../api-devices';
import type { ClaimedKeyPackage } from '../api-devices';
import type { CallE2ee } from './call-e2ee';

const LEAVE_GRACE_MS = 10_000;
/** How often the host looks again (claims that found no KeyPackage, absences running out). */
const TICK_MS = 2000;
/** A person whose devices had no KeyPackage is asked again after this long, doubling up to a minute (claims are rate-limited). */
const CLAIM_RETRY_MS = 3000;
const CLAIM_RETRY_MAX_MS = 60_000;
/** The directory is read again when someone joins the call, and at least this often. */
const DIRECTORY_MAX_AGE_MS = 30_000;
/** Claims for a further device of someone already in the group, before giving up until they rejoin. */
const MEMBER_CLAIM_TRIES = 3;

/** A clinician's page that stands in for the host: whose absence it waits for, and who else could. */
export interface StandIn {
  ownerId: string;
  /** The room's clinicians (ours included when listed). */
  clinicianIds: ReadonlySet<string>;
}

/** Whether this page acts for the host now: the host is not in the call and we are the first clinician present. */
export function actsForHost(standIn: StandIn, myUserId: string, present: readonly string[]): boolean {
  if (present.includes(standIn.ownerId)) return false;
  const clinicians = present.filter((u) => standIn.clinicianIds.has(u));
  return clinicians.every((u) => u >= myUserId);
}

export class HostAdmission {
  private inCall = new Set<string>();
  private peers = new Set<string>();
  private readonly absentSince = new Map<string, number>();
  private readonly retryAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  /** People the host took out of the call: out of the group now, never admitted again here. */
  private readonly removed = new Set<string>();
  /** People sent back to the waiting room: out of the group now, admitted again when they are back in the call. */
  private readonly sentBackUsers = new Set<string>();
  private directoryStale = true;
  private directoryAt = 0;
  private queued = false;
  private readonly timer: number;
  /** False on a stand-in's page while the host (or a first clinician) is there. */
  private active: boolean;

  /** `standIn`: this page is a clinician's, acting only while the host is away; null for the host's. */
  constructor(
    private readonly e2ee: CallE2ee,
    private readonly standIn: StandIn | null = null,
  ) {
    this.active = standIn === null;
    this.timer = window.setInterval(() => this.kick(), TICK_MS);
  }

  /** The others in the call: a peer id is per join, so a new one means someone (re)joined. */
  setParticipants(people: { peerId: string; userId: string }[]): void {
    for (const p of people) {
      if (this.peers.has(p.peerId)) continue;
      // Someone (re)joined the call, maybe from a new browser: read the directory again
      // and give them a fresh start.
      this.directoryStale = true;
      this.failures.delete(p.userId);
      this.retryAt.delete(p.userId);
      this.sentBackUsers.delete(p.userId);
    }
    this.peers = new Set(people.map((p) => p.peerId));
    this.inCall = new Set(people.map((p) => p.userId).filter((u) => !this.removed.has(u) && !this.sentBackUsers.has(u)));
    if (this.standIn) {
      const was = this.active;
      this.active = actsForHost(this.standIn, this.e2ee.device.local.userId, people.map((p) => p.userId));
      // Absences are counted from when we took over, not from before.
      if (this.active && !was) this.absentSince.clear();
    }
    this.kick();
  }

  /** The host removed this person from the call (the server keeps them out of it). */
  removeNow(userId: string): void {
    this.removed.add(userId);
    this.inCall.delete(userId);
    this.kick();
  }

  /** The host sent this person back to the waiting room: they leave the group without the reload grace. */
  sendBack(userId: string): void {
    this.sentBackUsers.add(userId);
    this.inCall.delete(userId);
    this.kick();
  }

  close(): void {
    window.clearInterval(this.timer);
  }

  /** Queues one look at the roster (at most one waits on the chain at a time). */
  kick(): void {
    if (this.queued) return;
    this.queued = true;
    this.e2ee.run(async () => {
      this.queued = false;
      await this.step();
    });
  }

  private async step(): Promise<void> {
    const s = this.e2ee.session;
    if (!this.active || !s || !this.e2ee.currentLink) return;
    const me = this.e2ee.device.local;
    const roster = s.roster();
    const members = new Set(roster.map((e) => e.userId));
    const now = Date.now();

    // Who leaves: people no longer in the call after the grace period, and revoked devices.
    for (const u of members) if (this.inCall.has(u) || u === me.userId) this.absentSince.delete(u);
    const gone = roster.filter((e) => {
      if (e.leafIndex === s.ownLeafIndex) return false;
      if (this.e2ee.directory.revoked(e.userId, e.deviceId) || this.removed.has(e.userId) || this.sentBackUsers.has(e.userId)) return true;
      if (e.userId === me.userId || this.inCall.has(e.userId)) return false;
      const since = this.absentSince.get(e.userId) ?? now;
      this.absentSince.set(e.userId, since);
      return now - since >= LEAVE_GRACE_MS;
    });
    if (gone.length > 0) {
      const r = await this.e2ee.commit((g) => g.removeMembers(gone.map((e) => e.leafIndex)));
      if (r === 'accepted') for (const e of gone) this.absentSince.delete(e.userId);
      if (r !== 'failed') this.kick(); // after a conflict: once the winner is processed
      return;
    }

    // Who comes in: people in the call with an active device that is not in the group.
    const directory = this.e2ee.directory;
    if (this.directoryStale || now - this.directoryAt > DIRECTORY_MAX_AGE_MS) {
      this.directoryStale = false;
      this.directoryAt = now;
      await directory.refresh().catch(() => undefined);
    }
    const inGroup = new Set(roster.map((e) => `${e.userId}:${e.deviceId}`));
    const waiting = [...this.inCall].filter(
      (u) =>
        u !== me.userId &&
        (this.retryAt.get(u) ?? 0) <= now &&
        // A member's other device that never has a KeyPackage (an old browser) is given up
        // after a few tries: each claim also spends a package of the device in the call.
        (!members.has(u) || ((this.failures.get(u) ?? 0) < MEMBER_CLAIM_TRIES && directory.activeDevices(u).some((d) => !inGroup.has(`${u}:${d}`)))),
    );
    if (waiting.length === 0) return;
    const claimed: ClaimedKeyPackage[] = [];
    for (const u of waiting) {
      let got: ClaimedKeyPackage[] = [];
      try {
        got = await claimKeyPackages(this.e2ee.roomId, u);
      } catch {
        // not in the room, rate-limited, offline: try again later
      }
      // A package for a device already in the group is spent and left unused.
      got = got.filter((c) => !inGroup.has(`${c.userId}:${c.deviceId}`));
      if (got.length === 0) {
        const n = this.failures.get(u) ?? 0;
        this.failures.set(u, n + 1);
        this.retryAt.set(u, now + Math.min(CLAIM_RETRY_MAX_MS, CLAIM_RETRY_MS * 2 ** n));
      } else {
        this.failures.delete(u);
        this.retryAt.delete(u);
      }
      claimed.push(...got);
    }
    if (claimed.length === 0) return;
    const devices = claimed.map((c) => c.deviceId);
    let r: Awaited<ReturnType<CallE2ee['commit']>>;
    try {
      r = await this.e2ee.commit(
        (g) => g.addMembers(claimed.map((c) => c.keyPackage)),
        devices,
      );
    } catch {
      // A package the auth service refused (a key the directory does not list): the
      // directory is refreshed and the person asked again after the retry delay.
      await this.e2ee.directory.refresh().catch(() => undefined);
      for (const u of waiting) this.retryAt.set(u, now + CLAIM_RETRY_MS);
      return;
    }
    // The claimed packages are spent either way; a conflict claims fresh ones next time.
    if (r === 'conflict') this.kick();
  }
}
