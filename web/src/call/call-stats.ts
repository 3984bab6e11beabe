// Send and receive statistics of a call, from getStats (outbound-rtp, inbound-rtp). For
// the test hook (window.__havenCall.stats) and nothing else: no identifiers beyond peer
// ids and mids.
import type { Source } from './protocol';
import type { Publisher } from './publisher';
import type { Subscriber } from './subscriber';

/** A publisher's camera and microphone as received (a screen share is counted apart). */
export interface PeerStats {
  framesDecoded: number;
  frameWidth: number;
  videoBytesReceived: number;
  audioBytesReceived: number;
}

export interface ScreenStats {
  framesDecoded: number;
  frameWidth: number;
}

/** One received stream (an inbound-rtp of a live section). */
export interface InboundStats {
  peerId: string;
  source: Source;
  mid: string;
  kind: string;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  bytesReceived: number;
}

/** One sent stream (an outbound-rtp): a camera has one per simulcast layer, told apart by rid. */
export interface OutboundStats {
  source: Source | null;
  mid: string;
  rid: string;
  kind: string;
  framesEncoded: number;
  /** With pliCount: whether the SFU's key frame requests reach this layer and are answered. */
  keyFramesEncoded: number;
  pliCount: number;
  frameWidth: number;
  frameHeight: number;
  bytesSent: number;
}

export interface ConnectionState {
  ice: RTCIceConnectionState;
  connection: RTCPeerConnectionState;
}

export interface CallStats {
  /** Camera frames decoded so far, per publisher's peer_id. */
  framesDecoded: Record<string, number>;
  /** Bytes received so far over every live section, by kind. */
  bytesReceived: { audio: number; video: number };
  peers: Record<string, PeerStats>;
  /** Screen shares received, per publisher's peer_id. */
  screens: Record<string, ScreenStats>;
  inbound: InboundStats[];
  outbound: OutboundStats[];
  connectionStates: { send: ConnectionState; recv: ConnectionState };
}

interface RtpStats {
  type: string;
  kind?: string;
  trackIdentifier?: string;
  mid?: string;
  rid?: string;
  framesDecoded?: number;
  framesEncoded?: number;
  keyFramesEncoded?: number;
  pliCount?: number;
  frameWidth?: number;
  frameHeight?: number;
  bytesReceived?: number;
  bytesSent?: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function stateOf(pc: RTCPeerConnection): ConnectionState {
  return { ice: pc.iceConnectionState, connection: pc.connectionState };
}

async function inbound(sub: Subscriber): Promise<InboundStats[]> {
  if (sub.pc.signalingState === 'closed') return [];
  // Inbound streams name the receiving track; map it back to the publisher.
  const byTrack = new Map(sub.received().map((r) => [r.track.id, r]));
  const out: InboundStats[] = [];
  (await sub.pc.getStats()).forEach((s: RtpStats) => {
    if (s.type !== 'inbound-rtp') return;
    const r = s.trackIdentifier ? byTrack.get(s.trackIdentifier) : undefined;
    if (!r) return; // a closed section's leftover stream
    out.push({
      peerId: r.peerId,
      source: r.source,
      mid: r.mid,
      kind: s.kind ?? '',
      framesDecoded: num(s.framesDecoded),
      frameWidth: num(s.frameWidth),
      frameHeight: num(s.frameHeight),
      bytesReceived: num(s.bytesReceived),
    });
  });
  return out;
}

async function outbound(pub: Publisher): Promise<OutboundStats[]> {
  if (pub.pc.signalingState === 'closed') return [];
  const out: OutboundStats[] = [];
  (await pub.pc.getStats()).forEach((s: RtpStats) => {
    if (s.type !== 'outbound-rtp') return;
    const mid = s.mid ?? '';
    out.push({
      source: mid ? pub.sourceOfMid(mid) : null,
      mid,
      rid: s.rid ?? '',
      kind: s.kind ?? '',
      framesEncoded: num(s.framesEncoded),
      keyFramesEncoded: num(s.keyFramesEncoded),
      pliCount: num(s.pliCount),
      frameWidth: num(s.frameWidth),
      frameHeight: num(s.frameHeight),
      bytesSent: num(s.bytesSent),
    });
  });
  return out;
}

export async function collectStats(pub: Publisher, sub: Subscriber): Promise<CallStats> {
  const [ins, outs] = await Promise.all([inbound(sub), outbound(pub)]);
  const peers: Record<string, PeerStats> = {};
  const screens: Record<string, ScreenStats> = {};
  const bytesReceived = { audio: 0, video: 0 };
  for (const s of ins) {
    if (s.kind === 'video') bytesReceived.video += s.bytesReceived;
    else if (s.kind === 'audio') bytesReceived.audio += s.bytesReceived;
    if (s.source === 'screen') {
      const sc = (screens[s.peerId] ??= { framesDecoded: 0, frameWidth: 0 });
      sc.framesDecoded += s.framesDecoded;
      sc.frameWidth = Math.max(sc.frameWidth, s.frameWidth);
      continue;
    }
    const p = (peers[s.peerId] ??= { framesDecoded: 0, frameWidth: 0, videoBytesReceived: 0, audioBytesReceived: 0 });
    if (s.kind === 'video') {
      p.framesDecoded += s.framesDecoded;
      p.frameWidth = Math.max(p.frameWidth, s.frameWidth);
      p.videoBytesReceived += s.bytesReceived;
    } else if (s.kind === 'audio') {
      p.audioBytesReceived += s.bytesReceived;
    }
  }
  const framesDecoded: Record<string, number> = {};
  for (const [peerId, p] of Object.entries(peers)) framesDecoded[peerId] = p.framesDecoded;
  return {
    framesDecoded,
    bytesReceived,
    peers,
    screens,
    inbound: ins,
    outbound: outs,
    connectionStates: { send: stateOf(pub.pc), recv: stateOf(sub.pc) },
  };
}
