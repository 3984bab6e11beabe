// One room's MLS group during a call (docs/E2EE.md "In the call"), UI-free like
// call-client.ts. It rides the call's own /ws socket (mls.* messages) and feeds each
// epoch's SFrame key to the transform worker; without a key the worker drops every frame,
// so a call carries encrypted media or none.
//
// Order matters everywhere, so all MLS work runs on one promise chain: subscribing,
// processing mls.message in seq order, our own commits and the host's admissions. A
// commit that loses the epoch (epoch_conflict) is retried from a new chain entry, after
// the winner (already queued behind us) has been processed.
//
// Roles: the room's owner is the host. Its client creates the group and admits people of
// the room who are in the call (call-e2ee-host.ts); while it is away, a clinician listed
// in the room stands in for it in the group (never in creating it). Everyone else waits
// for a Welcome naming one of our KeyPackages and skips what came before it.
//
// Resume: the group state and the seq of the last processed message are kept sealed in
// the key store, so a reload subscribes with after_seq and carries on without being
// admitted again. Its first act is a self-update: SFrame counters restart at zero in a
// new page, and reusing (key, KID, CTR) would reuse a nonce (RFC 9605 §9.1), so no frame
// is sent in a restored epoch.
import { getRoom } from '../api-rooms';
import type { User } from '../api';
import { fromBase64, toBase64 } from '../api-devices';
import type { Message } from '../call/protocol';
import { postDropPreviousEpoch, postKeys } from './sframe/attach';
import type { PageToWorker } from './sframe/messages';
import { GroupSession, welcomeKeyPackageRefs } from './mls/index';
import type { OutgoingCommit, SecurityCode } from './mls/index';
import { keyFingerprint } from '../device-fingerprint';
import { ensureDevice } from './device';
import type { Device } from './device';
import { RoomDirectory } from './directory';
import { GroupStore } from './group-store';
import { HostAdmission } from './call-e2ee-host';
import type { StandIn } from './call-e2ee-host';
import { ChatError, ChatLog } from './chat';
import type { E2eeCounters, E2eeState, E2eeView, MlsLink, RosterMember } from './call-e2ee-types';

export type { E2eeCounters, E2eeState, E2eeView, MlsLink, RosterMember } from './call-e2ee-types';

/** The previous epoch's keys stay this long for frames still in flight (RFC 9605 §4.4.1). */
const PREVIOUS_EPOCH_GRACE_MS = 10_000;
/** Self-update period, jittered so members do not all commit at once. */
const UPDATE_EVERY_MS = 5 * 60_000;
const UPDATE_JITTER_MS = 60_000;

export class CallE2ee {
  onChange: (view: E2eeView) => void = () => undefined;
  /** Something went wrong that the page may word (a code, never message content). */
  onProblem: (code: string) => void = () => undefined;
  readonly counters: E2eeCounters = {
    epochs: 0,
    commitsAccepted: 0,
    conflicts: 0,
    welcomesJoined: 0,
    added: 0,
    removed: 0,
    messagesProcessed: 0,
    errors: 0,
    keysPosted: 0,
  };

  session: GroupSession | null = null;
  private state: E2eeState = 'joining';
  private code: SecurityCode | null = null;
  private lastSeq = 0;
  private link: MlsLink | null = null;
  private unlisten: (() => void)[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  /** Epoch of a state read back from the store: never sent in (see the file comment). */
  private restoredEpoch: bigint | null = null;
  private dropTimer: number | undefined;
  private updateTimer: number | undefined;
  private closed = false;
  /** Fingerprints of members' device keys, by user:device:key. */
  private readonly fingerprints = new Map<string, string>();
  private readonly groupId: Uint8Array;
  private readonly stored: GroupStore;
  readonly directory: RoomDirectory;
  /** The host's admissions, or a clinician's stand-in for them; null on everyone else's page. */
  private readonly host: HostAdmission | null;
  private readonly hosting: boolean;
  /** Chat and files over the group (chat.ts), in memory for this call. */
  readonly chat: ChatLog;

  private constructor(
    readonly roomId: string,
    readonly device: Device,
    private readonly workers: Worker[],
    isHost: boolean,
    standIn: StandIn | null,
  ) {
    this.groupId = new TextEncoder().encode(roomId);
    const groupHex = [...this.groupId].map((b) => b.toString(16).padStart(2, '0')).join('');
    this.stored = new GroupStore(device.store, groupHex);
    this.directory = new RoomDirectory(roomId);
    this.host = isHost ? new HostAdmission(this) : standIn ? new HostAdmission(this, standIn) : null;
    this.hosting = isHost;
    this.chat = new ChatLog({
      roomId,
      ownDevice: { userId: device.local.userId, deviceId: device.local.deviceId },
      statusOf: (e) => this.directory.statusOf(e),
      sendApplication: (p) => this.sendApplication(p),
    });
  }

  /** Readies this browser's device, the directory and any stored group state for `roomId`. */
  static async open(roomId: string, me: User, workers: Worker[]): Promise<CallE2ee> {
    const device = await ensureDevice(me);
    // The owner is the host. A room we cannot see is refused by room.join anyway.
    const room = await getRoom(roomId).catch(() => null);
    const isHost = room?.owner_id === me.id;
    // A clinician listed in the room stands in for the host in the group while the host is away.
    const clinician = me.role === 'therapist' || me.role === 'staff';
    const standIn: StandIn | null = !isHost && clinician && room ? { ownerId: room.owner_id, clinicianIds: new Set(room.clinician_ids) } : null;
    const e2ee = new CallE2ee(roomId, device, workers, isHost, standIn);
    await e2ee.directory.refresh().catch(() => undefined);
    await e2ee.restore();
    return e2ee;
  }

  /** The room's owner: creates the group and runs the waiting room's admissions. */
  get isHost(): boolean {
    return this.hosting;
  }

  view(): E2eeView {
    const s = this.session;
    const roster: RosterMember[] = s
      ? s.roster().map((e) => ({
          userId: e.userId,
          deviceId: e.deviceId,
          leafIndex: e.leafIndex,
          self: e.leafIndex === s.ownLeafIndex,
          status: this.directory.statusOf(e),
          fingerprint: this.fingerprints.get(fingerprintKey(e)) ?? '',
        }))
      : [];
    return { state: this.state, host: this.isHost, epoch: s ? String(s.epoch) : null, code: this.state === 'secure' ? this.code : null, roster };
  }

  /** A new call socket (first join or rejoin): subscribe on it, resuming after the last seq. */
  attach(link: MlsLink): void {
    for (const u of this.unlisten) u();
    this.link = link;
    this.unlisten = [
      link.on('mls.message', (m) => this.run(() => this.onMessage(link, m))),
      link.on('mls.ended', () => this.run(async () => this.forget())),
    ];
    this.run(() => this.subscribe(link));
  }

  /** The host removed this person from the call: their devices leave the group now. */
  removePerson(userId: string): void {
    this.host?.removeNow(userId);
  }

  /** The host sent this person back to the waiting room: out of the group now, back in when readmitted. */
  sendBack(userId: string): void {
    this.host?.sendBack(userId);
  }

  /** The others in the call (call signaling); the host admits and removes by it. */
  setParticipants(people: { peerId: string; userId: string }[]): void {
    this.host?.setParticipants(people);
  }

  close(): void {
    this.closed = true;
    for (const u of this.unlisten) u();
    this.unlisten = [];
    this.link = null;
    this.host?.close();
    window.clearTimeout(this.dropTimer);
    window.clearTimeout(this.updateTimer);
    this.chat.clear();
  }

  /** Runs `work` after everything queued before it; failures are counted and reported by code. */
  run(work: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      try {
        await work();
      } catch (e) {
        this.counters.errors++;
        this.onProblem(e instanceof Error && e.name === 'SignalingError' ? 'e2ee_signaling' : 'e2ee_failed');
      }
    });
  }

  /**
   * Encrypts an application message (chat, a file's key) in the current epoch and sends
   * it; resolves with the server's seq. Runs on the chain, so it never races a commit. The
   * state is stored before the message leaves: a reload must not reuse its ratchet
   * generation.
   */
  sendApplication(plaintext: Uint8Array): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.chain = this.chain.then(async () => {
        try {
          const s = this.session;
          const link = this.link;
          if (this.closed || !s || !link || this.state !== 'secure') throw new ChatError('not_member');
          const message = await s.encryptApplication(plaintext);
          await this.persist();
          const reply = await link.request('mls.send', { room_id: this.roomId, message: toBase64(message) });
          resolve(typeof reply.seq === 'number' ? reply.seq : 0);
        } catch (e) {
          reject(e instanceof ChatError ? e : new ChatError('send_failed'));
        }
      });
    });
  }

  get currentLink(): MlsLink | null {
    return this.link;
  }

  /**
   * Sends a commit built from the current state and waits for the server's verdict.
   * Answers 'accepted', 'conflict' (another commit won this epoch: process it, retry) or
   * 'failed'. Must run on the chain.
   */
  async commit(build: (s: GroupSession) => Promise<OutgoingCommit & { welcome?: Uint8Array }>, welcomeTo: string[] = []): Promise<'accepted' | 'conflict' | 'failed'> {
    const s = this.session;
    const link = this.link;
    if (!s || !link) return 'failed';
    const out = await build(s);
    const fields: Message = { room_id: this.roomId, commit: toBase64(out.commit) };
    if (out.welcome && welcomeTo.length > 0) {
      fields.welcome = toBase64(out.welcome);
      fields.welcome_to = welcomeTo;
    }
    try {
      await link.request('mls.commit', fields);
    } catch (e) {
      await s.commitRejected();
      const code = (e as { code?: unknown }).code;
      if (code === 'epoch_conflict') {
        this.counters.conflicts++;
        return 'conflict';
      }
      return 'failed';
    }
    await s.commitAccepted();
    this.counters.commitsAccepted++;
    this.restoredEpoch = null;
    await this.persist();
    await this.newEpoch();
    return 'accepted';
  }

  // ---------------------------------------------------------------------------

  private async restore(): Promise<void> {
    const got = await this.stored.load(this.directory.lookup);
    if (!got) return;
    this.session = got.session;
    this.lastSeq = got.lastSeq;
    this.restoredEpoch = got.session.epoch;
  }

  private async subscribe(link: MlsLink): Promise<void> {
    if (this.link !== link) return;
    const reply = await link.request('mls.subscribe', {
      room_id: this.roomId,
      device_id: this.device.local.deviceId,
      after_seq: this.session ? this.lastSeq : 0,
    });
    const group = reply.group;
    if (group === null || typeof group !== 'object') {
      // No group on the server (new room, or it was ended and reopened): our old state is void.
      if (this.session) await this.forget();
      // Only the host makes the group; a stand-in waits for the host like everyone else.
      if (this.hosting && this.host) {
        try {
          await link.request('mls.create', { room_id: this.roomId });
        } catch (e) {
          if ((e as { code?: unknown }).code === 'group_exists') return; // another tab of the host won
          throw e;
        }
        this.session = await GroupSession.create(this.groupId, this.device.local, { directory: this.directory.lookup });
        this.lastSeq = 0;
        await this.persist();
        await this.newEpoch();
        this.host.kick();
      } else {
        this.setState('waiting-for-host');
      }
      return;
    }
    if (this.session) {
      if (this.restoredEpoch !== null) {
        // Backlog first (queued behind us), then a fresh epoch of our own before sending.
        this.run(async () => {
          if (this.session && this.restoredEpoch !== null) await this.selfUpdate();
        });
      }
      this.host?.kick();
      return;
    }
    this.setState('waiting-for-host');
  }

  private async onMessage(link: MlsLink, m: Message): Promise<void> {
    if (this.link !== link) return;
    const seq = typeof m.seq === 'number' ? m.seq : -1;
    if (seq <= this.lastSeq) return;
    const data = fromBase64(m.data);
    this.counters.messagesProcessed++;
    const s = this.session;
    if (!s) {
      // Not a member: only our Welcome matters; what precedes it is not ours to read.
      if (m.kind === 'welcome') await this.join(data);
      this.lastSeq = seq;
      if (this.session) await this.persist();
      return;
    }
    if (m.kind === 'welcome') {
      this.lastSeq = seq;
      return;
    }
    let res = await s.processIncoming(data);
    if (res.kind === 'error' && res.code === 'credential_rejected') {
      // A device registered since we last looked: refresh the directory and try once more.
      await this.directory.refresh().catch(() => undefined);
      res = await s.processIncoming(data);
    }
    this.lastSeq = seq;
    switch (res.kind) {
      case 'commit':
        for (const e of res.keyChanged) this.directory.noteKeyChanged(e);
        this.counters.added += res.added.length;
        this.counters.removed += res.removed.length;
        this.restoredEpoch = null;
        await this.persist();
        await this.newEpoch();
        this.host?.kick();
        break;
      case 'application':
        await this.persist();
        this.chat.received(seq, res.sender, res.plaintext);
        break;
      case 'removed':
        await this.forget();
        this.setState('waiting-for-host');
        break;
      case 'error':
        this.counters.errors++;
        if (res.code === 'not_member') {
          await this.forget();
          this.setState('waiting-for-host');
        } else {
          await this.persist();
        }
        break;
      default:
        await this.persist();
    }
  }

  private async join(welcome: Uint8Array): Promise<void> {
    let refs: string[];
    try {
      refs = welcomeKeyPackageRefs(welcome);
    } catch {
      return;
    }
    for (const ref of refs) {
      const kp = await this.device.keyPackage(ref).catch(() => undefined);
      if (!kp) continue;
      try {
        this.session = await GroupSession.joinFromWelcome(welcome, kp, { directory: this.directory.lookup });
      } catch {
        // Most likely a member's device registered after our directory was fetched: the
        // host already counts us in, so one more try with a fresh directory.
        await this.directory.refresh().catch(() => undefined);
        this.session = await GroupSession.joinFromWelcome(welcome, kp, { directory: this.directory.lookup });
      }
      await this.device.usedKeyPackage(ref);
      this.counters.welcomesJoined++;
      this.restoredEpoch = null;
      void this.device.topUp().catch(() => undefined);
      await this.newEpoch();
      return;
    }
  }

  private async selfUpdate(): Promise<void> {
    const r = await this.commit((s) => s.update());
    // Lost the epoch: the winner is queued; a fresh epoch came with it unless we were restored.
    if (r === 'conflict' && this.restoredEpoch !== null) this.run(() => this.selfUpdate());
  }

  /** Keys for the epoch the session is in now, to every worker; the code and roster to the page. */
  private async newEpoch(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.counters.epochs++;
    if (this.restoredEpoch === null || s.epoch !== this.restoredEpoch) {
      const baseKey = await s.exportSFrameBaseKey();
      const leafCount = Math.max(...s.roster().map((e) => e.leafIndex)) + 1;
      for (const w of this.workers) postKeys(w, { epoch: s.epoch, baseKey, leafIndex: s.ownLeafIndex, leafCount });
      baseKey.fill(0);
      this.counters.keysPosted++;
      window.clearTimeout(this.dropTimer);
      this.dropTimer = window.setTimeout(() => this.workers.forEach(postDropPreviousEpoch), PREVIOUS_EPOCH_GRACE_MS);
      this.scheduleUpdate();
    }
    for (const e of s.roster()) {
      const k = fingerprintKey(e);
      if (!this.fingerprints.has(k)) this.fingerprints.set(k, await keyFingerprint(e.signatureKey));
    }
    this.code = await s.securityCode();
    this.setState('secure');
  }

  private scheduleUpdate(): void {
    window.clearTimeout(this.updateTimer);
    const delay = UPDATE_EVERY_MS + Math.floor(Math.random() * UPDATE_JITTER_MS);
    this.updateTimer = window.setTimeout(() => this.run(() => this.selfUpdate()), delay);
  }

  /** Leaves the group locally: no keys in the workers, nothing stored. */
  private async forget(): Promise<void> {
    this.session = null;
    this.code = null;
    this.lastSeq = 0;
    this.restoredEpoch = null;
    const clear: PageToWorker = { type: 'clearKeys' };
    for (const w of this.workers) w.postMessage(clear);
    await this.stored.drop();
    this.setState('waiting-for-host');
  }

  private async persist(): Promise<void> {
    if (this.session) await this.stored.save(this.session, this.lastSeq);
  }

  private setState(state: E2eeState): void {
    this.state = state;
    this.emit();
  }

  emit(): void {
    if (!this.closed) this.onChange(this.view());
  }
}

function fingerprintKey(e: { userId: string; deviceId: string; signatureKey: Uint8Array }): string {
  return `${e.userId}:${e.deviceId}:${[...e.signatureKey].join(',')}`;
}
