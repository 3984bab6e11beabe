// The SFrame transform worker's logic, kept free of worker globals so node tests can drive
// it with plain streams (transform-worker.ts binds it to the real worker scope).
//
// One worker serves a whole call: one Keyring (this member's MLS group), any number of
// send and receive transforms. Each send transform is one outgoing track with its own KID
// context and counter (simulcast layers of a track share it, so every layer frame gets its
// own CTR); each receive transform has its own replay windows.
//
// Key changes (RFC 9605 §4.4.1, §6.2): setKeys installs the new epoch for receiving at once
// and keeps the previous one until dropPreviousEpoch; sending switches to the new epoch
// immediately. After a switch, the send side asks its encoder for a key frame where the
// browser can (generateKeyFrame: Firefox, Safari; Chromium has none), and a receive video
// track that lost frames asks for one with sendKeyFrameRequest when it decrypts again,
// and tells the page (keyFrameNeeded) so that the legacy path can get a PLI via the SFU.

import {
  DROP_REASONS,
  ReceiveTrack,
  SendTrack,
  codecFromMimeType,
  protectFrame,
  unprotectFrame,
  type DropReason,
  type FrameKind,
  type FrameResult,
  type MediaCodec,
} from './codec-prefix';
import { Keyring } from './mls-keys';
import type { PageToWorker, SideStats, TransformOptions, WorkerStats, WorkerToPage } from './messages';
import type { EncodedFrame, ScriptTransformer } from './rtc-transform';

/** Minimum time between key-frame requests of one receive track. */
const KEY_FRAME_REQUEST_INTERVAL_MS = 1000;

type KeyFrameHooks = Pick<ScriptTransformer, 'generateKeyFrame' | 'sendKeyFrameRequest'>;

interface TrackState {
  readonly options: TransformOptions;
  readonly hooks: KeyFrameHooks | null;
  readonly send: SendTrack | null;
  readonly recv: ReceiveTrack | null;
  /** Receive video: frames were lost since the last decrypted key frame. */
  lostFrames: boolean;
  lastKeyFrameRequest: number;
}

function emptySide(): SideStats {
  const dropped = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) dropped[r] = 0;
  return { processed: 0, passthrough: 0, dropped, errors: 0 };
}

const CODECS: readonly MediaCodec[] = ['opus', 'vp8', 'vp9', 'h264'];

/** Validates transform options coming from the page (RTCRtpScriptTransform options). */
export function parseTransformOptions(raw: unknown): TransformOptions | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if (o['side'] !== 'send' && o['side'] !== 'receive') return null;
  if (o['kind'] !== 'audio' && o['kind'] !== 'video') return null;
  if (typeof o['trackId'] !== 'string') return null;
  const context = o['context'];
  if (context !== undefined && (!Number.isSafeInteger(context) || (context as number) < 0)) return null;
  if (o['side'] === 'send' && context === undefined) return null; // KID context is required to send
  const codec = o['codec'];
  if (codec !== undefined && !CODECS.includes(codec as MediaCodec)) return null;
  return {
    side: o['side'],
    kind: o['kind'],
    trackId: o['trackId'],
    ...(context !== undefined ? { context: context as number } : {}),
    ...(codec !== undefined ? { codec: codec as MediaCodec } : {}),
  };
}

export class SFrameWorkerCore {
  readonly keyring = new Keyring();
  private readonly post: (msg: WorkerToPage) => void;
  private readonly now: () => number;
  private readonly tracks = new Set<TrackState>();
  private readonly stats = { send: emptySide(), receive: emptySide(), keyFrameRequests: 0 };

  constructor(post: (msg: WorkerToPage) => void, now: () => number = () => performance.now()) {
    this.post = post;
    this.now = now;
  }

  /** Handles one message from the page. Never throws; errors are posted back. */
  async handleMessage(data: unknown): Promise<void> {
    const msg = data as PageToWorker;
    try {
      switch (msg?.type) {
        case 'setKeys':
          await this.setKeys(msg);
          return;
        case 'dropPreviousEpoch': {
          const dropped = this.keyring.dropPrevious();
          if (dropped !== null) this.forgetReplayBefore(this.keyring.currentEpoch ?? dropped + 1n);
          return;
        }
        case 'clearKeys':
          this.keyring.clear();
          return;
        case 'stats':
          this.post({ type: 'stats', requestId: msg.requestId, stats: this.snapshot() });
          return;
        case 'encodedStreams': {
          const options = parseTransformOptions(msg.options);
          if (!options) throw new Error('invalid transform options');
          this.attach(msg.readable, msg.writable, options, null);
          return;
        }
        default:
          throw new Error(`unknown message type ${String((msg as { type?: unknown })?.type)}`);
      }
    } catch (e) {
      this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async setKeys(msg: Extract<PageToWorker, { type: 'setKeys' }>): Promise<void> {
    const before = this.keyring.currentEpoch;
    const { dropped } = await this.keyring.setEpoch({
      epoch: msg.epoch,
      baseKey: msg.baseKey,
      leafIndex: msg.leafIndex,
      leafCount: msg.leafCount,
    });
    const epoch = this.keyring.currentEpoch ?? 0n;
    if (dropped.length > 0) this.forgetReplayBefore(this.keyring.previousEpoch ?? epoch);
    this.post({ type: 'keysSet', epoch, dropped });
    if (before === epoch) return;
    for (const t of this.tracks) {
      if (t.options.kind !== 'video') continue;
      // §6.2: a key frame right after a key change, so receivers can start decoding.
      if (t.send && t.hooks?.generateKeyFrame) t.hooks.generateKeyFrame().catch(() => {});
      if (t.recv && t.lostFrames) this.requestKeyFrame(t);
    }
  }

  private forgetReplayBefore(epoch: bigint): void {
    for (const t of this.tracks) t.recv?.replay.forgetBefore(epoch);
  }

  /**
   * Runs frames from `readable` through SFrame into `writable` until either closes.
   * `hooks` is the RTCRtpScriptTransformer (key-frame calls), null on the legacy path.
   */
  attach(readable: ReadableStream, writable: WritableStream, options: TransformOptions, hooks: KeyFrameHooks | null): Promise<void> {
    const send = options.side === 'send' ? new SendTrack(this.keyring, BigInt(options.context ?? 0)) : null;
    const recv = options.side === 'receive' ? new ReceiveTrack(this.keyring) : null;
    // A receive video track starts as "lost": joining mid-stream, the first decryptable
    // frame is usually a delta frame the decoder cannot use, so it asks for a key frame.
    const lostFrames = recv !== null && options.kind === 'video';
    const track: TrackState = { options, hooks, send, recv, lostFrames, lastKeyFrameRequest: -Infinity };
    this.tracks.add(track);
    const transform = new TransformStream<EncodedFrame, EncodedFrame>({
      transform: async (frame, controller) => {
        const out = await this.processFrame(track, frame);
        if (out) controller.enqueue(out);
      },
    });
    return readable
      .pipeThrough(transform)
      .pipeTo(writable)
      .catch(() => {}) // the track ended or was replaced
      .finally(() => this.tracks.delete(track));
  }

  /** Returns the frame to forward (data replaced), or null to drop it. */
  private async processFrame(track: TrackState, frame: EncodedFrame): Promise<EncodedFrame | null> {
    const side = track.send ? this.stats.send : this.stats.receive;
    let result: FrameResult;
    let kind: FrameKind = 'audio';
    try {
      const codec = this.codecOf(track.options, frame);
      if (track.options.kind === 'video') kind = frame.type === 'key' ? 'key' : 'delta';
      const data = new Uint8Array(frame.data);
      if (!codec) result = { ok: false, reason: 'unsupported-codec' };
      else if (track.send) result = await protectFrame(track.send, codec, kind, data);
      else if (track.recv) result = await unprotectFrame(track.recv, codec, kind, data);
      else return null;
    } catch {
      side.errors++;
      return null; // fail closed: an unexpected error never forwards the frame
    }
    if (!result.ok) {
      side.dropped[result.reason]++;
      if (track.recv && track.options.kind === 'video' && result.reason !== 'replay') track.lostFrames = true;
      return null;
    }
    if (result.passthrough) side.passthrough++;
    else side.processed++;
    if (track.recv && track.options.kind === 'video') {
      if (kind === 'key') track.lostFrames = false;
      else if (track.lostFrames) this.requestKeyFrame(track);
    }
    frame.data = result.data.buffer;
    return frame;
  }

  private codecOf(options: TransformOptions, frame: EncodedFrame): MediaCodec | null {
    const mime = frame.getMetadata?.().mimeType;
    if (mime) return codecFromMimeType(mime);
    if (options.codec) return options.codec;
    return options.kind === 'audio' ? 'opus' : null;
  }

  private requestKeyFrame(track: TrackState): void {
    const now = this.now();
    if (now - track.lastKeyFrameRequest < KEY_FRAME_REQUEST_INTERVAL_MS) return;
    track.lastKeyFrameRequest = now;
    this.stats.keyFrameRequests++;
    track.hooks?.sendKeyFrameRequest?.().catch(() => {});
    this.post({ type: 'keyFrameNeeded', trackId: track.options.trackId });
  }

  snapshot(): WorkerStats {
    const copy = (s: SideStats): SideStats => ({ ...s, dropped: { ...s.dropped } });
    return {
      send: copy(this.stats.send),
      receive: copy(this.stats.receive),
      tracks: this.tracks.size,
      currentEpoch: this.keyring.currentEpoch,
      previousEpoch: this.keyring.previousEpoch,
      keyFrameRequests: this.stats.keyFrameRequests,
    };
  }
}
