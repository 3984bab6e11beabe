// Message shapes of call signaling (docs/SIGNALING.md "Call signaling"), checked field by
// field: a message that does not fit is dropped rather than trusted half-way.

export type Source = 'camera' | 'microphone' | 'screen';

/** The largest simulcast layer a subscriber wants for one video track (media.layers). */
export type Layer = 'off' | 'low' | 'medium' | 'high';

export interface MutedState {
  camera: boolean;
  microphone: boolean;
}

export interface Participant {
  peer_id: string;
  user_id: string;
  display_name: string;
  /** Came with a guest link and code, without an account. */
  guest: boolean;
  muted: MutedState;
}

/** What the SFU says one section of its offer carries. */
export interface TrackInfo {
  peer_id: string;
  source: Source;
}

/** Why the server took us out of the room. */
export type LeftReason = 'left' | 'ended' | 'replaced' | 'removed' | 'denied';

/** Any JSON object from the server; the parsers below give it a shape. */
export type Message = Record<string, unknown>;

const SOURCES: readonly Source[] = ['camera', 'microphone', 'screen'];

export function isSource(v: unknown): v is Source {
  return typeof v === 'string' && (SOURCES as readonly string[]).includes(v);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function participantOf(raw: unknown): Participant | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Message;
  const peer = str(o.peer_id);
  if (!peer) return null;
  const m = (typeof o.muted === 'object' && o.muted !== null ? o.muted : {}) as Message;
  return {
    peer_id: peer,
    user_id: str(o.user_id),
    display_name: str(o.display_name),
    guest: o.guest === true,
    muted: { camera: m.camera === true, microphone: m.microphone === true },
  };
}

export function participantsOf(raw: unknown): Participant[] {
  if (!Array.isArray(raw)) return [];
  return raw.map(participantOf).filter((p): p is Participant => p !== null);
}

/** `tracks` of a media.offer: mid → publisher and source; malformed entries are left out. */
export function tracksOf(raw: unknown): Map<string, TrackInfo> {
  const out = new Map<string, TrackInfo>();
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [mid, v] of Object.entries(raw as Message)) {
    if (typeof v !== 'object' || v === null) continue;
    const t = v as Message;
    const peer = str(t.peer_id);
    if (peer && isSource(t.source)) out.set(mid, { peer_id: peer, source: t.source });
  }
  return out;
}

export function leftReasonOf(raw: unknown): LeftReason {
  return raw === 'ended' || raw === 'replaced' || raw === 'removed' || raw === 'denied' ? raw : 'left';
}

/** The `sdp` field, or '' (the caller treats '' as a broken message). */
export function sdpOf(msg: Message): string {
  return str(msg.sdp);
}

export function stringField(msg: Message, key: string): string {
  return str(msg[key]);
}
