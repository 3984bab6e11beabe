// The SFrame transform worker (RFC 9605 media encryption for Haven calls).
//
// The page creates it with
//   new Worker(new URL('./transform-worker.ts', import.meta.url), { type: 'module' })
// (attach.ts: createSFrameWorker), which Vite bundles as a separate same-origin file, as
// the CSP (script-src 'self', worker-src 'self' blob:) requires: no inline code.
//
// Two ways frames arrive (attach.ts picks one):
//  - RTCRtpScriptTransform: the browser fires `rtctransform` here with a transformer whose
//    options are a TransformOptions ({ side, kind, trackId, context, codec }).
//  - Chromium's legacy createEncodedStreams: the page transfers the readable/writable pair
//    in a { type: 'encodedStreams', readable, writable, options } message.
//
// Messages from the page (messages.ts): setKeys, dropPreviousEpoch, clearKeys, stats.
// Messages to the page: keysSet, stats, keyFrameNeeded, error. The logic is in
// worker-core.ts; this file only binds it to the worker's global scope.

import { SFrameWorkerCore, parseTransformOptions } from './worker-core';
import type { WorkerToPage } from './messages';
import type { TransformEvent, TransformWorkerScope } from './rtc-transform';

const scope = self as unknown as TransformWorkerScope;
const core = new SFrameWorkerCore((msg: WorkerToPage) => scope.postMessage(msg));

scope.onrtctransform = (event: TransformEvent) => {
  const t = event.transformer;
  const options = parseTransformOptions(t.options);
  if (!options) {
    // Fail closed: without valid options nothing is forwarded. Cancelling the readable
    // and not writing means the track carries no media rather than unencrypted media.
    void t.readable.cancel('invalid SFrame transform options').catch(() => {});
    scope.postMessage({ type: 'error', message: 'invalid transform options' } satisfies WorkerToPage);
    return;
  }
  void core.attach(t.readable, t.writable, options, t);
};

scope.onmessage = (event: MessageEvent<unknown>) => {
  void core.handleMessage(event.data);
};
