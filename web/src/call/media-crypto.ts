// SFrame for the call's two peer connections (docs/E2EE.md "In the call"): one transform
// worker per call, a sender transform on every outgoing track and a receiver transform on
// every incoming one. The keys come from the room's MLS group (e2ee/call-e2ee.ts); until
// they do, the worker drops every frame. There is no unencrypted mode: a browser without
// encoded transforms does not join media at all (e2eeSupported).
import {
  attachReceiverTransform,
  attachSenderTransform,
  createSFrameWorker,
  requestStats,
} from '../e2ee/sframe/attach';
import type { WorkerStats, WorkerToPage } from '../e2ee/sframe/attach';
import { PC_CONFIG } from './ice';
import type { Source } from './protocol';

/** Whether this browser can encrypt call media end to end (notes/e2ee-browser.md §4). */
export function e2eeSupported(): boolean {
  if (typeof RTCRtpScriptTransform !== 'undefined') return true;
  return typeof RTCRtpSender !== 'undefined' && 'createEncodedStreams' in RTCRtpSender.prototype;
}

/** The KID context each source prefers (RFC 9605 §5.2: unique per outgoing track). */
const PREFERRED_CONTEXT: Record<Source, number> = { microphone: 0, camera: 1, screen: 2 };

export class MediaCrypto {
  readonly worker: Worker = createSFrameWorker();
  /** A receive track lost frames and needs a key frame (its recv mid). */
  onKeyFrameNeeded: (mid: string) => void = () => undefined;
  private readonly usedContexts = new Set<number>();
  private readonly attached = new WeakSet<RTCRtpReceiver>();
  keyFrameRequests = 0;

  constructor() {
    this.worker.addEventListener('message', (ev: MessageEvent<WorkerToPage>) => {
      const msg = ev.data;
      if (msg?.type !== 'keyFrameNeeded') return;
      this.keyFrameRequests++;
      if (msg.trackId.startsWith('recv-')) this.onKeyFrameNeeded(msg.trackId.slice(5));
    });
  }

  /**
   * The connection configuration. Chromium's legacy path (before RTCRtpScriptTransform)
   * only works on a connection created with encodedInsertableStreams.
   */
  get pcConfig(): RTCConfiguration {
    if (typeof RTCRtpScriptTransform !== 'undefined') return PC_CONFIG;
    return { ...PC_CONFIG, encodedInsertableStreams: true } as RTCConfiguration;
  }

  /**
   * Encrypts a new sender's frames. Called right after addTransceiver, before the offer:
   * no frame can leave without the transform. A context is never reused within a call:
   * a rejoin or a second screen share starts a new counter at 0, and in the same epoch
   * the same (key, KID, CTR) would mean the same nonce (RFC 9605 §9.1).
   */
  attachSender(sender: RTCRtpSender, kind: 'audio' | 'video', source: Source): void {
    let context = PREFERRED_CONTEXT[source];
    if (this.usedContexts.has(context)) context = Math.max(3, ...this.usedContexts) + 1;
    this.usedContexts.add(context);
    attachSenderTransform(sender, this.worker, {
      kind,
      trackId: `send-${context}`,
      context,
      codec: kind === 'audio' ? 'opus' : 'vp8',
    });
  }

  /** Decrypts a receiver's frames (from ontrack, before any frame reaches the decoder). */
  attachReceiver(receiver: RTCRtpReceiver, mid: string): void {
    if (this.attached.has(receiver)) return;
    this.attached.add(receiver);
    const kind = receiver.track.kind === 'audio' ? 'audio' : 'video';
    attachReceiverTransform(receiver, this.worker, { kind, trackId: `recv-${mid}`, codec: kind === 'audio' ? 'opus' : 'vp8' });
  }

  stats(): Promise<WorkerStats> {
    return requestStats(this.worker);
  }

  close(): void {
    this.worker.terminate();
  }
}
