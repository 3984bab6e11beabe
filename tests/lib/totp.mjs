// RFC 6238 TOTP (HMAC-SHA1, 30 s step, 6 digits) and RFC 4648 base32, for tests that
// must answer an authenticator challenge like a phone app would.
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 (RFC 4648) → bytes. Ignores spaces, dashes, case and '=' padding. */
export function base32Decode(text) {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error('base32Decode: invalid character');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(out);
}

/** The time step of a moment (seconds since the epoch / 30, floored). */
export function totpStep(nowMs = Date.now(), stepSeconds = 30) {
  return Math.floor(nowMs / 1000 / stepSeconds);
}

/** HOTP (RFC 4226) of a counter with a raw key. */
export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

/** TOTP code for a base32 secret at a step (default: now). */
export function totp(secretBase32, step = totpStep(), digits = 6) {
  return hotp(base32Decode(secretBase32), step, digits);
}
