// Page-side helpers: create the SFrame worker and attach it to RTCRtpSenders/Receivers.
//
// Which path (notes/e2ee-browser.md §4):
//  1. RTCRtpScriptTransform where it exists (Firefox 117+, Safari 15.4+, Chrome 141+).
//  2. Chromium's legacy createEncodedStreams otherwise; it only works if the
//     RTCPeerConnection was created with { encodedInsertableStreams: true }.
//  3. Neither: E2eeUnsupportedError. There is no unencrypted fallback: a Haven call is
//     end-to-end encrypted or it does not carry media.
//
// Fail closed (DESIGN.md): attach when the transceiver is created (sendonly / recvonly;
// Chromium has skipped receiver transforms on sendrecv transceivers), before any frame
// flows; a sender without a transform would send in clear. The worker drops every frame
// until the page has posted setKeys. Attach receivers in `ontrack` (a transform set right
// after addTransceiver has been missed in Chrome).
//
// Key frames after a key change: with RTCRtpScriptTransform the worker itself calls
// sendKeyFrameRequest() on the receive transformer (and generateKeyFrame() on the send
// side where supported). In both paths it also posts { type: 'keyFrameNeeded', trackId };
// the page should then ask the SFU to send a PLI for that track, which is the only way to
// get one on the legacy path, where no key-frame API exists.

import type { DropReason, MediaCodec } from './codec-prefix';
import type { PageToWorker, TransformOptions, WorkerStats, WorkerToPage } from './messages';
import type { WithEncodedStreams } from './rtc-transform';

export type { TransformOptions, WorkerStats, WorkerToPage, DropReason };

/** Thrown when this browser cannot encrypt media end to end. */
export class E2eeUnsupportedError extends Error {
  override readonly name = 'E2eeUnsupportedError';
  constructor(message = 'this browser cannot encrypt call media end to end (no unencrypted fallback)', options?: ErrorOptions) {
    super(message, options);
  }
}

export type TransformPath = 'script-transform' | 'encoded-streams';

/** The path attach* will use for this object, or null if none. */
export function transformPath(target: RTCRtpSender | RTCRtpReceiver): TransformPath | null {
  if (typeof RTCRtpScriptTransform !== 'undefined') return 'script-transform';
  if (typeof (target as WithEncodedStreams).createEncodedStreams === 'function') return 'encoded-streams';
  return null;
}

/** Starts the SFrame worker (a separate same-origin module file, allowed by the CSP). */
export function createSFrameWorker(): Worker {
  return new Worker(new URL('./transform-worker.ts', import.meta.url), { type: 'module', name: 'haven-sframe' });
}

function attach(target: RTCRtpSender | RTCRtpReceiver, worker: Worker, options: TransformOptions): TransformPath {
  const path = transformPath(target);
  if (path === 'script-transform') {
    target.transform = new RTCRtpScriptTransform(worker, options);
    return path;
  }
  if (path === 'encoded-streams') {
    let streams;
    try {
      streams = (target as WithEncodedStreams).createEncodedStreams?.();
    } catch (e) {
      // "Encoded ... streams not requested at PC initialization": the PC lacks the flag.
      throw new E2eeUnsupportedError(`createEncodedStreams failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (!streams) throw new E2eeUnsupportedError();
    const msg: PageToWorker = { type: 'encodedStreams', readable: streams.readable, writable: streams.writable, options };
    worker.postMessage(msg, [streams.readable, streams.writable]);
    return path;
  }
  throw new E2eeUnsupportedError();
}

export interface SendTransformOptions {
  readonly kind: 'audio' | 'video';
  readonly trackId: string;
  /** §5.2 KID context, unique per outgoing track of this member (0 mic, 1 camera, 2 screen). */
  readonly context: number;
  readonly codec?: MediaCodec;
}

export interface ReceiveTransformOptions {
  readonly kind: 'audio' | 'video';
  readonly trackId: string;
  readonly codec?: MediaCodec;
}

/** Attaches SFrame encryption to a sender. Throws E2eeUnsupportedError if impossible. */
export function attachSenderTransform(sender: RTCRtpSender, worker: Worker, opts: SendTransformOptions): TransformPath {
  return attach(sender, worker, { side: 'send', ...opts });
}

/** Attaches SFrame decryption to a receiver. Throws E2eeUnsupportedError if impossible. */
export function attachReceiverTransform(receiver: RTCRtpReceiver, worker: Worker, opts: ReceiveTransformOptions): TransformPath {
  return attach(receiver, worker, { side: 'receive', ...opts });
}

/** Installs an MLS epoch's SFrame base key in the worker (see messages.ts, setKeys). */
export function postKeys(
  worker: Worker,
  keys: { epoch: bigint | number; baseKey: Uint8Array; leafIndex: number; leafCount: number },
): void {
  const msg: PageToWorker = { type: 'setKeys', ...keys };
  worker.postMessage(msg);
}

/** Ends the previous epoch's grace period. */
export function postDropPreviousEpoch(worker: Worker): void {
  const msg: PageToWorker = { type: 'dropPreviousEpoch' };
  worker.postMessage(msg);
}

let nextStatsRequest = 1;

/** Asks the worker for its frame counters (encrypted/decrypted/dropped by reason). */
export function requestStats(worker: Worker, timeoutMs = 2000): Promise<WorkerStats> {
  const requestId = nextStatsRequest++;
  return new Promise((resolvePromise, reject) => {
    const onMessage = (event: MessageEvent<WorkerToPage>) => {
      if (event.data?.type === 'stats' && event.data.requestId === requestId) {
        cleanup();
        resolvePromise(event.data.stats);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('SFrame worker did not answer the stats request'));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      worker.removeEventListener('message', onMessage);
    };
    worker.addEventListener('message', onMessage);
    const msg: PageToWorker = { type: 'stats', requestId };
    worker.postMessage(msg);
  });
}
