// The SEND connection (docs/SFU.md "Negotiation"): the browser offers its own camera,
// microphone and screen as sendonly transceivers, the SFU answers (media.publish →
// media.publish_answer). Every renegotiation goes through the shared SerialQueue.
// Every sender gets its SFrame transform when its transceiver is created (media-crypto.ts),
// before the offer: nothing leaves this connection unencrypted.
import type { SerialQueue } from './ice';
import type { MediaCrypto } from './media-crypto';
import { sdpOf } from './protocol';
import type { Source } from './protocol';
import { SignalingError } from './signaling';
import type { CallSignaling } from './signaling';

/**
 * The camera as three simulcast layers (RFC 8853; docs/SIGNALING.md "Simulcast and layer
 * choice"), lowest first as the SFU expects: each subscriber gets the one its tile needs,
 * so a phone showing a thumbnail does not download 1.5 Mbps per person.
 */
const CAMERA_LAYERS: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

/** A screen is one layer: scaled down, its text would be unreadable anyway. */
const SCREEN_MAX_BITRATE = 1_500_000;

/** A track from getDisplayMedia says which surface it shows; a camera's does not. */
function sourceOf(track: MediaStreamTrack): Source {
  if (track.kind === 'audio') return 'microphone';
  const settings = track.getSettings() as MediaTrackSettings & { displaySurface?: string };
  return settings.displaySurface ? 'screen' : 'camera';
}

export class Publisher {
  readonly pc: RTCPeerConnection;
  private readonly sources = new Map<RTCRtpTransceiver, Source>();

  constructor(
    private readonly sig: CallSignaling,
    private readonly queue: SerialQueue,
    private readonly crypto: MediaCrypto,
  ) {
    this.pc = new RTCPeerConnection(crypto.pcConfig);
  }

  /** Sends every track of `stream`: audio first, then video (the SFU's mids follow that order). */
  async publish(stream: MediaStream): Promise<void> {
    for (const track of [...stream.getAudioTracks(), ...stream.getVideoTracks()]) this.add(track, stream);
    await this.negotiate(false);
  }

  /** Sends a screen share as one more sendonly video section (source `screen`). */
  async publishScreen(stream: MediaStream): Promise<void> {
    for (const track of stream.getVideoTracks()) this.add(track, stream, 'screen');
    await this.negotiate(false);
  }

  /**
   * Stops sending the screen share. The transceiver is stopped rather than left idle, so
   * the re-offer closes its section (port 0) and the SFU stops forwarding it to everyone.
   */
  async unpublishScreen(): Promise<void> {
    // In the queue: a negotiation under way must not see the section half removed.
    const removed = await this.queue.run(async () => {
      let any = false;
      for (const [t, source] of [...this.sources]) {
        if (source !== 'screen') continue;
        this.sources.delete(t);
        any = true;
        if (this.pc.signalingState === 'closed') continue;
        await t.sender.replaceTrack(null).catch(() => undefined);
        t.stop();
      }
      return any;
    });
    if (removed) await this.negotiate(false);
  }

  /** What the section `mid` of this connection sends (for stats), or null. */
  sourceOfMid(mid: string): Source | null {
    for (const [t, source] of this.sources) if (t.mid === mid) return source;
    return null;
  }

  /**
   * Enables or disables the local tracks of `source`. A disabled track keeps its
   * transceiver (no renegotiation) and sends silence or black frames.
   */
  setEnabled(source: Source, enabled: boolean): void {
    for (const [t, s] of this.sources) {
      const track = t.sender.track;
      if (s === source && track) track.enabled = enabled;
    }
  }

  /** Whether anything is being sent, i.e. whether this connection's ICE matters. */
  get active(): boolean {
    return this.sources.size > 0 && this.pc.remoteDescription !== null;
  }

  /**
   * One offer/answer round; with `iceRestart` the offer carries new ICE credentials (after
   * a network change). A refused offer is rolled back so the next round starts clean.
   */
  negotiate(iceRestart: boolean): Promise<void> {
    return this.queue.run(async () => {
      if (this.pc.signalingState === 'closed') return;
      if (this.sources.size === 0 && this.pc.localDescription === null) return; // nothing to say yet
      const offer = await this.pc.createOffer(iceRestart ? { iceRestart: true } : {});
      await this.pc.setLocalDescription(offer);
      let answer = '';
      try {
        const reply = await this.sig.request('media.publish', { sdp: offer.sdp ?? '', sources: this.sourcesByMid() });
        answer = sdpOf(reply);
        if (!answer) throw new SignalingError('invalid_message', 'media.publish');
      } catch (err) {
        if (this.pc.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
        throw err;
      }
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    });
  }

  close(): void {
    this.sources.clear();
    this.pc.close();
  }

  /** `sources` of media.publish: each live transceiver's mid (known once the offer is set). */
  private sourcesByMid(): Record<string, Source> {
    const out: Record<string, Source> = {};
    for (const [t, source] of this.sources) if (t.mid !== null && t.currentDirection !== 'stopped') out[t.mid] = source;
    return out;
  }

  private add(track: MediaStreamTrack, stream: MediaStream, source: Source = sourceOf(track)): void {
    const init: RTCRtpTransceiverInit = { direction: 'sendonly', streams: [stream] };
    if (source === 'camera') init.sendEncodings = CAMERA_LAYERS.map((e) => ({ ...e }));
    else if (source === 'screen') init.sendEncodings = [{ maxBitrate: SCREEN_MAX_BITRATE }];
    const t = this.pc.addTransceiver(track, init);
    try {
      this.crypto.attachSender(t.sender, track.kind === 'audio' ? 'audio' : 'video', source);
    } catch (e) {
      // Fail closed: a sender without its transform must never be negotiated.
      t.stop();
      throw e;
    }
    this.sources.set(t, source);
  }
}
