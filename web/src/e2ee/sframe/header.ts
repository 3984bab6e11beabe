// SFrame header encoding (RFC 9605 §4.3).
//
//    0 1 2 3 4 5 6 7
//   +-+-+-+-+-+-+-+-+---------------------------+---------------------------+
//   |X|  K  |Y|  C  |   KID (0..8 bytes)        |   CTR (0..8 bytes)        |
//   +-+-+-+-+-+-+-+-+---------------------------+---------------------------+
//
// X/Y clear: K/C hold the KID/CTR value itself (0..7) and no bytes follow.
// X/Y set:   K/C hold (length - 1) of a big-endian unsigned value that follows,
//            KID first, then CTR. §4.3 requires the minimum number of bytes, so an
//            encoder never emits a leading zero byte or an extended field for 0..7.
//
// KID and CTR are 64-bit unsigned values (§4.3, §4.4.1), so they are bigint here: a JS
// number loses integers above 2^53, and the published vectors use the full 64 bits.
//
// The header arrives from the network (through the SFU), so decodeHeader treats every byte
// as hostile: it never throws, reads nothing past the buffer, and returns a reason string.

/** Largest possible header: config byte + 8 KID bytes + 8 CTR bytes. */
export const SFRAME_HEADER_MAX_BYTES = 17;

const U64_MAX = (1n << 64n) - 1n;

export interface SFrameHeader {
  readonly kid: bigint;
  readonly ctr: bigint;
}

export type HeaderDecodeError =
  | 'empty' // no config byte at all
  | 'truncated' // the config byte announces more KID/CTR bytes than the buffer holds
  | 'non-minimal'; // a value that §4.3 says must be encoded shorter (leading zero / inline-able)

export type HeaderDecodeResult =
  | { readonly ok: true; readonly kid: bigint; readonly ctr: bigint; readonly length: number }
  | { readonly ok: false; readonly error: HeaderDecodeError };

/** Number of bytes needed for v (1..8) when it does not fit in the 3 config bits. */
function byteLength(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    n++;
    v >>= 8n;
  }
  return n;
}

function checkU64(name: string, v: bigint): void {
  if (v < 0n || v > U64_MAX) throw new RangeError(`SFrame ${name} out of 64-bit range: ${v}`);
}

/** Length in bytes of the header that encodeHeader(kid, ctr) produces. */
export function headerLength(kid: bigint, ctr: bigint): number {
  return 1 + (kid < 8n ? 0 : byteLength(kid)) + (ctr < 8n ? 0 : byteLength(ctr));
}

function writeBigEndian(out: Uint8Array, at: number, v: bigint, len: number): void {
  for (let i = len - 1; i >= 0; i--) {
    out[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/**
 * Encodes the header for (kid, ctr) in its minimal form (RFC 9605 §4.3).
 * Throws RangeError only for caller bugs (negative or > 2^64-1 values), never for data.
 */
export function encodeHeader(kid: bigint, ctr: bigint): Uint8Array<ArrayBuffer> {
  checkU64('KID', kid);
  checkU64('CTR', ctr);
  const out = new Uint8Array(headerLength(kid, ctr));
  let config = 0;
  let at = 1;
  if (kid < 8n) {
    config |= Number(kid) << 4;
  } else {
    const len = byteLength(kid);
    config |= 0x80 | ((len - 1) << 4);
    writeBigEndian(out, at, kid, len);
    at += len;
  }
  if (ctr < 8n) {
    config |= Number(ctr);
  } else {
    const len = byteLength(ctr);
    config |= 0x08 | (len - 1);
    writeBigEndian(out, at, ctr, len);
  }
  out[0] = config;
  return out;
}

/** Reads len big-endian bytes; the caller has checked bounds. */
function readBigEndian(buf: Uint8Array, at: number, len: number): bigint {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(buf[at + i] ?? 0);
  return v;
}

/**
 * Decodes a header at buf[offset]. Returns the KID, CTR and header length, or a reason.
 *
 * Non-minimal encodings are rejected: §4.3 makes the minimal form mandatory, so a
 * conforming sender never produces one, and accepting them would give one (KID, CTR)
 * several wire forms for no benefit.
 */
export function decodeHeader(buf: Uint8Array, offset = 0): HeaderDecodeResult {
  if (!Number.isInteger(offset) || offset < 0 || offset >= buf.length) {
    return { ok: false, error: 'empty' };
  }
  const config = buf[offset] ?? 0;
  const kidExtended = (config & 0x80) !== 0;
  const kField = (config >> 4) & 0x07;
  const ctrExtended = (config & 0x08) !== 0;
  const cField = config & 0x07;
  const kidLen = kidExtended ? kField + 1 : 0;
  const ctrLen = ctrExtended ? cField + 1 : 0;
  const length = 1 + kidLen + ctrLen;
  if (offset + length > buf.length) return { ok: false, error: 'truncated' };

  let kid: bigint;
  let ctr: bigint;
  if (kidExtended) {
    if (kidLen > 1 && buf[offset + 1] === 0) return { ok: false, error: 'non-minimal' };
    kid = readBigEndian(buf, offset + 1, kidLen);
    if (kid < 8n) return { ok: false, error: 'non-minimal' };
  } else {
    kid = BigInt(kField);
  }
  if (ctrExtended) {
    const at = offset + 1 + kidLen;
    if (ctrLen > 1 && buf[at] === 0) return { ok: false, error: 'non-minimal' };
    ctr = readBigEndian(buf, at, ctrLen);
    if (ctr < 8n) return { ok: false, error: 'non-minimal' };
  } else {
    ctr = BigInt(cField);
  }
  return { ok: true, kid, ctr, length };
}
