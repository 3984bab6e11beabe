import { useEffect, useRef, useState } from 'preact/hooks';
import type { RemotePeer } from '../call/call-client';
import { holdSpeaker, layoutOf, NO_SPEAKER, switchDueIn } from '../call/speaker-layout';
import type { CallLayout, ShownSpeaker } from '../call/speaker-layout';

/** sessionStorage key: the tab's layout choice ("grid" or "speaker"; nothing about anyone). */
const LAYOUT_KEY = 'haven.call.layout';

function storedLayout(): CallLayout {
  try {
    return layoutOf(window.sessionStorage.getItem(LAYOUT_KEY));
  } catch {
    return 'grid'; // storage refused (a locked-down browser): the default, every time
  }
}

function storeLayout(layout: CallLayout): void {
  try {
    window.sessionStorage.setItem(LAYOUT_KEY, layout);
  } catch {
    // not remembered: nothing else depends on it
  }
}

export interface SpeakerLayoutState {
  layout: CallLayout;
  setLayout: (layout: CallLayout) => void;
  /** The pinned person's peer id while they are in the call; '' otherwise. */
  pinnedPeerId: string;
  /** Pins this person (by user id, so the pin outlives their reconnecting), or unpins them. */
  togglePin: (userId: string) => void;
  /** The speaker held large (call/speaker-layout.ts holdSpeaker); '' with nobody else here. */
  speakerPeerId: string;
}

/**
 * The page's layout choice (remembered for the tab), the pin, and the active speaker held
 * for at least SPEAKER_HOLD_MS. The pin is not stored: it names a person.
 */
export function useSpeakerLayout(peers: readonly RemotePeer[]): SpeakerLayoutState {
  const [layout, setLayoutState] = useState<CallLayout>(storedLayout);
  const [pinnedUserId, setPinnedUserId] = useState('');
  const setLayout = (next: CallLayout) => {
    setLayoutState(next);
    storeLayout(next);
  };
  const togglePin = (userId: string) => setPinnedUserId((current) => (current === userId ? '' : userId));
  const pinnedPeerId = pinnedUserId === '' ? '' : (peers.find((p) => p.user_id === pinnedUserId)?.peer_id ?? '');

  // Worked out while rendering, so a speaker who left is never shown for a frame; the ref
  // only carries the choice from one render to the next.
  const present = peers.map((p) => p.peer_id);
  const heard = peers.find((p) => p.speaking)?.peer_id ?? '';
  const shownRef = useRef<ShownSpeaker>(NO_SPEAKER);
  const now = performance.now();
  const shown = holdSpeaker(shownRef.current, heard, present, now);
  shownRef.current = shown;
  const dueIn = switchDueIn(shown, heard, present, now);

  // A held switch happens when its time is up, even if nothing else changes by then.
  const [, recheck] = useState(0);
  const pending = dueIn === null ? '' : `${shown.peerId}>${heard}`;
  useEffect(() => {
    if (dueIn === null) return undefined;
    const timer = window.setTimeout(() => recheck((n) => n + 1), dueIn + 1);
    return () => window.clearTimeout(timer);
  }, [pending]);

  return { layout, setLayout, pinnedPeerId, togglePin, speakerPeerId: shown.peerId };
}
