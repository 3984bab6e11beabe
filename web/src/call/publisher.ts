// The SEND connection (docs/SFU.md "Negotiation"): the browser offers its own camera,
// microphone and screen as sendonly transceivers, the SFU answers (media.publish →
// media.publish_answer). Every renegotiation goes through the shared SerialQueue.
import { PC_CONFIG } from './ice';
import type { SerialQueue } from './ice';
import { sdpOf } from './protocol';
import type { Source } from './protocol';
import { SignalingError } from './signaling';
import type { CallSignaling } from './signaling';

/**
 * One video layer for now (no simulcast): a bitrate cap that keeps a 16-person call within
 * a home uplink. A screen gets more, since text must stay readable.
 */
const CAMERA_MAX_BITRATE = 800_000;
const SCREEN_MAX_BITRATE = 1_500_000;

/** A track from getDisplayMedia says which surface it shows; a camera's does not. */
function sourceOf(track: MediaStreamTrack): Source {
  if (track.kind === 'audio') return 'microphone';
  const settings = track.getSettings() as MediaTrackSettings & { displaySurface?: string };
  return settings.displaySurface ? 'screen' : 'camera';
}

export class Publisher {
  readonly pc = new RTCPeerConnection(PC_CONFIG);
  private readonly sources = new Map<RTCRtpTransceiver, Source>();

  constructor(
    private readonly sig: CallSignaling,
    private readonly queue: SerialQueue,
  ) {}

  /** Sends every track of `stream`: audio first, then video (the SFU's mids follow that order). */
  async publish(stream: MediaStream): Promise<void> {
    for (const track of [...stream.getAudioTracks(), ...stream.getVideoTracks()]) this.add(track, stream);
    await this.negotiate(false);
  }

  /** Stops sending `track` (e.g. a screen share that ended) and renegotiates. */
  async unpublish(track: MediaStreamTrack): Promise<void> {
    for (const [t] of this.sources) {
      if (t.sender.track !== track) continue;
      t.stop();
      this.sources.delete(t);
    }
    await this.negotiate(false);
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

  private add(track: MediaStreamTrack, stream: MediaStream): void {
    const source = sourceOf(track);
    const init: RTCRtpTransceiverInit = { direction: 'sendonly', streams: [stream] };
    if (track.kind === 'video') {
      init.sendEncodings = [{ maxBitrate: source === 'screen' ? SCREEN_MAX_BITRATE : CAMERA_MAX_BITRATE }];
    }
    this.sources.set(this.pc.addTransceiver(track, init), source);
  }
}
