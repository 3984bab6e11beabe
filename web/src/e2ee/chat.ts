// Chat and files inside a call (docs/E2EE.md "In the call"), carried as MLS application
// messages on the room's group (CallE2ee.sendApplication / the 'application' results of
// processIncoming). UI-free; the list lives in memory for this call only.
//
// Payloads are small JSON objects:
//   {v:1, kind:'chat', text, at}
//   {v:1, kind:'file', id, name, type, size, key, iv}   (key: AES-GCM-256, iv: 12 bytes, base64)
// A file is encrypted here with a fresh key and IV, uploaded as ciphertext
// (POST /api/rooms/:id/files) and only then announced. The server never sees a text, a
// name or a key; nothing here logs, and no name or key goes into a URL.
//
// Order: the server numbers every group message (seq) and the call's MLS chain processes
// them in that order, skipping what it has processed already, so a backlog replayed after
// a rejoin shows once. Our own messages are not echoed: they show at once as "sending",
// take their seq from mls.accepted, or are marked failed.
import { downloadRoomFile, MAX_FILE_BYTES, uploadRoomFile } from '../api-files';
import { fromBase64, toBase64 } from '../api-devices';
import type { MemberStatus } from './directory';
import type { RosterEntry } from './mls/index';

export const MAX_CHAT_CHARS = 2000;
const MAX_NAME_CHARS = 255;
const MAX_TYPE_CHARS = 255;

export type ChatState = 'sending' | 'sent' | 'failed';

export interface ChatFileInfo {
  id: string;
  name: string;
  type: string;
  size: number;
}

export interface ChatEntry {
  /** Local, stable key for the list. */
  localId: number;
  /** The group's message number; null while our own message is on its way. */
  seq: number | null;
  userId: string;
  deviceId: string;
  self: boolean;
  /** The sender device's status when the message arrived (verified / key changed). */
  status: MemberStatus;
  /** The sender's clock (ms since 1970), as it claims. */
  at: number;
  kind: 'chat' | 'file';
  text: string;
  file: ChatFileInfo | null;
  state: ChatState;
}

/** What the chat needs of the call's group. */
export interface ChatGroup {
  readonly roomId: string;
  /** Encrypts and sends on the group; resolves with the seq the server gave it. */
  sendApplication(plaintext: Uint8Array): Promise<number>;
  statusOf(sender: RosterEntry): MemberStatus;
  readonly ownDevice: { userId: string; deviceId: string };
}

export class ChatError extends Error {
  constructor(readonly code: 'empty' | 'too_long' | 'file_too_large' | 'not_member' | 'send_failed' | 'decrypt_failed') {
    super(code);
    this.name = 'ChatError';
  }
}

interface FileSecret {
  key: Uint8Array;
  iv: Uint8Array;
}

type Payload =
  | { kind: 'chat'; text: string; at: number }
  | { kind: 'file'; at: number; file: ChatFileInfo; secret: FileSecret };

const encoder = new TextEncoder();

/** Reads a payload; anything malformed answers null and is ignored. */
export function parsePayload(bytes: Uint8Array): Payload | null {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.v !== 1) return null;
  const at = typeof o.at === 'number' && Number.isFinite(o.at) ? o.at : Date.now();
  if (o.kind === 'chat') {
    if (typeof o.text !== 'string') return null;
    const text = o.text.trim();
    if (text === '' || text.length > MAX_CHAT_CHARS) return null;
    return { kind: 'chat', text, at };
  }
  if (o.kind === 'file') {
    if (typeof o.id !== 'string' || o.id === '' || o.id.length > 200) return null;
    if (typeof o.name !== 'string' || o.name === '') return null;
    if (typeof o.size !== 'number' || !Number.isInteger(o.size) || o.size < 0 || o.size > MAX_FILE_BYTES) return null;
    let key: Uint8Array;
    let iv: Uint8Array;
    try {
      key = fromBase64(o.key);
      iv = fromBase64(o.iv);
    } catch {
      return null;
    }
    if (key.length !== 32 || iv.length !== 12) return null;
    const type = typeof o.type === 'string' && o.type.length <= MAX_TYPE_CHARS ? o.type : '';
    return { kind: 'file', at, file: { id: o.id, name: o.name.slice(0, MAX_NAME_CHARS), type, size: o.size }, secret: { key, iv } };
  }
  return null;
}

function aesKey(raw: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'AES-GCM' }, false, [usage]);
}

export class ChatLog {
  /** The list changed (a message arrived, ours was accepted or failed). */
  onChange: (entries: readonly ChatEntry[]) => void = () => undefined;
  private entries: ChatEntry[] = [];
  private nextId = 1;
  private readonly secrets = new Map<number, FileSecret>();

  constructor(private readonly group: ChatGroup) {}

  list(): readonly ChatEntry[] {
    return this.entries;
  }

  /** An application message from the group, in seq order (CallE2ee's chain). */
  received(seq: number, sender: RosterEntry, plaintext: Uint8Array): void {
    if (this.entries.some((e) => e.seq === seq)) return;
    const p = parsePayload(plaintext);
    if (!p) return;
    const own = this.group.ownDevice;
    const entry: ChatEntry = {
      localId: this.nextId++,
      seq,
      userId: sender.userId,
      deviceId: sender.deviceId,
      self: sender.userId === own.userId && sender.deviceId === own.deviceId,
      status: this.group.statusOf(sender),
      at: p.at,
      kind: p.kind,
      text: p.kind === 'chat' ? p.text : '',
      file: p.kind === 'file' ? p.file : null,
      state: 'sent',
    };
    if (p.kind === 'file') this.secrets.set(entry.localId, p.secret);
    this.add(entry);
  }

  /** Sends a chat line; it shows at once and is marked sent or failed. */
  async sendText(raw: string): Promise<void> {
    const text = raw.trim();
    if (text === '') throw new ChatError('empty');
    if (text.length > MAX_CHAT_CHARS) throw new ChatError('too_long');
    const at = Date.now();
    const entry = this.ownEntry('chat', at, text, null);
    await this.deliver(entry, { v: 1, kind: 'chat', text, at });
  }

  /** Encrypts a file, uploads the ciphertext and announces it to the group. */
  async shareFile(file: File): Promise<void> {
    if (file.size > MAX_FILE_BYTES) throw new ChatError('file_too_large');
    const info: ChatFileInfo = { id: '', name: file.name.slice(0, MAX_NAME_CHARS) || 'file', type: file.type.slice(0, MAX_TYPE_CHARS), size: file.size };
    const at = Date.now();
    const entry = this.ownEntry('file', at, '', info);
    let payload: Record<string, unknown>;
    try {
      const key = crypto.getRandomValues(new Uint8Array(32));
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const plain = new Uint8Array(await file.arrayBuffer());
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(key, 'encrypt'), plain));
      const up = await uploadRoomFile(this.group.roomId, sealed);
      info.id = up.id;
      this.secrets.set(entry.localId, { key, iv });
      payload = { v: 1, kind: 'file', id: up.id, name: info.name, type: info.type, size: info.size, key: toBase64(key), iv: toBase64(iv) };
    } catch (e) {
      this.update(entry, { state: 'failed' });
      throw e;
    }
    await this.deliver(entry, payload);
  }

  /** Fetches and decrypts a shared file. */
  async fileBlob(localId: number): Promise<{ blob: Blob; name: string }> {
    const entry = this.entries.find((e) => e.localId === localId);
    const secret = this.secrets.get(localId);
    if (!entry?.file || !secret) throw new ChatError('decrypt_failed');
    const sealed = await downloadRoomFile(entry.file.id);
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: secret.iv as Uint8Array<ArrayBuffer> }, await aesKey(secret.key, 'decrypt'), sealed as Uint8Array<ArrayBuffer>);
    } catch {
      throw new ChatError('decrypt_failed');
    }
    return { blob: new Blob([plain], { type: entry.file.type || 'application/octet-stream' }), name: entry.file.name };
  }

  /** The call is over: forget the texts and keys. */
  clear(): void {
    for (const s of this.secrets.values()) s.key.fill(0);
    this.secrets.clear();
    this.entries = [];
    this.onChange(this.entries);
  }

  // ---------------------------------------------------------------------------

  private ownEntry(kind: 'chat' | 'file', at: number, text: string, file: ChatFileInfo | null): ChatEntry {
    const own = this.group.ownDevice;
    const entry: ChatEntry = { localId: this.nextId++, seq: null, userId: own.userId, deviceId: own.deviceId, self: true, status: 'verified', at, kind, text, file, state: 'sending' };
    this.add(entry);
    return entry;
  }

  private async deliver(entry: ChatEntry, payload: Record<string, unknown>): Promise<void> {
    let seq: number;
    try {
      seq = await this.group.sendApplication(encoder.encode(JSON.stringify(payload)));
    } catch (e) {
      this.update(entry, { state: 'failed' });
      throw e instanceof ChatError ? e : new ChatError('send_failed');
    }
    this.update(entry, { seq, state: 'sent', file: entry.file ? { ...entry.file } : null });
  }

  private add(entry: ChatEntry): void {
    this.entries = sortBySeq([...this.entries, entry]);
    this.onChange(this.entries);
  }

  private update(entry: ChatEntry, patch: Partial<ChatEntry>): void {
    Object.assign(entry, patch);
    this.entries = sortBySeq(this.entries.map((e) => (e.localId === entry.localId ? { ...entry } : e)));
    this.onChange(this.entries);
  }
}

/** Group order; our messages still on their way go last (stable sort keeps their order). */
function sortBySeq(list: ChatEntry[]): ChatEntry[] {
  return list.sort((a, b) => {
    if (a.seq === b.seq) return 0;
    if (a.seq === null) return 1;
    if (b.seq === null) return -1;
    return a.seq - b.seq;
  });
}
