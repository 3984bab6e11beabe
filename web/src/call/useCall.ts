// The call as Preact state: joins the room, then asks for the camera and microphone and
// sends them. Joining first means a person who may not enter is never asked for their
// camera. Also installs window.__havenCall, the test hook (call page only; peer ids and
// counters, nothing secret).
import { useEffect, useRef, useState } from 'preact/hooks';
import { noteCallActivity, sessionEndedByServer } from '../idle';
import { CallClient } from './call-client';
import type { CallStatus, RemotePeer } from './call-client';
import type { CallStats } from './call-stats';
import { endText, joinErrorText, mediaErrorText, problemText } from './messages';
import { SignalingError } from './signaling';

/** How often being in a call counts as activity for the idle sign-out (idle.ts). */
const CALL_ACTIVITY_EVERY_MS = 30_000;

/** A moderate single layer: enough for a face, light on a phone's uplink and CPU. */
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };

export interface HavenCallHook {
  readonly peerId: string;
  participants(): { peer_id: string; user_id: string; muted: { camera: boolean; microphone: boolean }; receiving: boolean }[];
  stats(): Promise<CallStats | null>;
  restartIce(): void;
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
}

interface LocalMedia {
  stream: MediaStream | null;
  error: unknown;
}

/** Camera and microphone; without a usable camera, the microphone alone. */
async function localMedia(): Promise<LocalMedia> {
  const media = navigator.mediaDevices;
  if (!media?.getUserMedia) return { stream: null, error: new DOMException('no media devices', 'NotFoundError') };
  try {
    return { stream: await media.getUserMedia({ audio: AUDIO, video: VIDEO }), error: null };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotAllowedError') return { stream: null, error };
    try {
      return { stream: await media.getUserMedia({ audio: AUDIO }), error };
    } catch {
      return { stream: null, error };
    }
  }
}

function stopTracks(stream: MediaStream | null): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

function installHook(client: CallClient): HavenCallHook {
  const hook: HavenCallHook = {
    get peerId() {
      return client.peerId;
    },
    participants: () =>
      client.peers().map((p) => ({ peer_id: p.peer_id, user_id: p.user_id, muted: { ...p.muted }, receiving: p.stream !== null })),
    stats: () => client.stats(),
    restartIce: () => client.restartIce(),
  };
  window.__havenCall = hook;
  return hook;
}

export function useCall(roomId: string, enabled: boolean) {
  const [status, setStatus] = useState<CallStatus>('connecting');
  const [peers, setPeers] = useState<RemotePeer[]>([]);
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [micMuted, setMicMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [error, setError] = useState('');
  const [errorCode, setErrorCode] = useState('');
  const [notice, setNotice] = useState('');
  const clientRef = useRef<CallClient | null>(null);

  useEffect(() => {
    if (!enabled) return undefined;
    let live = true;
    let stream: MediaStream | null = null;
    const client = new CallClient();
    clientRef.current = client;
    client.onParticipantsChanged = (p) => live && setPeers(p);
    client.onStatusChanged = (s) => live && setStatus(s);
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

    void (async () => {
      try {
        await client.join(roomId);
      } catch (e) {
        const code = e instanceof SignalingError ? e.code : 'error';
        if (!live) return;
        if (code === 'signed_out') sessionEndedByServer();
        setError(joinErrorText(code));
        setErrorCode(code);
        return;
      }
      const media = await localMedia();
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
      void client.leave();
      stopTracks(stream);
      if (window.__havenCall === hook) delete window.__havenCall;
      if (clientRef.current === client) clientRef.current = null;
    };
  }, [roomId, enabled]);

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

  /** Leaves the room; resolves once the server was told (or gave up after a few seconds). */
  const leave = async () => {
    await clientRef.current?.leave();
  };

  const view: CallView = { status, peers, local, micMuted, cameraOff, error, errorCode, notice };
  return { view, toggleMic, toggleCamera, leave };
}
