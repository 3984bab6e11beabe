// Per-codec clear prefixes and whole-frame protection for Haven's media (DESIGN.md, E2EE).
//
// Frame layout on the wire (inside RTP, after the browser's packetizer):
//
//   [clear codec prefix][SFrame header][ciphertext][tag]
//
// RFC 9605 §4.2 puts the SFrame header first, but the browser's RTP packetizer (and an
// SFU's simulcast logic) still parse the first bytes of VP8 and H.264 frames; with a header
// at byte 0 Chromium misreads VP8 key frames and cannot packetize H.264 at all
// (notes/e2ee-browser.md §3). So the bytes those parsers need stay first and in clear, and
// are passed to SFrame as metadata, i.e. authenticated as AAD (§4.4.3, §9.4): a change to
// them makes the frame fail authentication.
//
//   VP8   10 bytes on key frames (frame tag + start code + dimensions), 3 on delta frames
//   VP9   0 bytes (the payload descriptor is built from metadata, not the bitstream)
//   Opus  1 byte (TOC); 0-byte frames (DTX) pass through untouched in both directions
//   H264  everything up to and including the first slice NAL header byte (types 1, 5),
//         plus the first byte of the slice header (h264.ts says why); the rest (SFrame
//         header + ciphertext + tag) is escaped against start-code emulation
//   other codecs (AV1, ...) are refused: their OBU framing is not handled yet
//
// Fail closed: the send side never outputs a frame it could not encrypt (no key, or a
// frame it cannot parse), and the receive side never outputs anything but authenticated
// plaintext. Every failure is a typed DropReason; the transform drops that frame.

import { decodeHeader } from './header';
import { encryptFrame, decryptFrame } from './cipher';
import { escapeEmulation, h264ClearPrefixLength, trailingZeros, unescapeEmulation } from './h264';
import { suiteParams, type SFrameKey, type SFrameSuite } from './keys';
import type { KeyLookup } from './mls-keys';
import { ReplayGuard, DEFAULT_REPLAY_WINDOW } from './replay';

export type MediaCodec = 'opus' | 'vp8' | 'vp9' | 'h264';
/** 'key' / 'delta' for video (RTCEncodedVideoFrame.type; 'empty' counts as delta); audio frames have no type. */
export type FrameKind = 'key' | 'delta' | 'audio';

export type DropReason =
  | 'no-key' // no epoch installed yet (or keys cleared)
  | 'unknown-kid' // keys exist, but none for this frame's KID (other epoch, unknown sender)
  | 'replay' // CTR already seen, or older than the replay window
  | 'auth-failed' // AEAD tag did not verify
  | 'malformed' // frame too short, unparseable header, H.264 without a slice NAL, ...
  | 'unsupported-codec';

export const DROP_REASONS: readonly DropReason[] = [
  'no-key',
  'unknown-kid',
  'replay',
  'auth-failed',
  'malformed',
  'unsupported-codec',
];

export type FrameResult =
  | { readonly ok: true; readonly data: Uint8Array<ArrayBuffer>; readonly passthrough: boolean }
  | { readonly ok: false; readonly reason: DropReason };

/** Maps an RTP mime type ("video/VP8", "audio/opus") to a codec Haven handles, else null. */
export function codecFromMimeType(mime: string | undefined): MediaCodec | null {
  switch (mime?.toLowerCase()) {
    case 'audio/opus':
      return 'opus';
    case 'video/vp8':
      return 'vp8';
    case 'video/vp9':
      return 'vp9';
    case 'video/h264':
      return 'h264';
    default:
      return null;
  }
}

/**
 * Number of leading bytes of `data` that stay in clear, or null if the frame cannot be
 * parsed for this codec (too short for the prefix, H.264 without a slice).
 */
export function clearPrefixLength(codec: MediaCodec, kind: FrameKind, data: Uint8Array): number | null {
  let n: number;
  switch (codec) {
    case 'opus':
      n = 1;
      break;
    case 'vp8':
      n = kind === 'key' ? 10 : 3;
      break;
    case 'vp9':
      n = 0;
      break;
    case 'h264':
      return h264ClearPrefixLength(data);
  }
  return data.length >= n ? n : null;
}

/** Where the send side gets its key (Keyring implements this). */
export interface SenderKeySource {
  senderKey(context: bigint): Promise<SFrameKey> | null;
}

/** Where the receive side looks up keys (Keyring implements this). */
export interface ReceiverKeySource {
  readonly hasKeys: boolean;
  readonly suite: SFrameSuite;
  lookup(kid: bigint): KeyLookup | null;
}

/**
 * Send state of one outgoing track: its KID context and its frame counter. All simulcast
 * layers of a track pass through the same transform, so they share this counter and every
 * frame, whatever its layer, gets its own CTR (§9.1: a (key, nonce) pair is used once).
 * The counter is not reset on an epoch change; it only ever increases.
 */
export class SendTrack {
  readonly keys: SenderKeySource;
  readonly context: bigint;
  private ctr: bigint;

  /**
   * `startCtr` lets a page that persisted its counter resume in the same epoch after a
   * reload (§9.1); otherwise a reloaded page must not send before the next commit.
   */
  constructor(keys: SenderKeySource, context: bigint, startCtr = 0n) {
    if (startCtr < 0n || startCtr >= 1n << 64n) throw new RangeError(`CTR ${startCtr}`);
    this.keys = keys;
    this.context = context;
    this.ctr = startCtr;
  }

  /** Next CTR. 2^64 frames would take longer than the age of the universe at any frame rate. */
  nextCtr(): bigint {
    return this.ctr++;
  }

  get counter(): bigint {
    return this.ctr;
  }
}

/** Receive state of one incoming track: key source and per-(epoch, KID) replay windows. */
export class ReceiveTrack {
  readonly keys: ReceiverKeySource;
  readonly replay: ReplayGuard;

  constructor(keys: ReceiverKeySource, replayWindow = DEFAULT_REPLAY_WINDOW) {
    this.keys = keys;
    this.replay = new ReplayGuard(replayWindow);
  }
}

function join(prefix: Uint8Array, rest: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(prefix.length + rest.length);
  out.set(prefix, 0);
  out.set(rest, prefix.length);
  return out;
}

const drop = (reason: DropReason): FrameResult => ({ ok: false, reason });

/** Encrypts one outgoing frame, or says why it must be dropped. Never returns plaintext. */
export async function protectFrame(
  track: SendTrack,
  codec: MediaCodec,
  kind: FrameKind,
  data: Uint8Array,
): Promise<FrameResult> {
  if (codec === 'opus' && data.length === 0) return { ok: true, data: new Uint8Array(0), passthrough: true };
  let keyPromise: Promise<SFrameKey> | null;
  try {
    keyPromise = track.keys.senderKey(track.context);
  } catch {
    return drop('no-key'); // context or leaf index does not fit the KID layout
  }
  if (!keyPromise) return drop('no-key');
  if (!isKnownCodec(codec)) return drop('unsupported-codec');
  const prefixLen = clearPrefixLength(codec, kind, data);
  if (prefixLen === null) return drop('malformed');
  let key: SFrameKey;
  try {
    key = await keyPromise;
  } catch {
    return drop('no-key');
  }
  const prefix = data.subarray(0, prefixLen);
  const sframe = await encryptFrame(key, key.kid, track.nextCtr(), prefix, data.subarray(prefixLen));
  const body = codec === 'h264' ? escapeEmulation(sframe, trailingZeros(prefix)) : sframe;
  return { ok: true, data: join(prefix, body), passthrough: false };
}

/**
 * Decrypts one incoming frame, or says why it must be dropped. Never returns ciphertext:
 * the only non-drop outputs are authenticated plaintext and untouched 0-byte Opus frames.
 */
export async function unprotectFrame(
  track: ReceiveTrack,
  codec: MediaCodec,
  kind: FrameKind,
  data: Uint8Array,
): Promise<FrameResult> {
  if (codec === 'opus' && data.length === 0) return { ok: true, data: new Uint8Array(0), passthrough: true };
  if (!isKnownCodec(codec)) return drop('unsupported-codec');
  const prefixLen = clearPrefixLength(codec, kind, data);
  if (prefixLen === null) return drop('malformed');
  const prefix = data.subarray(0, prefixLen);
  const rest = data.subarray(prefixLen);
  const sframe = codec === 'h264' ? unescapeEmulation(rest, trailingZeros(prefix)) : rest;
  const h = decodeHeader(sframe);
  if (!h.ok) return drop('malformed');
  if (sframe.length < h.length + suiteParams(track.keys.suite).nt) return drop('malformed');
  if (!track.keys.hasKeys) return drop('no-key');
  const found = track.keys.lookup(h.kid);
  if (!found) return drop('unknown-kid');
  if (track.replay.check(h.kid, h.ctr, found.epoch) !== 'fresh') return drop('replay');
  let key: SFrameKey;
  try {
    key = await found.key;
  } catch {
    return drop('unknown-kid');
  }
  const r = await decryptFrame(key, prefix, sframe);
  if (!r.ok) return drop(r.reason === 'auth-failed' ? 'auth-failed' : 'malformed');
  // Recorded only now, so a forged frame cannot advance the window; checked again because
  // the same CTR could have been accepted while this frame was being decrypted.
  if (track.replay.accept(h.kid, h.ctr, found.epoch) !== 'fresh') return drop('replay');
  return { ok: true, data: join(prefix, r.plaintext), passthrough: false };
}

function isKnownCodec(codec: string): codec is MediaCodec {
  return codec === 'opus' || codec === 'vp8' || codec === 'vp9' || codec === 'h264';
}
