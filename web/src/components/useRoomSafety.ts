// The host's view of the safety check (docs/SESSIONS.md "Safety check at the start"): each
// person's confirmed location and emergency contact, read again whenever someone arrives in
// the waiting room or the call (they confirm before they join, so it is there by then).
import { useEffect, useState } from 'preact/hooks';
import { getRoomSafety } from '../api-safety';
import type { SafetyPerson } from '../api-safety';

export interface RoomSafety {
  /** By user id; empty until the first answer. */
  people: ReadonlyMap<string, SafetyPerson>;
  /** In the room's order. */
  list: readonly SafetyPerson[];
  loaded: boolean;
  failed: boolean;
}

const EMPTY: RoomSafety = { people: new Map(), list: [], loaded: false, failed: false };

/**
 * `present`: the user ids now waiting or in the call; a change reads the checks again.
 * Does nothing unless `enabled` (the room's owner: nobody else may read them).
 */
export function useRoomSafety(roomId: string, enabled: boolean, present: readonly string[]): RoomSafety {
  const [state, setState] = useState<RoomSafety>(EMPTY);
  const key = [...new Set(present)].sort().join(',');
  useEffect(() => {
    if (!enabled) return undefined;
    let live = true;
    getRoomSafety(roomId)
      .then((list) => live && setState({ people: new Map(list.map((p) => [p.user_id, p])), list, loaded: true, failed: false }))
      .catch(() => live && setState((prev) => ({ ...prev, failed: true })));
    return () => {
      live = false;
    };
  }, [roomId, enabled, key]);
  return enabled ? state : EMPTY;
}
