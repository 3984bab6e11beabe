// Messages between the page and the SFrame transform worker (transform-worker.ts).
// Structured clone carries bigint and Uint8Array, so no encoding is needed.

import type { DropReason, MediaCodec } from './codec-prefix';

/** Options given to RTCRtpScriptTransform (or sent with the legacy streams). */
export interface TransformOptions {
  readonly side: 'send' | 'receive';
  readonly kind: 'audio' | 'video';
  /** Page-chosen id of this sender/receiver, echoed in keyFrameNeeded and stats. */
  readonly trackId: string;
  /**
   * Send side: the §5.2 KID context of this track (0 microphone, 1 camera, 2 screen...).
   * Must be unique per outgoing track of this member, so each track has its own KID.
   */
  readonly context?: number;
  /** Codec to assume when frames carry no mimeType metadata (Safari < 26). */
  readonly codec?: MediaCodec;
}

export type PageToWorker =
  | {
      readonly type: 'setKeys';
      readonly epoch: bigint | number;
      /** MLS-Exporter("SFrame 1.0 Base Key", "", 16) of this epoch. */
      readonly baseKey: Uint8Array;
      /** This member's leaf index, and the leaf count of the epoch's ratchet tree. */
      readonly leafIndex: number;
      readonly leafCount: number;
    }
  | { readonly type: 'dropPreviousEpoch' }
  | { readonly type: 'clearKeys' }
  | { readonly type: 'stats'; readonly requestId: number }
  | {
      readonly type: 'encodedStreams';
      readonly readable: ReadableStream;
      readonly writable: WritableStream;
      readonly options: TransformOptions;
    };

export interface SideStats {
  /** Frames encrypted (send) or decrypted (receive). */
  processed: number;
  /** 0-byte Opus frames passed through untouched. */
  passthrough: number;
  dropped: Record<DropReason, number>;
  /** Unexpected exceptions while handling a frame (the frame was dropped). */
  errors: number;
}

export interface WorkerStats {
  send: SideStats;
  receive: SideStats;
  tracks: number;
  currentEpoch: bigint | null;
  previousEpoch: bigint | null;
  keyFrameRequests: number;
}

export type WorkerToPage =
  | { readonly type: 'keysSet'; readonly epoch: bigint; readonly dropped: readonly bigint[] }
  | { readonly type: 'stats'; readonly requestId: number; readonly stats: WorkerStats }
  /**
   * A receive video track is decrypting again after losing frames (no key, unknown KID,
   * auth failure), so its decoder needs a key frame. With RTCRtpScriptTransform the worker
   * has already called transformer.sendKeyFrameRequest(); on the legacy path there is no
   * such call, and the page should ask the SFU (signaling) to send a PLI to the sender.
   */
  | { readonly type: 'keyFrameNeeded'; readonly trackId: string }
  | { readonly type: 'error'; readonly message: string };
