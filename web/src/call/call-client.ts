// One person's side of a group video call (docs/SIGNALING.md): the room's participants,
// the SEND and RECV peer connections, mute, screen sharing, the simulcast layers wanted,
// ICE restarts, and rejoining after the signaling socket was lost. UI-free: the page
// listens through the on* callbacks.
//
// End-to-end encrypted (docs/E2EE.md "In the call"): media goes through SFrame transforms
// (media-crypto.ts) keyed by the room's MLS group (e2ee/call-e2ee.ts), which travels on
// this same socket. A browser that cannot encrypt is refused before joining.
import type { User } from '../api';
import { ApiError } from '../api';
import { CallE2ee } from '../e2ee/call-e2ee';
import type { E2eeView } from '../e2ee/call-e2ee';
import type { ChatEntry } from '../e2ee/chat';
import { breakoutOf, breakoutTarget } from './breakout';
import type { BreakoutState } from './breakout';
import { collectStats } from './call-stats';
import { lossBetween, qualityOf, sampleOf, worse } from './connection-quality';
import type { Quality, QualitySample } from './connection-quality';
import type { CallStats } from './call-stats';
import { SerialQueue, watchIce } from './ice';
import { KeyFrameWatch } from './keyframe-watch';
import { LayerPreferences } from './layers';
import { MediaCrypto, e2eeSupported } from './media-crypto';
import { stopTracks } from './media';
import { leftReasonOf, participantOf, participantsOf, stringField } from './protocol';
import type { Message, MutedState, Participant } from './protocol';
import { Publisher } from './publisher';
import { CLOSE_SIGNED_OUT, CallSignaling, SignalingError } from './signaling';
import { Subscriber } from './subscriber';
import { lobbyLineOf, lobbyOf, waitingOf } from './waiting-room';
import type { LobbyLine, LobbyView, WaitingState } from './waiting-room';

export type CallStatus = 'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'ended';

/** Someone else in the call, with what they send (null until the SFU forwards it). */
export interface RemotePeer extends Participant {
  /** Camera and microphone together. */
  stream: MediaStream | null;
  /** The recv section of the camera video, for the layer its tile wants. */
  videoMid: string | null;
  screen: MediaStream | null;
  screenMid: string | null;
  speaking: boolean;
}

/** Why the call stopped without us leaving: the room ended, another tab took over, sign-out, a refusal. */
export type CallEnd =
  | { kind: 'ended' }
  | { kind: 'replaced' }
  | { kind: 'removed' }
  | { kind: 'denied' }
  | { kind: 'signed-out' }
  | { kind: 'error'; code: string };

const MAX_BACKOFF_MS = 30_000;
/** How long a restart of the RECV side waits for the SFU's fresh offer before it may ask again. */
const RECV_RESTART_WAIT_MS = 10_000;

/** Pieces of one connection to the server: replaced whole when the socket is lost. */
interface Link {
  sig: CallSignaling;
  pub: Publisher;
  sub: Subscriber;
  stop: () => void;
}

export class CallClient {
  /** Our peer_id in the room ('' until joined; a new one after a rejoin). */
  peerId = '';
  onParticipantsChanged: (peers: RemotePeer[]) => void = () => undefined;
  onStatusChanged: (status: CallStatus) => void = () => undefined;
  onEnded: (end: CallEnd) => void = () => undefined;
  /** Something went wrong that does not end the call (a refused offer): a SignalingError code. */
  onProblem: (code: string) => void = () => undefined;
  /** Our screen share started or stopped (also when the browser's own "Stop sharing" ended it). */
  onScreenChanged: (sharing: boolean) => void = () => undefined;
  /** The group's state changed: secure or not, epoch, security code, roster. */
  onE2eeChanged: (view: E2eeView) => void = () => undefined;
  /** The call's chat list changed (e2ee/chat.ts). */
  onChatChanged: (entries: readonly ChatEntry[]) => void = () => undefined;
  /** We wait to be let in (null once in the call). */
  onWaiting: (waiting: WaitingState | null) => void = () => undefined;
  /** The host's view of who waits (host only). */
  onLobbyChanged: (lobby: LobbyView) => void = () => undefined;
  /** The host asks us to turn our microphone (or camera) back on; only we can. */
  onUnmuteRequest: (source: 'microphone' | 'camera', fromName: string) => void = () => undefined;
  /** A private check-in started or ended (room.breakout, docs/SESSIONS.md "Private check-in"). */
  onBreakout: (b: BreakoutState) => void = () => undefined;
  /** A line between the host and a waiting person arrived. */
  onLobbyLine: (line: LobbyLine) => void = () => undefined;
  /** Resolves the first time the server lets us into the call (at once for the host). */
  readonly admitted: Promise<void>;
  /** Set by join(): the SFrame worker and the room's MLS group. */
  crypto: MediaCrypto | null = null;
  e2ee: CallE2ee | null = null;

  private link: Link | null = null;
  private roomId = '';
  private readonly participants = new Map<string, Participant>();
  private speaker = '';
  private local: MediaStream | null = null;
  private screen: MediaStream | null = null;
  private readonly onScreenEnded = () => void this.stopScreen();
  private readonly layers = new LayerPreferences((layers) => this.link?.sig.notify('media.layers', { layers }) ?? false);
  private readonly muted: MutedState = { camera: false, microphone: false };
  private readonly keyFrames = new KeyFrameWatch({
    pc: () => this.link?.sub.pc ?? null,
    secure: () => this.e2ee?.view().state === 'secure',
    videoMids: () => (this.link?.sub.received() ?? []).filter((r) => r.track.kind === 'video').map((r) => r.mid),
    wanted: () => this.layers.wanted(),
    send: (layers) => this.link?.sig.notify('media.layers', { layers }) ?? false,
  });
  private status: CallStatus = 'connecting';
  private stopped = false;
  /** Told to move to a check-in or back: the call this page leaves ends quietly. */
  private moving = false;
  private rejoining = false;
  private attempt = 0;
  private rejoinTimer: number | undefined;
  private rejoinScheduled = false;
  private everConnected = new WeakSet<RTCPeerConnection>();
  private waiting: WaitingState | null = null;
  private readonly qualitySamples = new Map<'send' | 'recv', QualitySample>();
  private me = '';
  private markAdmitted: () => void = () => undefined;
  constructor() {
    this.admitted = new Promise((resolve) => {
      this.markAdmitted = resolve;
    });
  }

  private readonly onOnline = () => {
    if (this.rejoinScheduled && !this.stopped) {
      window.clearTimeout(this.rejoinTimer);
      this.rejoinScheduled = false;
      void this.rejoin();
    }
  };

  /**
   * Enters the room; rejects with a SignalingError (`room_not_found`, `mfa_required`,
   * `e2ee_unsupported` when this browser cannot encrypt media, …).
   */
  async join(roomId: string, me: User): Promise<void> {
    this.roomId = roomId;
    this.me = me.id;
    window.addEventListener('online', this.onOnline);
    try {
      if (!e2eeSupported()) throw new SignalingError('e2ee_unsupported', '');
      this.crypto = new MediaCrypto();
      this.crypto.onKeyFrameNeeded = (mid) => this.requestKeyFrame(mid);
      // The device (and its KeyPackages) exists before room.join, so the host can admit
      // us as soon as call signaling says we are here.
      try {
        this.e2ee = await CallE2ee.open(roomId, me, [this.crypto.worker]);
      } catch (e) {
        // Codes with their own words pass through; anything else is "keys could not be set up".
        const code = e instanceof ApiError && (e.code === 'mfa_required' || e.code === 'too_many_devices') ? e.code : 'e2ee_device';
        throw new SignalingError(code, '');
      }
      if (this.stopped) return;
      this.e2ee.onChange = (v) => this.onE2eeChanged(v);
      this.e2ee.onProblem = (code) => this.onProblem(code);
      this.e2ee.chat.onChange = (entries) => this.onChatChanged(entries);
      this.e2ee.emit();
      await this.connect();
    } catch (e) {
      // Not in the room: nothing to rejoin later.
      this.stopped = true;
      this.shutdown();
      throw e;
    }
  }

  /** Sends the tracks of `stream` (kept, and sent again after a rejoin). */
  async publish(stream: MediaStream): Promise<void> {
    this.local = stream;
    await this.link?.pub.publish(stream);
  }

  /**
   * Shares a screen (a getDisplayMedia stream; kept, and sent again after a rejoin). Its
   * track ending (the browser's own "Stop sharing") stops the share like stopScreen().
   * Never rejects: a refused offer is reported through onProblem and the share stopped.
   */
  async shareScreen(stream: MediaStream): Promise<void> {
    if (this.stopped) {
      stopTracks(stream);
      return;
    }
    await this.stopScreen();
    this.screen = stream;
    for (const t of stream.getVideoTracks()) t.addEventListener('ended', this.onScreenEnded);
    this.onScreenChanged(true);
    try {
      await this.link?.pub.publishScreen(stream);
    } catch (e) {
      this.problem(e);
      if (this.screen === stream) await this.stopScreen();
    }
  }

  /** Stops sharing the screen (nothing if not sharing). Never rejects, like shareScreen. */
  async stopScreen(): Promise<void> {
    const stream = this.dropScreen();
    if (!stream) return;
    await this.link?.pub.unpublishScreen().catch((e: unknown) => this.problem(e));
  }

  get sharingScreen(): boolean {
    return this.screen !== null;
  }

  /** Follows a remote video tile showing the recv section `mid`; answers the function that stops. */
  watchTile(mid: string, el: Element): () => void {
    return this.layers.watch(mid, el);
  }

  /** The layers the tiles want now, by mid (for the test hook). */
  wantedLayers(): Record<string, string> {
    return this.layers.wanted();
  }

  /** Mutes or unmutes our own microphone or camera, and tells the others. */
  setMuted(source: 'camera' | 'microphone', muted: boolean): void {
    this.muted[source] = muted;
    this.link?.pub.setEnabled(source, !muted);
    this.link?.sig.notify('media.mute', { source, muted });
  }

  /** ICE restart of both connections (also what the watchdog does on failure). */
  restartIce(): void {
    this.restartSend();
    this.restartRecv();
  }

  /** The others in the call, in the order they came. */
  peers(): RemotePeer[] {
    const link = this.link;
    const out: RemotePeer[] = [];
    for (const p of this.participants.values()) {
      const media = link?.sub.mediaOf(p.peer_id) ?? null;
      const screen = link?.sub.screenOf(p.peer_id) ?? null;
      out.push({
        ...p,
        stream: media?.stream ?? null,
        videoMid: media?.videoMid ?? null,
        screen: screen?.stream ?? null,
        screenMid: screen?.videoMid ?? null,
        speaking: p.peer_id === this.speaker,
      });
    }
    return out;
  }

  /**
   * How the connection is doing now (connection-quality.ts): the worse of the two
   * connections, by round trip and by loss since the last call of this method.
   */
  async quality(): Promise<Quality> {
    const link = this.link;
    if (!link || !this.peerId) return 'unknown';
    let result: Quality = 'unknown';
    for (const [key, pc] of [
      ['send', link.pub.pc],
      ['recv', link.sub.pc],
    ] as const) {
      const report = await pc.getStats().catch(() => null);
      if (!report) continue;
      const sample = sampleOf(report as unknown as { forEach(cb: (v: Record<string, unknown>) => void): void });
      const loss = lossBetween(this.qualitySamples.get(key) ?? null, sample);
      this.qualitySamples.set(key, sample);
      result = worse(result, qualityOf(sample.rttSeconds, loss));
    }
    return result;
  }

  stats(): Promise<CallStats | null> {
    return this.link ? collectStats(this.link.pub, this.link.sub) : Promise.resolve(null);
  }

  /**
   * The host takes someone out of the call (room.remove; the server refuses anyone else):
   * they cannot come back until the call ends, and their devices leave the group at once,
   * without the grace a reload gets. Rejects with a SignalingError.
   */
  async remove(peerId: string): Promise<void> {
    const link = this.link;
    const person = this.participants.get(peerId);
    if (!link || !person) return;
    await link.sig.request('room.remove', { peer_id: peerId });
    this.e2ee?.removePerson(person.user_id);
  }

  /** The host asks someone to unmute (room.ask_unmute): a prompt on their page, nothing more. */
  async askToUnmute(peerId: string, source: 'microphone' | 'camera' = 'microphone'): Promise<void> {
    await this.link?.sig.request('room.ask_unmute', { peer_id: peerId, source });
  }

  /** The host lets these people in (room.admit); rejects with a SignalingError. */
  async admit(userIds: string[]): Promise<void> {
    await this.link?.sig.request('room.admit', { user_ids: userIds });
  }

  /** The host turns a waiting person away (they may ask again unless the room is locked). */
  async deny(userId: string): Promise<void> {
    await this.link?.sig.request('room.deny', { user_id: userId });
  }

  /** The host sends someone in the call back to the waiting room; they leave the group now. */
  async sendBack(userId: string): Promise<void> {
    const link = this.link;
    if (!link) return;
    await link.sig.request('room.send_back', { user_id: userId });
    this.e2ee?.sendBack(userId);
  }

  /** The host locks the room (nobody new may wait) or unlocks it. */
  async setLocked(locked: boolean): Promise<void> {
    await this.link?.sig.request('room.lock', { locked });
  }

  /**
   * A line to the host (while waiting) or, from the host, to one waiting person. Rejects
   * with a SignalingError (host_not_here, participant_not_found, …).
   */
  async sendLobbyLine(text: string, toUserId?: string): Promise<void> {
    const link = this.link;
    if (!link) throw new SignalingError('disconnected', 'room.lobby_message');
    await link.sig.request('room.lobby_message', toUserId ? { text, user_id: toUserId } : { text });
  }

  /** Quick exit: tells the server without waiting for its answer and closes everything now. */
  leaveNow(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.link?.sig.notify('room.leave');
    this.shutdown();
  }

  /** Leaves the room (best effort) and closes everything. Safe to call more than once. */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const link = this.link;
    if (link?.sig.connected) await link.sig.request('room.leave', {}, 3000).catch(() => undefined);
    this.shutdown();
  }

  // ---------------------------------------------------------------------------

  private async connect(): Promise<void> {
    this.closeLink();
    const sig = new CallSignaling();
    const link = this.makeLink(sig);
    sig.onClose = (code) => {
      if (this.link?.sig === sig) this.lost(code);
    };

    await sig.connect();
    const reply = await sig.request('room.join', { room_id: this.roomId });
    if (this.link !== link) return;
    // Not let in yet: room.joined comes when the host admits us (subscribe()).
    if (reply.type === 'room.waiting') this.wait(reply);
    else this.entered(reply);
  }

  /** The send and receive connections for one socket (a new pair after being sent back). */
  private makeLink(sig: CallSignaling): Link {
    const queue = new SerialQueue();
    const crypto = this.crypto;
    if (!crypto) throw new SignalingError('e2ee_unsupported', '');
    const pub = new Publisher(sig, queue, crypto);
    const sub = new Subscriber(sig, queue, crypto);
    const stops = [
      watchIce(pub.pc, () => this.restartSend(), () => this.updateStatus()),
      watchIce(sub.pc, () => this.restartRecv(), () => this.updateStatus()),
      ...this.subscribe(sig, sub),
    ];
    const link: Link = { sig, pub, sub, stop: () => stops.forEach((s) => s()) };
    this.link = link;
    sub.onStreamsChanged = () => this.changed();
    return link;
  }

  private wait(m: Message): void {
    this.waiting = waitingOf(m);
    this.onWaiting(this.waiting);
    this.updateStatus();
  }

  /** In the call (room.joined): the others, the group, and what we send. */
  private entered(joined: Message): void {
    const link = this.link;
    if (!link) return;
    this.waiting = null;
    this.onWaiting(null);
    this.peerId = stringField(joined, 'peer_id');
    this.participants.clear();
    for (const p of participantsOf(joined.participants)) if (p.peer_id !== this.peerId) this.participants.set(p.peer_id, p);
    this.e2ee?.attach(link.sig);
    this.changed();
    if (this.local) {
      link.pub.publish(this.local).catch((e: unknown) => this.problem(e));
      for (const source of ['camera', 'microphone'] as const) if (this.muted[source]) this.setMuted(source, true);
    }
    if (this.screen) link.pub.publishScreen(this.screen).catch((e: unknown) => this.problem(e));
    // A new socket: the SFU has no layer choices for us yet.
    this.layers.reset();
    this.updateStatus();
    this.markAdmitted();
  }

  /**
   * The host sent us back to the waiting room: the SFU took our connections down, so new
   * ones are made on the same socket (the room's group stays attached to it; the host's
   * client removes us from it and adds us again on readmission).
   */
  private sentBack(m: Message): void {
    const old = this.link;
    if (!old) return;
    old.stop();
    old.pub.close();
    old.sub.close();
    this.makeLink(old.sig);
    this.peerId = '';
    this.participants.clear();
    this.speaker = '';
    this.changed();
    this.wait(m);
  }

  private subscribe(sig: CallSignaling, sub: Subscriber): (() => void)[] {
    const mine = () => this.link?.sig === sig;
    const on = (type: string, fn: (m: Message) => void) => sig.on(type, (m) => mine() && fn(m));
    return [
      on('room.waiting', (m) => {
        if (this.peerId) this.sentBack(m);
        else this.wait(m);
      }),
      on('room.joined', (m) => {
        if (!this.peerId) this.entered(m);
      }),
      on('room.lobby', (m) => this.onLobbyChanged(lobbyOf(m))),
      on('room.unmute_request', (m) => {
        this.onUnmuteRequest(m.source === 'camera' ? 'camera' : 'microphone', stringField(m, 'from_name'));
      }),
      on('room.lobby_message', (m) => {
        const line = lobbyLineOf(m, this.me);
        if (line) this.onLobbyLine(line);
      }),
      on('room.participant_joined', (m) => {
        const p = participantOf(m.participant);
        if (p && p.peer_id !== this.peerId) this.participants.set(p.peer_id, p);
        this.changed();
      }),
      on('room.participant_left', (m) => {
        const peer = stringField(m, 'peer_id');
        this.participants.delete(peer);
        sub.removePeer(peer);
        this.changed();
      }),
      on('room.mute', (m) => {
        const p = this.participants.get(stringField(m, 'peer_id'));
        const source = m.source;
        if (p && (source === 'camera' || source === 'microphone')) p.muted = { ...p.muted, [source]: m.muted === true };
        this.changed();
      }),
      on('room.active_speaker', (m) => {
        this.speaker = stringField(m, 'peer_id');
        this.changed();
      }),
      on('room.breakout', (m) => {
        const b = breakoutOf(m);
        if (breakoutTarget(b, this.roomId)) this.moving = true;
        this.onBreakout(b);
      }),
      on('room.left', (m) => {
        if (this.moving) {
          // The check-in ended and this page is going back: not "the call has ended".
          this.stopped = true;
          this.shutdown();
          return;
        }
        const reason = leftReasonOf(m.reason);
        this.finish(reason === 'replaced' || reason === 'removed' || reason === 'denied' ? { kind: reason } : { kind: 'ended' });
      }),
      on('media.offer', (m) => {
        sub.handleOffer(m).catch((e: unknown) => this.problem(e));
      }),
      on('error', (m) => {
        // Layer choices only save bandwidth: a server that refuses them (or does not know
        // media.layers yet: unknown_type) sends every track at `high`, and the call goes on.
        if (m.request_type === 'media.layers') return;
        this.onProblem(typeof m.code === 'string' ? m.code : 'error');
      }),
    ];
  }

  private restartSend(): void {
    const pub = this.link?.pub;
    if (pub?.active) pub.negotiate(true).catch((e: unknown) => this.problem(e));
  }

  private restartRecv(): void {
    const link = this.link;
    if (!link || !link.sub.pc.remoteDescription || link.sub.restartPending) return;
    link.sub.restartPending = true;
    link.sig.notify('media.restart_ice');
    window.setTimeout(() => {
      link.sub.restartPending = false;
    }, RECV_RESTART_WAIT_MS);
  }

  /** The socket is gone: the server has taken us out of the room. Join again with a new peer. */
  private lost(code: number): void {
    if (this.stopped) return;
    if (code === CLOSE_SIGNED_OUT) {
      this.finish({ kind: 'signed-out' });
      return;
    }
    this.rejoining = true;
    if (this.rejoinScheduled) return; // a join under way failed the same way
    this.closeLink();
    this.peerId = '';
    this.participants.clear();
    this.changed();
    this.updateStatus();
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempt++);
    this.rejoinScheduled = true;
    this.rejoinTimer = window.setTimeout(() => {
      this.rejoinScheduled = false;
      void this.rejoin();
    }, delay);
  }

  private async rejoin(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.connect();
      this.rejoining = false;
      this.attempt = 0;
      this.updateStatus();
    } catch (e) {
      const code = e instanceof SignalingError ? e.code : 'error';
      if (code === 'disconnected' || code === 'timeout') this.lost(0);
      else this.finish(code === 'signed_out' ? { kind: 'signed-out' } : { kind: 'error', code });
    }
  }

  private updateStatus(): void {
    let next: CallStatus = 'connected';
    const link = this.link;
    if (this.stopped) next = 'ended';
    else if (this.rejoining) next = 'reconnecting';
    else if (this.waiting) next = 'waiting';
    else if (!link || !this.peerId) next = 'connecting';
    else {
      for (const [pc, matters] of [
        [link.pub.pc, link.pub.active],
        [link.sub.pc, link.sub.active],
      ] as const) {
        const ice = pc.iceConnectionState;
        if (ice === 'connected' || ice === 'completed') this.everConnected.add(pc);
        if (!matters) continue;
        if (ice === 'disconnected' || ice === 'failed') next = 'reconnecting';
        else if ((ice === 'new' || ice === 'checking') && next !== 'reconnecting') {
          next = this.everConnected.has(pc) ? 'reconnecting' : 'connecting';
        }
      }
    }
    if (next === this.status) return;
    this.status = next;
    this.onStatusChanged(next);
  }

  private changed(): void {
    this.e2ee?.setParticipants([...this.participants.values()].map((p) => ({ peerId: p.peer_id, userId: p.user_id })));
    this.updateStatus();
    this.onParticipantsChanged(this.peers());
  }

  private problem(e: unknown): void {
    if (this.stopped) return;
    this.onProblem(e instanceof SignalingError ? e.code : 'media_failed');
  }

  private finish(end: CallEnd): void {
    if (this.stopped) return;
    this.stopped = true;
    this.shutdown();
    this.onEnded(end);
  }

  /**
   * A receive track needs a key frame. With RTCRtpScriptTransform the worker has asked
   * already (sendKeyFrameRequest → PLI). On Chromium's legacy path there is no such call
   * and no signaling message for a PLI, so keyframe-watch.ts pauses and resumes the track
   * through media.layers: the SFU asks the publisher for a key frame when a consumer resumes.
   */
  private requestKeyFrame(mid: string): void {
    if (typeof RTCRtpScriptTransform !== 'undefined' || !mid) return;
    this.keyFrames.request(mid);
  }

  /** Key-frame requests made through the SFU (for the test hook). */
  get keyFrameRequests(): number {
    return this.keyFrames.requests;
  }

  private shutdown(): void {
    this.e2ee?.close();
    this.crypto?.close();
    this.keyFrames.close();
    window.removeEventListener('online', this.onOnline);
    window.clearTimeout(this.rejoinTimer);
    this.layers.close();
    this.dropScreen();
    this.closeLink();
    this.participants.clear();
    this.updateStatus();
  }

  /** Forgets and stops our screen share locally; answers it (null if there was none). */
  private dropScreen(): MediaStream | null {
    const stream = this.screen;
    if (!stream) return null;
    this.screen = null;
    for (const t of stream.getVideoTracks()) t.removeEventListener('ended', this.onScreenEnded);
    stopTracks(stream);
    this.onScreenChanged(false);
    return stream;
  }

  private closeLink(): void {
    const link = this.link;
    this.link = null;
    if (!link) return;
    link.stop();
    link.pub.close();
    link.sub.close();
    link.sig.close();
  }
}
