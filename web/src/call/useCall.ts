// The call as Preact state: joins the room, then asks for the camera and microphone and
// sends them. Joining first means a person who may not enter is never asked for their
// camera. Also installs window.__havenCall, the test hook (call page only; peer ids,
// mids and counters, nothing secret).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { breakoutTarget, carryChoices } from './breakout';
import type { BreakoutState } from './breakout';
import { callPath } from '../api-rooms';
import { navigate } from '../router';
import type { User } from '../api';
import type { E2eeCounters, E2eeView } from '../e2ee/call-e2ee';
import type { ChatEntry } from '../e2ee/chat';
import type { WorkerStats } from '../e2ee/sframe/attach';
import { noteCallActivity, sessionEndedByServer } from '../idle';
import { CallClient } from './call-client';
import type { CallStatus, RemotePeer } from './call-client';
import type { CallStats } from './call-stats';
import { canShareScreen, captureScreen, localMedia, stopTracks } from './media';
import type { MediaChoices } from './media';
import { endText, joinErrorText, mediaErrorText, problemText, screenErrorText } from './messages';
import { SignalingError } from './signaling';
import type { LobbyLine, LobbyView, WaitingState } from './waiting-room';
import type { Quality } from './connection-quality';

/** How often the connection quality indicator looks again. */
const QUALITY_EVERY_MS = 3000;

/** How often being in a call counts as activity for the idle sign-out (idle.ts). */
const CALL_ACTIVITY_EVERY_MS = 30_000;

export interface HavenCallHook {
  readonly peerId: string;
  participants(): { peer_id: string; user_id: string; muted: { camera: boolean; microphone: boolean }; receiving: boolean }[];
  stats(): Promise<CallStats | null>;
  /** The simulcast layer each remote tile wants now, by recv mid. */
  wantedLayers(): Record<string, string>;
  restartIce(): void;
  /** The room's MLS group as this page sees it (ids, epoch, the public security code). */
  e2ee(): (E2eeView & { counters: E2eeCounters; keyFrameRequests: number }) | null;
  /** The SFrame worker's frame counters. */
  sframeStats(): Promise<WorkerStats | null>;
  /** The chat list without its words or keys: order, sender ids, state. */
  chat(): { seq: number | null; kind: string; userId: string; self: boolean; state: string }[];
}

declare global {
  interface Window {
    __havenCall?: HavenCallHook;
  }
}

export interface CallView {
  status: CallStatus;
  peers: RemotePeer[];
  /** Our own camera and microphone, for the preview (null until allowed, or without them). */
  local: MediaStream | null;
  micMuted: boolean;
  cameraOff: boolean;
  /** Why the call is over (or never started); '' while it runs. */
  error: string;
  /** The server's code behind `error` (e.g. `mfa_required`), '' if none. */
  errorCode: string;
  /** Something to know that does not end the call (no camera, a failed renegotiation). */
  notice: string;
  /** Whether this browser can share a screen (no getDisplayMedia on most phones). */
  canShare: boolean;
  sharing: boolean;
  /** The screen picker is open. */
  sharePending: boolean;
  /** The call's end-to-end encryption: null until the group is known. */
  e2ee: E2eeView | null;
  /** Chat and shared files, in group order (memory only). */
  chat: readonly ChatEntry[];
  /** We wait to be let in (null in the call). */
  waiting: WaitingState | null;
  /** Who waits (the host's page; null elsewhere). */
  lobby: LobbyView | null;
  /** Lines between the host and waiting people, oldest first (memory only). */
  lobbyLines: readonly LobbyLine[];
  /** The connection quality indicator (connection-quality.ts). */
  quality: Quality;
  /** The host asked us to unmute (null when not, or answered). */
  unmuteRequest: { source: 'microphone' | 'camera'; from: string } | null;
  /** A private check-in runs (in this session, or this page is in it); null when none. */
  breakout: BreakoutState | null;
}

/** Follows a remote video element for the layer it wants (CallClient.watchTile). */
export type WatchTile = (mid: string, el: Element) => () => void;

function installHook(client: CallClient): HavenCallHook {
  const hook: HavenCallHook = {
    get peerId() {
      return client.peerId;
    },
    participants: () =>
      client.peers().map((p) => ({ peer_id: p.peer_id, user_id: p.user_id, muted: { ...p.muted }, receiving: p.stream !== null })),
    stats: () => client.stats(),
    wantedLayers: () => client.wantedLayers(),
    restartIce: () => client.restartIce(),
    e2ee: () => (client.e2ee ? { ...client.e2ee.view(), counters: { ...client.e2ee.counters }, keyFrameRequests: client.keyFrameRequests } : null),
    sframeStats: () => (client.crypto ? client.crypto.stats() : Promise.resolve(null)),
    chat: () => (client.e2ee?.chat.list() ?? []).map((e) => ({ seq: e.seq, kind: e.kind, userId: e.userId, self: e.self, state: e.state })),
  };
  window.__havenCall = hook;
  return hook;
}

/** `choices`: the devices and noise suppression picked before joining (read once, at join). */
export function useCall(roomId: string, user: User | null, choices: MediaChoices = {}) {
  const enabled = user !== null;
  const [status, setStatus] = useState<CallStatus>('connecting');
  const [peers, setPeers] = useState<RemotePeer[]>([]);
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [micMuted, setMicMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [error, setError] = useState('');
  const [errorCode, setErrorCode] = useState('');
  const [notice, setNotice] = useState('');
  const [sharing, setSharing] = useState(false);
  const [sharePending, setSharePending] = useState(false);
  const [e2ee, setE2ee] = useState<E2eeView | null>(null);
  const [chat, setChat] = useState<readonly ChatEntry[]>([]);
  const [waiting, setWaiting] = useState<WaitingState | null>(null);
  const [lobby, setLobby] = useState<LobbyView | null>(null);
  const [lobbyLines, setLobbyLines] = useState<readonly LobbyLine[]>([]);
  const [quality, setQuality] = useState<Quality>('unknown');
  const [unmuteRequest, setUnmuteRequest] = useState<{ source: 'microphone' | 'camera'; from: string } | null>(null);
  const [breakout, setBreakout] = useState<BreakoutState | null>(null);
  const clientRef = useRef<CallClient | null>(null);

  useEffect(() => {
    if (!enabled) return undefined;
    let live = true;
    let stream: MediaStream | null = null;
    const client = new CallClient();
    clientRef.current = client;
    client.onParticipantsChanged = (p) => live && setPeers(p);
    client.onStatusChanged = (s) => live && setStatus(s);
    client.onScreenChanged = (on) => live && setSharing(on);
    client.onE2eeChanged = (v) => live && setE2ee(v);
    client.onChatChanged = (entries) => live && setChat(entries);
    client.onWaiting = (w) => live && setWaiting(w);
    client.onUnmuteRequest = (source, from) => live && setUnmuteRequest({ source, from });
    client.onLobbyChanged = (l) => live && setLobby(l);
    client.onBreakout = (b) => {
      if (!live) return;
      // Into the check-in when it starts for us, back to the session when it ends; the
      // devices chosen before joining go along (no pre-join step again).
      const target = breakoutTarget(b, roomId);
      if (target) {
        carryChoices(target, choices);
        navigate(callPath(target), { replace: true });
        return;
      }
      setBreakout(b.running ? b : null);
    };
    client.onLobbyLine = (line) => live && setLobbyLines((lines) => [...lines.slice(-99), line]);
    client.onProblem = (code) => {
      const text = problemText(code);
      if (live && text) setNotice(text);
    };
    client.onEnded = (end) => {
      // The camera light goes off as soon as the call is over, not when the page closes.
      stopTracks(stream);
      if (!live) return;
      setLocal(null);
      if (end.kind === 'signed-out') sessionEndedByServer();
      setError(endText(end));
      setErrorCode(end.kind === 'error' ? end.code : end.kind);
    };
    const hook = installHook(client);
    const activity = window.setInterval(noteCallActivity, CALL_ACTIVITY_EVERY_MS);
    const qualityTimer = window.setInterval(() => {
      void client.quality().then((q) => live && setQuality(q));
    }, QUALITY_EVERY_MS);

    void (async () => {
      try {
        await client.join(roomId, user!);
      } catch (e) {
        const code = e instanceof SignalingError ? e.code : 'error';
        if (!live) return;
        if (code === 'signed_out') sessionEndedByServer();
        setError(joinErrorText(code));
        setErrorCode(code);
        return;
      }
      // Camera and microphone only once the host has let us in: a waiting person sends nothing.
      await client.admitted;
      if (!live) return;
      const media = await localMedia(choices);
      if (!live) {
        stopTracks(media.stream);
        return;
      }
      if (media.error) setNotice(mediaErrorText(media.error, media.stream !== null));
      stream = media.stream;
      if (!stream) return;
      setLocal(stream);
      await client.publish(stream).catch((e: unknown) => {
        if (live) setNotice(problemText(e instanceof SignalingError ? e.code : 'error'));
      });
    })();

    return () => {
      live = false;
      window.clearInterval(activity);
      window.clearInterval(qualityTimer);
      void client.leave();
      stopTracks(stream);
      if (window.__havenCall === hook) delete window.__havenCall;
      if (clientRef.current === client) clientRef.current = null;
    };
    // Keyed by the person's id: a new User object for the same person is no new call.
  }, [roomId, user?.id]);

  const toggleMic = () => {
    const next = !micMuted;
    clientRef.current?.setMuted('microphone', next);
    setMicMuted(next);
  };

  const toggleCamera = () => {
    const next = !cameraOff;
    clientRef.current?.setMuted('camera', next);
    setCameraOff(next);
  };

  /** Starts sharing (the browser asks which screen) or stops. */
  const toggleScreen = async () => {
    const client = clientRef.current;
    if (!client || sharePending) return;
    if (client.sharingScreen) {
      await client.stopScreen();
      return;
    }
    setSharePending(true);
    try {
      const stream = await captureScreen();
      // The call may have ended while the picker was open.
      if (clientRef.current === client) await client.shareScreen(stream);
      else stopTracks(stream);
    } catch (e) {
      const text = screenErrorText(e);
      if (text && clientRef.current === client) setNotice(text);
    } finally {
      if (clientRef.current === client) setSharePending(false);
    }
  };

  // Stable, so tiles do not stop and start watching on every render.
  const watchTile = useCallback<WatchTile>((mid, el) => clientRef.current?.watchTile(mid, el) ?? (() => undefined), []);

  /** Quick exit: the call stops at once, camera and microphone included (quick-exit.ts). */
  const leaveNow = () => {
    clientRef.current?.leaveNow();
    stopTracks(local);
  };

  /** The host takes someone out of the call; rejects with a SignalingError. */
  const remove = async (peerId: string) => {
    await clientRef.current?.remove(peerId);
  };

  /** The host asks someone to unmute; rejects with a SignalingError. */
  const askToUnmute = async (peerId: string) => clientRef.current?.askToUnmute(peerId);
  /** Our answer to the host's request: unmute (yes) or leave it as it is (no). */
  const answerUnmute = (yes: boolean) => {
    const asked = unmuteRequest;
    setUnmuteRequest(null);
    if (!yes || !asked) return;
    if (asked.source === 'microphone' && micMuted) toggleMic();
    if (asked.source === 'camera' && cameraOff) toggleCamera();
  };

  // The waiting room: each rejects with a SignalingError for the page to word.
  const admit = async (userIds: string[]) => clientRef.current?.admit(userIds);
  const deny = async (userId: string) => clientRef.current?.deny(userId);
  const sendBack = async (userId: string) => clientRef.current?.sendBack(userId);
  const setLocked = async (locked: boolean) => clientRef.current?.setLocked(locked);
  /** A line to the host (waiting) or to one waiting person (host); shown once the server took it. */
  const sendLobbyLine = async (text: string, toUserId?: string) => {
    const client = clientRef.current;
    if (!client) return;
    await client.sendLobbyLine(text, toUserId);
    const line: LobbyLine = { withUserId: toUserId ?? user?.id ?? '', fromHost: toUserId !== undefined, name: user?.display_name ?? '', text, at: Date.now() };
    setLobbyLines((lines) => [...lines.slice(-99), line]);
  };

  /** Leaves the room; resolves once the server was told (or gave up after a few seconds). */
  const leave = async () => {
    await clientRef.current?.leave();
  };

  const view: CallView = {
    status,
    peers,
    local,
    micMuted,
    cameraOff,
    error,
    errorCode,
    notice,
    canShare: canShareScreen(),
    sharing,
    sharePending,
    e2ee,
    chat,
    waiting,
    lobby,
    lobbyLines,
    quality,
    unmuteRequest,
    breakout,
  };
  // Chat: each rejects with a ChatError or ApiError for the panel to word.
  const sendChat = async (text: string) => {
    const log = clientRef.current?.e2ee?.chat;
    if (log) await log.sendText(text);
  };
  const shareFile = async (file: File) => {
    const log = clientRef.current?.e2ee?.chat;
    if (log) await log.shareFile(file);
  };
  const fileBlob = async (localId: number) => {
    const log = clientRef.current?.e2ee?.chat;
    if (!log) throw new Error('no_call');
    return log.fileBlob(localId);
  };
  return { view, toggleMic, toggleCamera, toggleScreen, watchTile, leave, leaveNow, remove, askToUnmute, answerUnmute, admit, deny, sendBack, setLocked, sendLobbyLine, sendChat, shareFile, fileBlob };
}
