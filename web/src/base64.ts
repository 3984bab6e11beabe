// Standard base64 (RFC 4648 §4) ↔ bytes, as the server's API writes keys, KeyPackages and
// MLS messages. Pure; callers decide what a bad value means for them.

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  // In slices: String.fromCharCode(...) takes a bounded number of arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The bytes, or null when `text` is not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  let raw: string;
  try {
    raw = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}
