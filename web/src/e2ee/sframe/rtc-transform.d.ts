// Minimal typings for the WebRTC Encoded Transform pieces that web/tsconfig.json's DOM lib
// lacks: the worker side (RTCTransformEvent, RTCRtpScriptTransformer, which live in the
// webworker lib that cannot be combined with DOM in one program) and Chromium's legacy
// createEncodedStreams. Declared as module exports, not globals, so they cannot clash
// with lib.dom.d.ts or with other declarations in the project.

/** RTCEncodedVideoFrame / RTCEncodedAudioFrame as the transform sees them. */
export interface EncodedFrame {
  data: ArrayBuffer;
  /** Video only: 'key' | 'delta' | 'empty'. Absent on audio frames. */
  readonly type?: string;
  getMetadata?(): { mimeType?: string; synchronizationSource?: number; rid?: string };
}

/** RTCRtpScriptTransformer (worker side of RTCRtpScriptTransform). */
export interface ScriptTransformer {
  readonly options: unknown;
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
  /** Sender side; Chromium lacks it (TypeError), Firefox/Safari reject until the encoder runs. */
  generateKeyFrame?(rid?: string): Promise<void>;
  /** Receiver side: asks the remote sender (via RTCP PLI/FIR) for a key frame. */
  sendKeyFrameRequest?(): Promise<void>;
}

/** RTCTransformEvent, fired as `rtctransform` on the worker's global scope. */
export interface TransformEvent {
  readonly transformer: ScriptTransformer;
}

/** The parts of DedicatedWorkerGlobalScope the transform worker uses. */
export interface TransformWorkerScope {
  onrtctransform: ((event: TransformEvent) => void) | null;
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** Chromium's legacy Insertable Streams (needs encodedInsertableStreams: true on the PC). */
export interface EncodedStreams {
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
}

export interface WithEncodedStreams {
  createEncodedStreams?(): EncodedStreams;
}
