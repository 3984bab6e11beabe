// H.264 Annex B helpers for SFrame (see codec-prefix.ts for why they are needed).
//
// Browsers hand encoded transforms H.264 frames in Annex B form: NAL units separated by
// start codes 00 00 01 / 00 00 00 01. The RTP packetizer on the sending side and the
// depacketizer on the receiving side split frames at those start codes and read each NAL
// header, so (a) the parameter sets and the first slice's NAL header must stay in clear,
// and (b) the encrypted bytes that follow must never contain a start code. (b) is what the
// standard's emulation prevention does for every NAL payload (ITU-T H.264 §7.4.1): after
// two zero bytes, a byte 0x00..0x03 is preceded by an inserted 0x03.

/** NAL unit types of coded slices: 1 = non-IDR slice, 5 = IDR slice (H.264 Table 7-1). */
function isSliceNal(nalHeader: number): boolean {
  const type = nalHeader & 0x1f;
  return type === 1 || type === 5;
}

/**
 * Bytes of the first slice's payload kept in clear after its NAL header byte.
 *
 * Chromium's H.264 depacketizer parses the start of the slice header (first_mb_in_slice,
 * slice_type, pic_parameter_set_id, all Exp-Golomb) to find frame starts and to check the
 * PPS id against the PPS it has seen; with only the NAL header byte in clear it found a
 * garbage PPS id, decoded 0 frames and sent PLIs continuously (Chromium 156, loopback
 * test, 2026-11). With one more byte in clear it decoded every frame, as
 * notes/e2ee-browser.md §3 reports for LiveKit's rule. That byte is authenticated (AAD)
 * like the rest of the prefix.
 */
export const H264_SLICE_HEADER_CLEAR_BYTES = 1;

/**
 * Length of the clear prefix: everything up to and including the NAL header byte of the
 * first coded slice (type 1 or 5), plus H264_SLICE_HEADER_CLEAR_BYTES of its payload;
 * null if the frame has no slice NAL. Scans for 3-byte start codes, which also finds
 * 4-byte ones (their last three bytes). Total on any input.
 */
export function h264ClearPrefixLength(data: Uint8Array): number | null {
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] !== 0 || data[i + 1] !== 0) continue;
    const third = data[i + 2];
    if (third === 1) {
      if (isSliceNal(data[i + 3] ?? 0)) return Math.min(i + 4 + H264_SLICE_HEADER_CLEAR_BYTES, data.length);
      i += 2; // skip past the start code; the loop's i++ lands on the NAL header
    } else if (third !== 0) {
      i += 1; // 00 00 xx with xx > 1: no start code can begin at i + 1 either
    }
  }
  return null;
}

/** Zero bytes at the end of `prefix`, capped at 2: what the escaped part continues from. */
export function trailingZeros(prefix: Uint8Array): number {
  let n = 0;
  for (let i = prefix.length - 1; i >= 0 && n < 2 && prefix[i] === 0; i--) n++;
  return n;
}

/**
 * Inserts emulation-prevention bytes: 00 00 0x (x ≤ 3) becomes 00 00 03 0x. A payload
 * that ends in 00 00 gets a final 03, so that a following start code (or the end of the
 * frame) cannot be confused with it; unescape removes it again. `precedingZeros` is the
 * number of zero bytes just before `data` in the NAL (trailingZeros of the clear prefix),
 * so that a run spanning the boundary is escaped too.
 */
export function escapeEmulation(data: Uint8Array, precedingZeros = 0): Uint8Array<ArrayBuffer> {
  // Count first so the output is allocated once (worst case grows by half).
  let extra = 0;
  let zeros = precedingZeros;
  for (const b of data) {
    if (zeros === 2 && b <= 3) {
      extra++;
      zeros = 0;
    }
    zeros = b === 0 ? zeros + 1 : 0;
  }
  if (zeros === 2) extra++;
  if (extra === 0) return Uint8Array.from(data);

  const out = new Uint8Array(data.length + extra);
  let o = 0;
  zeros = precedingZeros;
  for (const b of data) {
    if (zeros === 2 && b <= 3) {
      out[o++] = 3;
      zeros = 0;
    }
    out[o++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  if (zeros === 2) out[o++] = 3;
  return out;
}

/** Removes emulation-prevention bytes: every 03 that follows 00 00 is dropped. */
export function unescapeEmulation(data: Uint8Array, precedingZeros = 0): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(data.length);
  let o = 0;
  let zeros = precedingZeros;
  for (const b of data) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out[o++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return o === out.length ? out : out.slice(0, o);
}

/** True if the bytes contain a start-code prefix 00 00 00/01/02 (what escaping prevents). */
export function containsStartCodeEmulation(data: Uint8Array): boolean {
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && (data[i + 2] ?? 4) <= 2) return true;
  }
  return false;
}
