// The RECV connection (docs/SFU.md "Negotiation"): the SFU offers one sendonly section per
// track it forwards (media.offer), the browser answers (media.answer). The tracks are
// grouped into one MediaStream per publisher, so a tile plays that person's video and audio
// together.
import { PC_CONFIG } from './ice';
import type { SerialQueue } from './ice';
import { sdpOf, tracksOf } from './protocol';
import type { Message, Source, TrackInfo } from './protocol';
import type { CallSignaling } from './signaling';

/** A received track and who sent it, for stats. */
export interface ReceivedTrack {
  peerId: string;
  source: Source | null;
  track: MediaStreamTrack;
}

export class Subscriber {
  readonly pc = new RTCPeerConnection(PC_CONFIG);
  /** Called when a publisher's MediaStream appears, changes or goes away. */
  onStreamsChanged: () => void = () => undefined;
  /** `tracks` of the last offer answered: mid → publisher and source. */
  private tracks = new Map<string, TrackInfo>();
  /** The msid stream id of each mid (the publisher's peer_id), in case `tracks` misses one. */
  private readonly streamIdByMid = new Map<string, string>();
  private readonly streams = new Map<string, MediaStream>();
  /** Publishers that left: peer ids are per join and never come back. */
  private readonly departed = new Set<string>();
  /** Set while media.restart_ice waits for its fresh offer, so restarts do not pile up. */
  restartPending = false;

  constructor(
    private readonly sig: CallSignaling,
    private readonly queue: SerialQueue,
  ) {
    this.pc.addEventListener('track', (ev: RTCTrackEvent) => {
      const mid = ev.transceiver.mid;
      const streamId = ev.streams[0]?.id;
      if (mid !== null && streamId) this.streamIdByMid.set(mid, streamId);
      // A section closed by the SFU ends its track: that person's tile loses it.
      ev.track.addEventListener('ended', () => this.regroup());
    });
  }

  /**
   * Answers a media.offer. The SFU sends the next offer only once this one is answered, so
   * answers must not be skipped: a failure is thrown to the caller to report.
   */
  handleOffer(msg: Message): Promise<void> {
    return this.queue.run(async () => {
      const sdp = sdpOf(msg);
      if (!sdp || this.pc.signalingState === 'closed') return;
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.tracks = tracksOf(msg.tracks);
      this.sig.notify('media.answer', { sdp: answer.sdp ?? '' });
      this.restartPending = false;
      this.regroup();
    });
  }

  /** The stream of one publisher (audio and video together), or null when it sends nothing. */
  streamOf(peerId: string): MediaStream | null {
    return this.streams.get(peerId) ?? null;
  }

  /** Publishers that currently send something. */
  peerIds(): string[] {
    return [...this.streams.keys()];
  }

  /** Forgets a publisher at once (room.participant_left); the SFU's re-offer closes its sections. */
  removePeer(peerId: string): void {
    this.departed.add(peerId);
    if (this.streams.delete(peerId)) this.onStreamsChanged();
  }

  /** Whether any section is live, i.e. whether this connection's ICE matters. */
  get active(): boolean {
    return this.live().length > 0;
  }

  /** Every live received track with its publisher (for getStats). */
  received(): ReceivedTrack[] {
    return this.live().map(({ mid, track, peerId }) => ({ peerId, source: this.tracks.get(mid)?.source ?? null, track }));
  }

  close(): void {
    this.streams.clear();
    this.pc.close();
  }

  /** Live sections: answered recvonly, track not ended, publisher known. */
  private live(): { mid: string; track: MediaStreamTrack; peerId: string }[] {
    if (this.pc.signalingState === 'closed') return [];
    const out: { mid: string; track: MediaStreamTrack; peerId: string }[] = [];
    for (const t of this.pc.getTransceivers()) {
      const mid = t.mid;
      if (mid === null || t.currentDirection !== 'recvonly') continue;
      const track = t.receiver.track;
      if (track.readyState === 'ended') continue;
      // The offer's `tracks` is authoritative: a mid it leaves out is no longer forwarded.
      const peerId = this.tracks.size > 0 ? this.tracks.get(mid)?.peer_id : this.streamIdByMid.get(mid);
      if (peerId && !this.departed.has(peerId)) out.push({ mid, track, peerId });
    }
    return out;
  }

  /**
   * Rebuilds the per-publisher streams from the live sections. A publisher whose set of
   * tracks changed gets a new MediaStream object, so its <video> is handed the new one
   * (adding a track to a stream a media element already plays is not reliably picked up).
   */
  private regroup(): void {
    const byPeer = new Map<string, MediaStreamTrack[]>();
    for (const { peerId, track } of this.live()) {
      const list = byPeer.get(peerId) ?? [];
      list.push(track);
      byPeer.set(peerId, list);
    }
    let changed = false;
    for (const peerId of [...this.streams.keys()]) {
      if (!byPeer.has(peerId)) {
        this.streams.delete(peerId);
        changed = true;
      }
    }
    for (const [peerId, tracks] of byPeer) {
      const old = this.streams.get(peerId);
      const same =
        old !== undefined && old.getTracks().length === tracks.length && tracks.every((t) => old.getTrackById(t.id) !== null);
      if (same) continue;
      this.streams.set(peerId, new MediaStream(tracks));
      changed = true;
    }
    if (changed) this.onStreamsChanged();
  }
}
