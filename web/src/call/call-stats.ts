// Receive statistics of a call, from getStats (inbound-rtp). For the test hook
// (window.__havenCall.stats) and nothing else: no identifiers beyond peer ids.
import type { Publisher } from './publisher';
import type { Subscriber } from './subscriber';

export interface PeerStats {
  framesDecoded: number;
  frameWidth: number;
  videoBytesReceived: number;
  audioBytesReceived: number;
}

export interface ConnectionState {
  ice: RTCIceConnectionState;
  connection: RTCPeerConnectionState;
}

export interface CallStats {
  /** Video frames decoded so far, per publisher's peer_id. */
  framesDecoded: Record<string, number>;
  /** Bytes received so far over every live section, by kind. */
  bytesReceived: { audio: number; video: number };
  peers: Record<string, PeerStats>;
  connectionStates: { send: ConnectionState; recv: ConnectionState };
}

interface InboundRtp {
  type: string;
  kind?: string;
  trackIdentifier?: string;
  mid?: string;
  framesDecoded?: number;
  frameWidth?: number;
  bytesReceived?: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function stateOf(pc: RTCPeerConnection): ConnectionState {
  return { ice: pc.iceConnectionState, connection: pc.connectionState };
}

export async function collectStats(pub: Publisher, sub: Subscriber): Promise<CallStats> {
  // Inbound streams name the receiving track; map it back to the publisher.
  const peerByTrack = new Map<string, string>();
  for (const r of sub.received()) peerByTrack.set(r.track.id, r.peerId);

  const peers: Record<string, PeerStats> = {};
  const bytesReceived = { audio: 0, video: 0 };
  if (sub.pc.signalingState !== 'closed') {
    const report = await sub.pc.getStats();
    report.forEach((s: InboundRtp) => {
      if (s.type !== 'inbound-rtp') return;
      const peerId = s.trackIdentifier ? peerByTrack.get(s.trackIdentifier) : undefined;
      if (!peerId) return; // a closed section's leftover stream
      const p = (peers[peerId] ??= { framesDecoded: 0, frameWidth: 0, videoBytesReceived: 0, audioBytesReceived: 0 });
      if (s.kind === 'video') {
        p.framesDecoded += num(s.framesDecoded);
        p.frameWidth = Math.max(p.frameWidth, num(s.frameWidth));
        p.videoBytesReceived += num(s.bytesReceived);
        bytesReceived.video += num(s.bytesReceived);
      } else if (s.kind === 'audio') {
        p.audioBytesReceived += num(s.bytesReceived);
        bytesReceived.audio += num(s.bytesReceived);
      }
    });
  }
  const framesDecoded: Record<string, number> = {};
  for (const [peerId, p] of Object.entries(peers)) framesDecoded[peerId] = p.framesDecoded;
  return { framesDecoded, bytesReceived, peers, connectionStates: { send: stateOf(pub.pc), recv: stateOf(sub.pc) } };
}
