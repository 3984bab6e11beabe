// An independent verifier for Haven's audit log, written from the specifications with
// node:crypto only (no Haven code): RFC 9162 §2.1 Merkle hashing, inclusion proof
// verification (§2.1.3.2) and consistency proof verification (§2.1.4.2); C2SP signed-note
// Ed25519 signatures (type 0x01), tlog-cosignature timestamped Ed25519 (type 0x04), and
// tlog-checkpoint bodies. Tests use it to check what the server and the CLI answer.
import crypto from 'node:crypto';

const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 9162 §2.1.1: leaf hash SHA-256(0x00 || entry). */
export const leafHash = (entry) => sha256(Buffer.from([0]), entry);
/** RFC 9162 §2.1.1: node hash SHA-256(0x01 || left || right). */
export const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

const lsb = (n) => (n & 1n) === 1n;

/** RFC 9162 §2.1.3.2. index is the 0-based leaf index; all sizes as numbers. */
export function verifyInclusion(index, size, leaf, proof, root) {
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  if (fn > sn) return false;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

/** RFC 9162 §2.1.4.2 (first < second); equal sizes need an empty proof and equal roots. */
export function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = [...proof];
  if ((first & (first - 1)) === 0) path.unshift(firstRoot); // first is a power of 2
  let fn = BigInt(first) - 1n;
  let sn = BigInt(second) - 1n;
  while (lsb(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(fn) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/** The signed-note key id: SHA-256(name || 0x0A || type || key)[:4] as a number. */
export function keyId(name, type, publicKey) {
  return sha256(Buffer.from(`${name}\n`), Buffer.from([type]), publicKey).readUInt32BE(0);
}

/** Parses a verifier key "name+hex id+base64(0x01 || key)"; checks its id. */
export function parseVerifierKey(vkey) {
  // Only the first two '+' separate: base64 key material may itself contain '+'.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const [name, idHex, material] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  const bytes = Buffer.from(material, 'base64');
  if (bytes.length !== 33 || bytes[0] !== 1) throw new Error('not an Ed25519 verifier key');
  const publicKey = bytes.subarray(1);
  if (keyId(name, 1, publicKey) !== parseInt(idHex, 16)) throw new Error('verifier key id mismatch');
  return { name, publicKey };
}

function ed25519Verify(publicKey, message, signature) {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
  return crypto.verify(null, Buffer.from(message), key, signature);
}

/**
 * Opens a checkpoint note signed by `publicKey` under the key name `name`: both the
 * Ed25519 note signature and the timestamped one must verify. Answers
 * { origin, size, root (Buffer), time } or throws.
 */
export function openCheckpoint(note, { name, publicKey }) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('no signatures');
  const body = note.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3 || lines[0] !== name) throw new Error('not a checkpoint of this log');
  let plain = false;
  let time = null;
  for (const line of note.slice(split + 2).split('\n').filter(Boolean)) {
    const m = line.match(/^\u2014 (\S+) (\S+)$/);
    if (!m) throw new Error('malformed signature line');
    if (m[1] !== name) continue;
    const sig = Buffer.from(m[2], 'base64');
    const id = sig.readUInt32BE(0);
    if (id === keyId(name, 1, publicKey)) {
      if (!ed25519Verify(publicKey, body, sig.subarray(4))) throw new Error('bad note signature');
      plain = true;
    } else if (id === keyId(name, 4, publicKey)) {
      const t = sig.readBigUInt64BE(4);
      if (!ed25519Verify(publicKey, `cosignature/v1\ntime ${t}\n${body}`, sig.subarray(12))) {
        throw new Error('bad timestamped signature');
      }
      time = Number(t);
    }
  }
  if (!plain || time === null) throw new Error('not signed by this key');
  return { origin: lines[0], size: Number(lines[1]), root: Buffer.from(lines[2], 'base64'), time };
}

/** The seq (u64 big-endian after the version byte) of a canonical entry. */
export function entrySeq(entry) {
  if (entry[0] !== 1) throw new Error('unknown entry version');
  return Number(entry.readBigUInt64BE(1));
}

export const fromHex = (hex) => Buffer.from(hex, 'hex');
