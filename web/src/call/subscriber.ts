// The RECV connection (docs/SFU.md "Negotiation"): the SFU offers one sendonly section per
// track it forwards (media.offer), the browser answers (media.answer). A publisher's camera
// and microphone are grouped into one MediaStream, so a tile plays that person's video and
// audio together; their screen share is a stream of its own, for a tile of its own.
// Every receiver gets its SFrame transform in ontrack (media-crypto.ts), which fires while
// the offer is applied, before any frame can reach the decoder.
import type { SerialQueue } from './ice';
import type { MediaCrypto } from './media-crypto';
import { sdpOf, tracksOf } from './protocol';
import type { Message, Source, TrackInfo } from './protocol';
import type { CallSignaling } from './signaling';

/** A received track and who sent it, for stats. */
export interface ReceivedTrack {
  peerId: string;
  source: Source;
  mid: string;
  track: MediaStreamTrack;
}

/** What one publisher sends under one heading (camera + microphone, or screen). */
export interface Received {
  stream: MediaStream;
  /** The recv section of its video (for media.layers), or null for sound alone. */
  videoMid: string | null;
}

type Kind = 'media' | 'screen';

/** One live section of this connection. */
interface Live {
  mid: string;
  track: MediaStreamTrack;
  peerId: string;
  source: Source;
}

export class Subscriber {
  readonly pc: RTCPeerConnection;
  /** Called when a publisher's MediaStream appears, changes or goes away. */
  onStreamsChanged: () => void = () => undefined;
  /** `tracks` of the last offer answered: mid → publisher and source. */
  private tracks = new Map<string, TrackInfo>();
  /** The msid stream id of each mid (the publisher's peer_id), in case `tracks` misses one. */
  private readonly streamIdByMid = new Map<string, string>();
  /** Per publisher: camera and microphone ('media'), and screen share ('screen'). */
  private readonly groups: Record<Kind, Map<string, Received>> = { media: new Map(), screen: new Map() };
  /** Publishers that left: peer ids are per join and never come back. */
  private readonly departed = new Set<string>();
  /** Set while media.restart_ice waits for its fresh offer, so restarts do not pile up. */
  restartPending = false;

  constructor(
    private readonly sig: CallSignaling,
    private readonly queue: SerialQueue,
    crypto: MediaCrypto,
  ) {
    this.pc = new RTCPeerConnection(crypto.pcConfig);
    this.pc.addEventListener('track', (ev: RTCTrackEvent) => {
      const mid = ev.transceiver.mid;
      crypto.attachReceiver(ev.receiver, mid ?? '');
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

  /** One publisher's camera and microphone (together), or null when it sends neither. */
  mediaOf(peerId: string): Received | null {
    return this.groups.media.get(peerId) ?? null;
  }

  /** One publisher's screen share, or null. */
  screenOf(peerId: string): Received | null {
    return this.groups.screen.get(peerId) ?? null;
  }

  /** Forgets a publisher at once (room.participant_left); the SFU's re-offer closes its sections. */
  removePeer(peerId: string): void {
    this.departed.add(peerId);
    const a = this.groups.media.delete(peerId);
    const b = this.groups.screen.delete(peerId);
    if (a || b) this.onStreamsChanged();
  }

  /** Whether any section is live, i.e. whether this connection's ICE matters. */
  get active(): boolean {
    return this.live().length > 0;
  }

  /** Every live received track with its publisher (for getStats). */
  received(): ReceivedTrack[] {
    return this.live().map(({ mid, track, peerId, source }) => ({ peerId, source, mid, track }));
  }

  close(): void {
    this.groups.media.clear();
    this.groups.screen.clear();
    this.pc.close();
  }

  /** Live sections: answered recvonly, track not ended, publisher known. */
  private live(): Live[] {
    if (this.pc.signalingState === 'closed') return [];
    const out: Live[] = [];
    for (const t of this.pc.getTransceivers()) {
      const mid = t.mid;
      if (mid === null || t.currentDirection !== 'recvonly') continue;
      const track = t.receiver.track;
      if (track.readyState === 'ended') continue;
      // The offer's `tracks` is authoritative: a mid it leaves out is no longer forwarded.
      const info = this.tracks.get(mid);
      const peerId = this.tracks.size > 0 ? info?.peer_id : this.streamIdByMid.get(mid);
      // Without the offer's word, a video is taken for a camera: a screen shows as a face.
      const source = info?.source ?? (track.kind === 'audio' ? 'microphone' : 'camera');
      if (peerId && !this.departed.has(peerId)) out.push({ mid, track, peerId, source });
    }
    return out;
  }

  /**
   * Rebuilds the per-publisher streams from the live sections. A group whose set of
   * tracks changed gets a new MediaStream object, so its <video> is handed the new one
   * (adding a track to a stream a media element already plays is not reliably picked up).
   */
  private regroup(): void {
    const byKind: Record<Kind, Map<string, Live[]>> = { media: new Map(), screen: new Map() };
    for (const l of this.live()) {
      const byPeer = byKind[l.source === 'screen' ? 'screen' : 'media'];
      const list = byPeer.get(l.peerId) ?? [];
      list.push(l);
      byPeer.set(l.peerId, list);
    }
    const a = rebuild(this.groups.media, byKind.media);
    const b = rebuild(this.groups.screen, byKind.screen);
    if (a || b) this.onStreamsChanged();
  }
}

/** Brings `groups` in line with the live sections `byPeer`; answers whether anything changed. */
function rebuild(groups: Map<string, Received>, byPeer: Map<string, Live[]>): boolean {
  let changed = false;
  for (const peerId of [...groups.keys()]) {
    if (!byPeer.has(peerId)) {
      groups.delete(peerId);
      changed = true;
    }
  }
  for (const [peerId, lives] of byPeer) {
    const old = groups.get(peerId);
    const videoMid = lives.find((l) => l.track.kind === 'video')?.mid ?? null;
    const same =
      old !== undefined &&
      old.videoMid === videoMid &&
      old.stream.getTracks().length === lives.length &&
      lives.every((l) => old.stream.getTrackById(l.track.id) !== null);
    if (same) continue;
    groups.set(peerId, { stream: new MediaStream(lives.map((l) => l.track)), videoMid });
    changed = true;
  }
  return changed;
}
