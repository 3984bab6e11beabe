// The group security code: what every member reads aloud to check that they are all in
// the same MLS group with the same members, i.e. that nobody (the server included) has
// split the group or inserted a leaf.
//
// Input: the epoch_authenticator of the current epoch (RFC 9420 §8.7), a secret every
// member derives from the key schedule; it is the same for all members of an epoch and
// differs between any two epochs or groups. RFC 9420 §8.7 suggests exactly this use.
// (Showing it raw would leak a group secret; we show a one-way function of it.)
//
// Derivation (HKDF-SHA256, RFC 5869):
//   okm = HKDF(salt = "", ikm = epoch_authenticator,
//              info = "haven security code v1", L = 36 bytes)
//   digits: for i in 0..5, the 40-bit big-endian integer okm[5i .. 5i+5) mod 100000,
//           zero-padded to 5 digits → 6 groups of 5 (30 digits, ≈99.6 bits; the
//           modulo bias is below 2^-23 per group)
//   words:  okm[30 .. 36), each byte indexes WORDS (256 entries) → 6 words (48 bits)
//
// The words are a second, independent rendering meant for a quick check on a call. 48
// bits is weaker than the digits against a committer who grinds commits to make two
// split groups show the same words (a birthday search over ~2^24 commits); when it
// matters, compare the digits.
const INFO = 'haven security code v1';
const OKM_BYTES = 36;

// 256 short English words, our own list: 3–7 letters, lower case, pairwise at least two
// edits apart (no "cat"/"bat", "lamb"/"lamp"), no homophones, avoiding rhymes with
// confusable first sounds. tests/web/mls.test.mjs checks these properties.
export const WORDS: readonly string[] = [
  'acorn', 'actor', 'adobe', 'agent', 'alarm', 'album', 'alpine', 'amber',
  'anchor', 'angle', 'apple', 'apron', 'arcade', 'arrow', 'atlas', 'autumn',
  'avocado', 'badge', 'bagel', 'bakery', 'balloon', 'bamboo', 'banana', 'banjo',
  'barrel', 'basket', 'beach', 'beaver', 'bicycle', 'bishop', 'bison', 'blanket',
  'blossom', 'border', 'bottle', 'branch', 'breeze', 'brick', 'bridge', 'broom',
  'bucket', 'buffalo', 'button', 'cabin', 'cactus', 'camel', 'camera', 'candle',
  'canoe', 'canyon', 'carpet', 'carrot', 'castle', 'cedar', 'cello', 'cherry',
  'chess', 'chimney', 'cider', 'circus', 'clover', 'cobalt', 'cocoa', 'coconut',
  'comet', 'compass', 'copper', 'coral', 'cotton', 'cowboy', 'coyote', 'crayon',
  'cricket', 'crystal', 'cupcake', 'curtain', 'daisy', 'dancer', 'denim', 'desert',
  'diamond', 'dinner', 'doctor', 'dolphin', 'dragon', 'drum', 'eagle', 'easel',
  'echo', 'eclipse', 'elbow', 'emerald', 'engine', 'fable', 'falcon', 'feather',
  'ferry', 'fiddle', 'finger', 'flute', 'forest', 'fossil', 'garden', 'garlic',
  'gazelle', 'giraffe', 'glacier', 'globe', 'goblet', 'gorilla', 'granite', 'gravel',
  'guitar', 'hammock', 'harbor', 'harvest', 'hazel', 'helmet', 'hippo', 'honey',
  'horizon', 'hornet', 'husky', 'igloo', 'iguana', 'indigo', 'island', 'ivory',
  'jacket', 'jaguar', 'jasmine', 'jelly', 'jewel', 'jigsaw', 'jockey', 'juggler',
  'jungle', 'kayak', 'kernel', 'kettle', 'kitten', 'koala', 'ladder', 'lagoon',
  'lantern', 'laptop', 'lemon', 'leopard', 'lettuce', 'library', 'lizard', 'lobster',
  'lotus', 'magnet', 'mango', 'maple', 'marble', 'meadow', 'melody', 'mermaid',
  'meteor', 'monkey', 'mosaic', 'muffin', 'museum', 'napkin', 'nectar', 'nickel',
  'noodle', 'nutmeg', 'oasis', 'octopus', 'olive', 'onion', 'orbit', 'orchid',
  'ostrich', 'otter', 'oxygen', 'oyster', 'paddle', 'palace', 'panda', 'papaya',
  'peanut', 'pebble', 'pelican', 'penguin', 'pepper', 'piano', 'pickle', 'pillow',
  'pilot', 'pirate', 'planet', 'potato', 'pretzel', 'pumpkin', 'puzzle', 'quartz',
  'quill', 'quiver', 'rabbit', 'raccoon', 'radish', 'rainbow', 'raisin', 'raven',
  'ribbon', 'river', 'robot', 'rocket', 'salmon', 'sandal', 'scarf', 'shovel',
  'silver', 'sketch', 'sparrow', 'spider', 'spinach', 'sponge', 'statue', 'sugar',
  'sunset', 'sweater', 'tablet', 'taco', 'teapot', 'temple', 'tennis', 'thunder',
  'ticket', 'tiger', 'timber', 'tomato', 'tornado', 'trumpet', 'tulip', 'tundra',
  'tunnel', 'turkey', 'turnip', 'unicorn', 'valley', 'velvet', 'violin', 'volcano',
  'waffle', 'walnut', 'walrus', 'window', 'wagon', 'yogurt', 'zebra', 'zipper',
];

/** The security code in both renderings. */
export interface SecurityCode {
  /** 6 groups of 5 decimal digits. */
  groups: string[];
  /** The groups joined by spaces: "01234 56789 …". */
  digits: string;
  /** 6 words from WORDS. */
  words: string[];
}

/** Derives the security code from an epoch_authenticator (RFC 9420 §8.7). */
export async function securityCode(epochAuthenticator: Uint8Array): Promise<SecurityCode> {
  if (epochAuthenticator.length < 16) throw new Error('epoch authenticator too short');
  const ikm = await crypto.subtle.importKey('raw', new Uint8Array(epochAuthenticator), 'HKDF', false, ['deriveBits']);
  const okm = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(INFO) },
      ikm,
      OKM_BYTES * 8,
    ),
  );
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) {
    let v = 0;
    // 40 bits fit exactly in a double (53-bit mantissa), so plain arithmetic is exact.
    for (let j = 0; j < 5; j++) v = v * 256 + okm[5 * i + j]!;
    groups.push(String(v % 100000).padStart(5, '0'));
  }
  const words: string[] = [];
  for (let i = 30; i < 36; i++) words.push(WORDS[okm[i]!]!);
  return { groups, digits: groups.join(' '), words };
}
