// Types and helpers of GroupSession (group.ts): the roster read from the ratchet tree,
// the results processIncoming returns, and how ts-mls errors map to result codes.
import { parseCredential } from './device-identity';
import type { AuthRejection } from './auth-service';
import { CodecError, CryptoError, CryptoVerificationError, ValidationError, bytesEqual, decodeMlsMessage, toHex } from './lib';
import type { MLSMessage, RatchetTree } from './lib';

/** One member leaf, from its credential (device-identity.ts). */
export interface RosterEntry {
  leafIndex: number;
  userId: string;
  deviceId: string;
  signatureKey: Uint8Array;
}

/** What a commit changed, as seen by this member. */
export interface CommitResult {
  kind: 'commit';
  /** The epoch the group is now in. */
  epoch: bigint;
  /** Leaf index of the committer. */
  committerLeaf: number | undefined;
  added: RosterEntry[];
  removed: RosterEntry[];
  /** Same user and device, different signature key (announce it, as Signal does). */
  keyChanged: RosterEntry[];
  /** True when this was our own commit coming back from the server. */
  own: boolean;
  /** True when a commit of ours for the same epoch was pending and is now void. */
  droppedPendingCommit: boolean;
}

export type ErrorCode =
  | 'malformed' // not one well-formed MLSMessage
  | 'unexpected_wire_format' // a Welcome/KeyPackage/GroupInfo where a group message was expected
  | 'wrong_group' // group_id is not this group's
  | 'stale_epoch' // a commit for an epoch we have left, or a message older than retained keys
  | 'future_epoch' // we are behind: a commit is missing
  | 'unsupported' // standalone proposals: Haven clients never send them
  | 'credential_rejected' // the authentication service refused a leaf
  | 'verification_failed' // signature, membership or confirmation tag did not verify
  | 'undecryptable' // AEAD open failed
  | 'invalid' // any other RFC 9420 validation failure
  | 'not_member' // we were removed; this session is finished
  | 'internal';

export type IncomingResult =
  | CommitResult
  | { kind: 'application'; senderLeaf: number; sender: RosterEntry; epoch: bigint; plaintext: Uint8Array }
  | { kind: 'removed'; epoch: bigint; committerLeaf: number | undefined }
  | { kind: 'duplicate' }
  | { kind: 'error'; code: ErrorCode; detail: string };

/** A commit waiting for the server's verdict. */
export interface OutgoingCommit {
  /** Serialized MLSMessage (PrivateMessage, content_type commit) for the server. */
  commit: Uint8Array;
  /** The epoch the group moves to when the server accepts it. */
  newEpoch: bigint;
}

/** The members of a ratchet tree: leaves sit at even node indices (RFC 9420 §7.1, App. C). */
export function rosterOf(tree: RatchetTree): RosterEntry[] {
  const out: RosterEntry[] = [];
  for (let n = 0; n < tree.length; n += 2) {
    const node = tree[n];
    if (node?.nodeType !== 'leaf') continue;
    const name = parseCredential(node.leaf.credential);
    // The auth service admitted every leaf, so this cannot happen; never hide a member.
    if (name === undefined) throw new Error(`leaf ${n / 2} has a non-Haven credential`);
    out.push({ leafIndex: n / 2, ...name, signatureKey: node.leaf.signaturePublicKey });
  }
  return out;
}

export function diffRoster(before: RosterEntry[], after: RosterEntry[]) {
  const old = new Map(before.map((e) => [e.leafIndex, e]));
  const added: RosterEntry[] = [];
  const removed: RosterEntry[] = [];
  const keyChanged: RosterEntry[] = [];
  for (const e of after) {
    const o = old.get(e.leafIndex);
    old.delete(e.leafIndex);
    if (o === undefined) added.push(e);
    else if (o.userId !== e.userId || o.deviceId !== e.deviceId) {
      removed.push(o); // a leaf freed and reused by a new member in one commit
      added.push(e);
    } else if (!bytesEqual(o.signatureKey, e.signatureKey)) keyChanged.push(e);
  }
  removed.push(...old.values());
  return { added, removed, keyChanged };
}

export function decodeWhole(bytes: Uint8Array): MLSMessage | undefined {
  try {
    const d = decodeMlsMessage(bytes, 0);
    return d !== undefined && d[1] === bytes.length ? d[0] : undefined;
  } catch {
    return undefined;
  }
}

export function classify(e: unknown, rejection: AuthRejection | undefined): { code: ErrorCode; detail: string } {
  const detail = e instanceof Error ? e.message : String(e);
  if (rejection !== undefined) return { code: 'credential_rejected', detail: `${rejection.reason}: ${detail}` };
  if (e instanceof CodecError) return { code: 'malformed', detail };
  if (e instanceof CryptoVerificationError) return { code: 'verification_failed', detail };
  if (e instanceof ValidationError) return { code: /epoch/i.test(detail) ? 'stale_epoch' : 'invalid', detail };
  // ts-mls wraps a failed AEAD open (WebCrypto "OperationError") in CryptoError.
  if (e instanceof CryptoError) return { code: 'undecryptable', detail };
  return { code: 'internal', detail };
}

/** The KeyPackageRefs (hex) a Welcome is addressed to, to find ours in the key store. */
export function welcomeKeyPackageRefs(welcomeBytes: Uint8Array): string[] {
  const msg = decodeWhole(welcomeBytes);
  if (msg?.wireformat !== 'mls_welcome') throw new Error('not a Welcome message');
  return msg.welcome.secrets.map((s) => toHex(s.newMember));
}
