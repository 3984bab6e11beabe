// The call page's two layouts (docs/SESSIONS.md "In the call"): the grid, and the speaker
// layout, where one tile is large and everyone else sits in a filmstrip. Which tile is
// large, and how long the active speaker stays large, are pure functions of what the page
// knows, so they are unit-tested in node (tests/web/speaker.test.mjs).

export type CallLayout = 'grid' | 'speaker';

export const CALL_LAYOUTS: readonly CallLayout[] = ['grid', 'speaker'];

/**
 * The least time a speaker stays large before another takes their place. The SFU may name a
 * new speaker every 500 ms (docs/SFU.md "Active speaker"); a picture that jumps that often
 * is tiring to watch, and in a group a short "mm-hm" would pull the picture away.
 */
export const SPEAKER_HOLD_MS = 1500;

/** The speaker shown large, and since when (a performance.now() time). */
export interface ShownSpeaker {
  peerId: string;
  since: number;
}

/** Nobody shown yet. */
export const NO_SPEAKER: ShownSpeaker = { peerId: '', since: -Infinity };

/**
 * The speaker to show after `heard` was named by the SFU (`present`: the peer ids of the
 * others in the call, in order; `heard` may be '' or our own peer id, which are not in it).
 *
 * - The one shown stays while they are the one heard, or while nobody else in `present` is.
 * - Someone else heard takes their place once the one shown has been there `holdMs`.
 * - The one shown has left: whoever is heard, else the first one present, at once. That
 *   fallback is nobody's choice, so it does not hold: the first person heard replaces it.
 *
 * Answers `shown` itself when nothing changes (cheap to compare).
 */
export function holdSpeaker(shown: ShownSpeaker, heard: string, present: readonly string[], now: number, holdMs = SPEAKER_HOLD_MS): ShownSpeaker {
  const heardHere = heard !== '' && present.includes(heard);
  if (shown.peerId === '' || !present.includes(shown.peerId)) {
    if (heardHere) return { peerId: heard, since: now };
    const first = present[0] ?? '';
    if (first === shown.peerId) return shown;
    return { peerId: first, since: first === '' ? -Infinity : now - holdMs };
  }
  if (!heardHere || heard === shown.peerId) return shown;
  return now - shown.since >= holdMs ? { peerId: heard, since: now } : shown;
}

/**
 * Milliseconds until holdSpeaker would switch to `heard` if nothing else happened; null when
 * no switch is waiting. The page re-checks then: the SFU says nothing more while the same
 * person keeps talking, so without a timer a held switch would never happen.
 */
export function switchDueIn(shown: ShownSpeaker, heard: string, present: readonly string[], now: number, holdMs = SPEAKER_HOLD_MS): number | null {
  if (heard === '' || heard === shown.peerId || !present.includes(heard)) return null;
  return Math.max(0, shown.since + holdMs - now);
}

/** One tile of the call, by what it shows. */
export type TileKey = `screen:${string}` | `camera:${string}` | 'self';

export const screenKey = (peerId: string): TileKey => `screen:${peerId}`;
export const cameraKey = (peerId: string): TileKey => `camera:${peerId}`;

/**
 * The tile shown large in the speaker layout. A pinned person first (someone chose them),
 * then a shared screen (what everyone is meant to look at; the first if there are several),
 * then the speaker; with nobody else in the call, ourselves.
 */
export function mainTileKey(pinnedPeerId: string, sharingPeerIds: readonly string[], speakerPeerId: string): TileKey {
  if (pinnedPeerId !== '') return cameraKey(pinnedPeerId);
  const firstScreen = sharingPeerIds[0];
  if (firstScreen !== undefined) return screenKey(firstScreen);
  if (speakerPeerId !== '') return cameraKey(speakerPeerId);
  return 'self';
}

/** A layout remembered for the tab: anything else (nothing stored, an old value) is the grid. */
export function layoutOf(stored: string | null): CallLayout {
  return stored === 'speaker' ? 'speaker' : 'grid';
}
