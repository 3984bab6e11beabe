// GroupSession: one MLS group (RFC 9420) as the call and chat clients drive it.
//
// Nothing here talks to the server. The delivery service contract is bytes in, bytes
// out: commits, Welcomes and application messages are serialized MLSMessages (§6).
//
// Commit flow (RFC 9420 §14, RFC 9750 §5.2.1): the server accepts exactly one commit per
// epoch. So a commit we create is only *pending*: addMembers/removeMembers/update build it
// from the current state without changing that state, and the new state is adopted only
// when the server acknowledges (commitAccepted(), or the server echoing our commit back
// through processIncoming). If another member's commit wins the epoch we drop ours
// (commitRejected(), or automatically when their commit arrives), process theirs, and
// may retry from the new epoch. Two ts-mls pitfalls this encodes (notes/e2ee-browser.md):
//  - `createCommit` returns `consumed` secrets that are shared with the *old* state;
//    zeroing them before the commit is accepted breaks the old state, so we zero them
//    only on acceptance;
//  - ts-mls cannot process the committer's own commit; we adopt our pending state instead.
//
// All operations that read-modify-write the state are serialized: two overlapping awaits
// on one state would reuse a ratchet generation (same key and nonce, §9.1).
import type { DeviceIdentity } from './device-identity';
import { makeKeyPackages, decodeKeyPackageMessage } from './device-identity';
import { makeAuthService } from './auth-service';
import type { DeviceDirectory, HavenAuthService } from './auth-service';
import { securityCode } from './security-code';
import type { SecurityCode } from './security-code';
import { classify, decodeWhole, diffRoster, rosterOf } from './group-types';
import type { CommitResult, ErrorCode, IncomingResult, OutgoingCommit, RosterEntry } from './group-types';
import {
  bytesEqual,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decryptSenderData,
  defaultClientConfig,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  havenSuite,
  joinGroup,
  mlsExporter,
  processMessage,
  zeroOutUint8Array,
} from './lib';
import type {
  CiphersuiteImpl,
  ClientConfig,
  ClientState,
  IncomingMessageCallback,
  KeyPackage,
  PrivateKeyPackage,
  Proposal,
  RatchetTree,
} from './lib';

export type { CommitResult, ErrorCode, IncomingResult, OutgoingCommit, RosterEntry } from './group-types';
export { welcomeKeyPackageRefs } from './group-types';

/** This device, as a group member. */
export interface LocalDevice {
  identity: DeviceIdentity;
  userId: string;
  deviceId: string;
}

export interface SessionOptions {
  /** Registered device keys; when given, leaves whose key differs are refused. */
  directory?: DeviceDirectory;
}

interface Pending {
  state: ClientState;
  commit: Uint8Array;
  consumed: Uint8Array[];
}

/** The SFrame base key label (RFC 9605 §5.2). */
const SFRAME_LABEL = 'SFrame 1.0 Base Key';

function configWith(auth: HavenAuthService): ClientConfig {
  return { ...defaultClientConfig, authService: auth };
}

export class GroupSession {
  private pending: Pending | undefined;
  private lastOwnCommit: Uint8Array | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private state: ClientState,
    private readonly cs: CiphersuiteImpl,
    private readonly auth: HavenAuthService,
  ) {}

  /** Creates a new group (epoch 0) with this device as its only member (RFC 9420 §11). */
  static async create(groupId: Uint8Array, local: LocalDevice, options: SessionOptions = {}): Promise<GroupSession> {
    const cs = await havenSuite();
    const auth = makeAuthService(options.directory);
    const [kp] = await makeKeyPackages(local.identity, local.userId, local.deviceId, 1);
    const state = await createGroup(groupId, kp!.publicPackage, kp!.privatePackage, [], cs, configWith(auth));
    return new GroupSession(state, cs, auth);
  }

  /**
   * Joins from a Welcome (RFC 9420 §12.4.3). Our commits set the ratchet_tree extension
   * in the GroupInfo, so `ratchetTree` is only for Welcomes from clients that do not.
   * The auth service checks every leaf of the received tree before we accept it.
   */
  static async joinFromWelcome(
    welcomeBytes: Uint8Array,
    keyPackage: { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage },
    options: SessionOptions = {},
    ratchetTree?: RatchetTree,
  ): Promise<GroupSession> {
    const msg = decodeWhole(welcomeBytes);
    if (msg?.wireformat !== 'mls_welcome') throw new Error('not a Welcome message');
    const cs = await havenSuite();
    const auth = makeAuthService(options.directory);
    const state = await joinGroup(
      msg.welcome,
      keyPackage.publicPackage,
      keyPackage.privatePackage,
      emptyPskIndex,
      cs,
      ratchetTree,
      undefined,
      configWith(auth),
    );
    return new GroupSession(state, cs, auth);
  }

  /** Restores a session from `serialize()` output (read back from the key store). */
  static async restore(stateBytes: Uint8Array, options: SessionOptions = {}): Promise<GroupSession> {
    const decoded = decodeGroupState(stateBytes, 0);
    if (decoded === undefined || decoded[1] !== stateBytes.length) throw new Error('corrupt group state');
    const cs = await havenSuite();
    const auth = makeAuthService(options.directory);
    return new GroupSession({ ...decoded[0], clientConfig: configWith(auth) }, cs, auth);
  }

  /**
   * The current state, for the key store (encrypt it: it holds private keys). A pending
   * commit is not included: after a reload, a commit the server did accept must be
   * recovered by rejoining (not implemented here).
   */
  serialize(): Uint8Array {
    return encodeGroupState(this.state);
  }

  get groupId(): Uint8Array {
    return this.state.groupContext.groupId;
  }
  get epoch(): bigint {
    return this.state.groupContext.epoch;
  }
  get ownLeafIndex(): number {
    return this.state.privatePath.leafIndex;
  }
  get isActive(): boolean {
    return this.state.groupActiveState.kind === 'active';
  }
  get hasPendingCommit(): boolean {
    return this.pending !== undefined;
  }

  roster(): RosterEntry[] {
    return rosterOf(this.state.ratchetTree);
  }

  /** The epoch_authenticator (RFC 9420 §8.7), a copy. */
  epochAuthenticator(): Uint8Array {
    return new Uint8Array(this.state.keySchedule.epochAuthenticator);
  }

  /** The security code members compare (security-code.ts). */
  securityCode(): Promise<SecurityCode> {
    return securityCode(this.state.keySchedule.epochAuthenticator);
  }

  /** MLS-Exporter("SFrame 1.0 Base Key", "", 16) for this epoch (RFC 9605 §5.2, RFC 9420 §8.5). */
  exportSFrameBaseKey(): Promise<Uint8Array> {
    return mlsExporter(this.state.keySchedule.exporterSecret, SFRAME_LABEL, new Uint8Array(0), 16, this.cs);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private requireActive(): void {
    if (!this.isActive) throw new Error('not an active member of this group');
  }

  /** Builds a commit from the current state into `pending`, leaving the state untouched. */
  private async prepareCommit(proposals: Proposal[], withWelcome: boolean): Promise<{ out: OutgoingCommit; welcome: Uint8Array | undefined }> {
    this.requireActive();
    if (this.pending !== undefined) throw new Error('a commit is already pending');
    this.auth.takeRejection();
    let res;
    try {
      res = await createCommit(
        { state: this.state, cipherSuite: this.cs },
        // The ratchet tree travels in the Welcome's GroupInfo (§12.4.3.3) so joiners
        // need nothing else from the server.
        { extraProposals: proposals, ratchetTreeExtension: withWelcome },
      );
    } catch (e) {
      const rejection = this.auth.takeRejection();
      if (rejection !== undefined) throw new Error(`credential rejected (${rejection.reason})`, { cause: e });
      throw e;
    }
    const commit = encodeMlsMessage(res.commit);
    this.pending = { state: res.newState, commit, consumed: res.consumed };
    const welcome =
      res.welcome === undefined ? undefined : encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: res.welcome });
    return { out: { commit, newEpoch: res.newState.groupContext.epoch }, welcome };
  }

  /**
   * Commits Adds for serialized KeyPackage messages (claimed from the server). Each
   * KeyPackage passes the auth service first (ts-mls validates Add proposals on create).
   */
  addMembers(keyPackages: Uint8Array[]): Promise<OutgoingCommit & { welcome: Uint8Array }> {
    return this.serial(async () => {
      if (keyPackages.length === 0) throw new Error('no KeyPackages');
      const proposals: Proposal[] = keyPackages.map((b) => ({
        proposalType: 'add',
        add: { keyPackage: decodeKeyPackageMessage(b) },
      }));
      const { out, welcome } = await this.prepareCommit(proposals, true);
      if (welcome === undefined) throw new Error('add commit without a Welcome');
      return { ...out, welcome };
    });
  }

  /** Commits Removes (RFC 9420 §12.1.3). A member cannot commit its own removal. */
  removeMembers(leafIndexes: number[]): Promise<OutgoingCommit> {
    return this.serial(async () => {
      const present = new Set(this.roster().map((e) => e.leafIndex));
      if (leafIndexes.length === 0) throw new Error('no leaves to remove');
      for (const i of leafIndexes) {
        if (i === this.ownLeafIndex) throw new Error('cannot remove own leaf by commit');
        if (!present.has(i)) throw new Error(`leaf ${i} is not a member`);
      }
      const proposals: Proposal[] = leafIndexes.map((removed) => ({ proposalType: 'remove', remove: { removed } }));
      return (await this.prepareCommit(proposals, false)).out;
    });
  }

  /**
   * A self-update: an empty commit with a fresh UpdatePath (RFC 9420 §12.4), which gives
   * post-compromise security. The caller schedules it (every 5 minutes in a call).
   */
  update(): Promise<OutgoingCommit> {
    return this.serial(async () => (await this.prepareCommit([], false)).out);
  }

  /** The server accepted our pending commit: move to the new epoch. */
  commitAccepted(): Promise<CommitResult> {
    return this.serial(async () => this.adoptPending());
  }

  /** The server refused our pending commit (another won the epoch): forget it. */
  commitRejected(): Promise<void> {
    return this.serial(async () => {
      // Do not zero `consumed`: those buffers still belong to the current state.
      this.pending = undefined;
    });
  }

  private adoptPending(): CommitResult {
    const p = this.pending;
    if (p === undefined) throw new Error('no pending commit');
    const before = this.roster();
    // Since the commit was built, we may have sent or received application messages in
    // the old epoch; the pending state's copy of that epoch's receiver data predates them.
    // Carry the current copies forward so late old-epoch messages use the right ratchets.
    const hist = new Map(p.state.historicalReceiverData);
    for (const [e, d] of this.state.historicalReceiverData) if (hist.has(e)) hist.set(e, d);
    const base = hist.get(this.epoch);
    if (base !== undefined) hist.set(this.epoch, { ...base, secretTree: this.state.secretTree });
    this.state = { ...p.state, historicalReceiverData: hist };
    this.pending = undefined;
    this.lastOwnCommit = p.commit;
    for (const c of p.consumed) zeroOutUint8Array(c);
    const after = this.roster();
    return {
      kind: 'commit',
      epoch: this.epoch,
      committerLeaf: this.ownLeafIndex,
      ...diffRoster(before, after),
      own: true,
      droppedPendingCommit: false,
    };
  }

  /** Encrypts an application message (chat, file keys) as a PrivateMessage (§6.3). */
  encryptApplication(plaintext: Uint8Array, authenticatedData?: Uint8Array): Promise<Uint8Array> {
    return this.serial(async () => {
      this.requireActive();
      const res = await createApplicationMessage(this.state, plaintext, this.cs, authenticatedData);
      this.state = res.newState;
      for (const c of res.consumed) zeroOutUint8Array(c);
      return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: res.privateMessage });
    });
  }

  /** Handles one message from the server: a commit or an application message. */
  processIncoming(bytes: Uint8Array): Promise<IncomingResult> {
    return this.serial(async () => this.processOne(bytes));
  }

  private async processOne(bytes: Uint8Array): Promise<IncomingResult> {
    const err = (code: ErrorCode, detail: string): IncomingResult => ({ kind: 'error', code, detail });
    if (!this.isActive) return err('not_member', 'this device is no longer in the group');
    const msg = decodeWhole(bytes);
    if (msg === undefined) return err('malformed', 'not one MLSMessage');
    if (this.pending !== undefined && bytesEqual(bytes, this.pending.commit)) return this.adoptPending();
    if (this.lastOwnCommit !== undefined && bytesEqual(bytes, this.lastOwnCommit)) return { kind: 'duplicate' };

    let groupId: Uint8Array;
    let epoch: bigint;
    let contentType: string;
    if (msg.wireformat === 'mls_private_message') {
      ({ groupId, epoch, contentType } = msg.privateMessage);
    } else if (msg.wireformat === 'mls_public_message') {
      ({ groupId, epoch, contentType } = msg.publicMessage.content);
    } else {
      return err('unexpected_wire_format', msg.wireformat);
    }
    if (!bytesEqual(groupId, this.groupId)) return err('wrong_group', 'group_id differs');
    if (contentType === 'proposal') return err('unsupported', 'standalone proposals are not used by Haven');
    if (epoch > this.epoch) return err('future_epoch', `message epoch ${epoch}, ours ${this.epoch}`);
    if (contentType === 'commit' && epoch < this.epoch) return err('stale_epoch', `commit for epoch ${epoch}, ours ${this.epoch}`);

    let committerLeaf: number | undefined;
    const callback: IncomingMessageCallback = (incoming) => {
      if (incoming.kind !== 'commit') return 'reject';
      committerLeaf = incoming.senderLeafIndex;
      return 'accept';
    };
    const before = this.state;
    this.auth.takeRejection();
    let res;
    try {
      res = await processMessage(msg, before, emptyPskIndex, callback, this.cs);
    } catch (e) {
      const { code, detail } = classify(e, this.auth.takeRejection());
      return err(code, detail);
    }

    if (res.kind === 'applicationMessage') {
      if (msg.wireformat !== 'mls_private_message') return err('invalid', 'application data in a PublicMessage');
      // ts-mls does not return the sender; read it from the sender data (§6.3.2) with the
      // secret of the message's epoch, and name it from that epoch's tree.
      const current = epoch === before.groupContext.epoch;
      const hist = before.historicalReceiverData.get(epoch);
      const secret = current ? before.keySchedule.senderDataSecret : hist?.senderDataSecret;
      const tree = current ? before.ratchetTree : hist?.ratchetTree;
      const senderData = secret === undefined ? undefined : await decryptSenderData(msg.privateMessage, secret, this.cs);
      const sender = tree === undefined || senderData === undefined ? undefined : rosterOf(tree).find((e) => e.leafIndex === senderData.leafIndex);
      if (sender === undefined) return err('internal', 'sender not found');
      this.state = res.newState;
      for (const c of res.consumed) zeroOutUint8Array(c);
      return { kind: 'application', senderLeaf: sender.leafIndex, sender, epoch, plaintext: res.message };
    }

    if (res.actionTaken === 'reject') return err('unsupported', 'message refused');
    const newState = res.newState;
    // Another member's commit for this epoch was accepted, so ours (if any) cannot be.
    const droppedPendingCommit = this.pending !== undefined;
    this.pending = undefined;
    if (newState.groupActiveState.kind === 'removedFromGroup') {
      this.state = newState;
      return { kind: 'removed', epoch: epoch + 1n, committerLeaf };
    }
    const diff = diffRoster(rosterOf(before.ratchetTree), rosterOf(newState.ratchetTree));
    this.state = newState;
    for (const c of res.consumed) zeroOutUint8Array(c);
    return { kind: 'commit', epoch: this.epoch, committerLeaf, ...diff, own: false, droppedPendingCommit };
  }
}
