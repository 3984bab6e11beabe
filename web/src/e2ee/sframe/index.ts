// SFrame (RFC 9605) for Haven's media: the pure functions and classes, without the worker
// and page glue (transform-worker.ts, attach.ts), so node tests can import them.
export {
  SFRAME_HEADER_MAX_BYTES,
  encodeHeader,
  decodeHeader,
  headerLength,
  type SFrameHeader,
  type HeaderDecodeError,
  type HeaderDecodeResult,
} from './header';
export {
  SUITE_AES_128_GCM_SHA256_128,
  SUITE_AES_256_GCM_SHA512_128,
  HAVEN_SFRAME_SUITE,
  isSupportedSuite,
  suiteParams,
  sframeKeyLabel,
  sframeSaltLabel,
  sframeSecret,
  importBaseKey,
  deriveSFrameKey,
  deriveSFrameKeyFromBytes,
  deriveKeyMaterial,
  makeNonce,
  type SFrameSuite,
  type SFrameKey,
  type SuiteParams,
} from './keys';
export { encryptFrame, decryptFrame, type DecryptResult, type DecryptFailure } from './cipher';
export {
  HAVEN_EPOCH_BITS,
  senderIndexBits,
  makeKid,
  parseKid,
  deriveSenderKey,
  Keyring,
  type KidLayout,
  type EpochInput,
  type KeyLookup,
} from './mls-keys';
export { ReplayWindow, ReplayGuard, DEFAULT_REPLAY_WINDOW, type ReplayVerdict } from './replay';
export {
  H264_SLICE_HEADER_CLEAR_BYTES,
  h264ClearPrefixLength,
  escapeEmulation,
  unescapeEmulation,
  trailingZeros,
  containsStartCodeEmulation,
} from './h264';
export {
  DROP_REASONS,
  codecFromMimeType,
  clearPrefixLength,
  protectFrame,
  unprotectFrame,
  SendTrack,
  ReceiveTrack,
  type MediaCodec,
  type FrameKind,
  type DropReason,
  type FrameResult,
  type SenderKeySource,
  type ReceiverKeySource,
} from './codec-prefix';
export { SFrameWorkerCore, parseTransformOptions } from './worker-core';
export type { TransformOptions, PageToWorker, WorkerToPage, WorkerStats, SideStats } from './messages';
