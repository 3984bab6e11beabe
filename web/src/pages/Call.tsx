import { useEffect, useRef, useState } from 'preact/hooks';
import { roleHome } from '../api';
import { notesPath } from '../api-notes';
import { endRoom, startBreakout } from '../api-rooms';
import { useCall } from '../call/useCall';
import type { MediaChoices } from '../call/media';
import type { CallStatus } from '../call/call-client';
import { QUALITY_TEXT } from '../call/connection-quality';
import { listenForDoubleEscape, quickExit } from '../call/quick-exit';
import { navigate } from '../router';
import { CallChat } from '../components/CallChat';
import { CallControls } from '../components/CallControls';
import { CallTiles } from '../components/CallTiles';
import { PeerAudio } from '../components/PeerAudio';
import { CallRefusalLink } from '../components/CallRefusal';
import { ErrorMessage } from '../components/ErrorMessage';
import { LobbyPanel } from '../components/LobbyPanel';
import { SafetyPanel } from '../components/SafetyPanel';
import { useRoomSafety } from '../components/useRoomSafety';
import { WaitingRoom } from '../components/WaitingRoom';
import { Layout } from '../components/Layout';
import { SecurityPanel } from '../components/SecurityPanel';
import { AccountActions, useSignedIn } from '../components/session';
import { useSpeakerLayout } from '../components/useSpeakerLayout';
import { useTitle } from '../components/useTitle';

const STATUS_TEXT: Record<CallStatus, string> = {
  connecting: 'Connecting…',
  waiting: 'Waiting to be let in',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  ended: 'Not connected',
};

/**
 * /call/:roomId — a group video call (docs/SIGNALING.md), shown after the pre-join step
 * (CallEntry.tsx) with the devices chosen there. Any role; the server decides who may join.
 */
export function Call({ roomId, choices }: { roomId: string; choices?: MediaChoices }) {
  // The title names no one: titles end up in history and window lists.
  useTitle('Video call');
  const { user, loadError } = useSignedIn();
  const [pageError, setPageError] = useState('');
  const { view, toggleMic, toggleCamera, toggleScreen, watchTile, leave, leaveNow, remove, askToUnmute, answerUnmute, admit, deny, sendBack, setLocked, sendLobbyLine, sendChat, shareFile, fileBlob } = useCall(roomId, user, choices);
  // Read by the key listener, which is installed once.
  const leaveNowRef = useRef(leaveNow);
  leaveNowRef.current = leaveNow;
  useEffect(() => listenForDoubleEscape(() => quickExit(() => leaveNowRef.current())), []);
  const [leaving, setLeaving] = useState(false);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [soundUnlock, setSoundUnlock] = useState(0);
  const speakerLayout = useSpeakerLayout(view.peers);
  const home = user ? roleHome(user.role) : '/signin';

  // The host (the room's owner, the therapist) goes on to the session's notes; everyone
  // else goes home. Read before leaving: the call's state is gone afterwards.
  const onLeave = async () => {
    if (leaving) return;
    setLeaving(true);
    const next = view.e2ee?.host === true ? notesPath(view.breakout?.parentRoomId || roomId) : home;
    await leave();
    navigate(next);
  };

  // One click anywhere lets the page play sound; the button says so and is that click.
  const onSound = () => {
    setSoundBlocked(false);
    setSoundUnlock((n) => n + 1);
  };

  const shown = view.error || pageError || loadError;
  // Waiting to be let in: the waiting room instead of the call (nothing of the call runs yet).
  const waiting = user !== null && !view.error && view.waiting !== null;
  const inCall = user !== null && !view.error && !waiting;
  const hasMic = (view.local?.getAudioTracks().length ?? 0) > 0;
  const hasCamera = (view.local?.getVideoTracks().length ?? 0) > 0;
  const names = new Map(view.peers.map((p) => [p.user_id, p.display_name]));
  const isHost = view.e2ee?.host === true;
  // The safety check, for the host only; read again as people arrive.
  const present = [...(view.lobby?.waiting.map((p) => p.userId) ?? []), ...view.peers.map((p) => p.user_id)];
  const safety = useRoomSafety(roomId, inCall && isHost, present);

  /** Runs one of the host's actions; a failure is worded on the page. True when it worked. */
  const attempt = async (action: () => Promise<unknown>, failure: string): Promise<boolean> => {
    try {
      await action();
      return true;
    } catch {
      setPageError(failure);
      return false;
    }
  };

  const onRemove = async (peerId: string) => {
    await attempt(() => remove(peerId), 'That person could not be removed. They may have left already.');
  };

  const onSendBack = async (userId: string) => {
    await attempt(() => sendBack(userId), 'That person could not be moved to the waiting room. They may have left already.');
  };

  // Ends the room for everyone (POST /api/rooms/:id/end): every page is told, nobody can
  // join again, and the host goes on to the session's notes.
  const onEndForAll = async () => {
    if (!(await attempt(() => endRoom(roomId), 'The session could not be ended. Check your connection and try again.'))) return;
    await leave();
    navigate(notesPath(roomId));
  };

  // A private check-in (docs/SESSIONS.md): the server moves this page and the person's
  // into it (useCall.ts); "Bring everyone back" ends its room, which moves them back.
  const inCheckIn = view.breakout?.parentRoomId ? view.breakout.parentRoomId : '';
  const onCheckIn = async (userId: string) => {
    await attempt(() => startBreakout(roomId, [userId]), 'The private check-in could not start. The person may have left, or one is already running.');
  };
  const onBringBack = () => attempt(() => endRoom(roomId), 'Everyone could not be brought back. Check your connection and try again.');

  const onLeaveWaiting = async () => {
    await leave();
    navigate(home);
  };

  return (
    <Layout actions={user ? <AccountActions user={user} current="home" onError={setPageError} /> : null}>
      <div class="call-heading">
        <h1>Video call</h1>
        {/* First in the page after the heading, so it is one Tab away; Escape twice does the same. */}
        <button
          type="button"
          class="button danger call-quick-exit"
          onClick={() => quickExit(leaveNow)}
          aria-label="Quick exit: leave now and show a neutral page (or press Escape twice)"
          data-testid="call-quick-exit"
        >
          Quick exit
        </button>
      </div>
      {/* The chat's toggle sits on the status line: the page around the tiles keeps its
          height (a tile pushed out of view is no longer sent), and its panel is an overlay. */}
      <div class="call-topline">
        {user ? (
          <p class={`ws-status call-status call-${view.status}`} role="status" data-testid="call-status">
            {STATUS_TEXT[view.status]}
          </p>
        ) : null}
        {inCall && view.status === 'connected' ? (
          <p class={`call-quality call-quality-${view.quality}`} data-testid="call-quality" data-quality={view.quality}>
            {QUALITY_TEXT[view.quality]}
          </p>
        ) : null}
        {inCall ? (
          <CallChat
            entries={view.chat}
            enabled={view.e2ee?.state === 'secure'}
            names={names}
            onSend={sendChat}
            onShare={shareFile}
            fileBlob={fileBlob}
          />
        ) : null}
      </div>
      <ErrorMessage message={shown} testId="call-error" />
      {view.error && user ? <CallRefusalLink code={view.errorCode} home={home} /> : null}
      {inCall && view.notice ? (
        <p class="notice" data-testid="call-notice">
          {view.notice}
        </p>
      ) : null}
      {inCall && view.unmuteRequest ? (
        <div class="notice call-unmute-request" role="alertdialog" aria-labelledby="unmute-request-text" data-testid="call-unmute-request">
          <p id="unmute-request-text">{`${view.unmuteRequest.from || 'The host'} asks you to turn your ${view.unmuteRequest.source === 'camera' ? 'camera on' : 'microphone on'}.`}</p>
          <button type="button" class="button primary" onClick={() => answerUnmute(true)} data-testid="call-unmute-accept">
            {view.unmuteRequest.source === 'camera' ? 'Turn camera on' : 'Unmute'}
          </button>{' '}
          <button type="button" class="button" onClick={() => answerUnmute(false)} data-testid="call-unmute-dismiss">
            Not now
          </button>
        </div>
      ) : null}
      {inCall && soundBlocked ? (
        <p>
          <button type="button" class="button primary" onClick={onSound} data-testid="call-sound">
            Turn on sound
          </button>
        </p>
      ) : null}
      {inCall ? (
        <BreakoutNotice inCheckIn={inCheckIn !== ''} running={view.breakout?.running === true} isHost={isHost} onBringBack={() => void onBringBack()} />
      ) : null}
      {waiting && view.waiting ? <WaitingRoom roomId={roomId} waiting={view.waiting} lines={view.lobbyLines} onSend={(text) => sendLobbyLine(text)} onLeave={() => void onLeaveWaiting()} /> : null}
      {inCall && view.lobby ? (
        <LobbyPanel lobby={view.lobby} lines={view.lobbyLines} onAdmit={admit} onDeny={deny} onLock={setLocked} onSend={(text, userId) => sendLobbyLine(text, userId)} safety={isHost ? safety.people : undefined} />
      ) : null}
      {inCall ? <SecurityPanel view={view.e2ee} names={names} /> : null}
      {inCall ? (
        <>
          <CallTiles
            peers={view.peers}
            local={view.local}
            cameraOff={view.cameraOff}
            micMuted={view.micMuted}
            watch={watchTile}
            layout={speakerLayout}
            hostControls={
              isHost
                ? { remove: onRemove, sendBack: onSendBack, askToUnmute: async (peerId) => { await askToUnmute(peerId); }, checkIn: inCheckIn || view.breakout ? undefined : onCheckIn }
                : undefined
            }
            selfUserId={user?.id ?? ''}
          />
          {/* Everyone's sound, apart from the tiles: a tile moving between layouts does not cut it. */}
          <div class="call-audio">
            {view.peers.map((p) =>
              p.stream ? (
                <PeerAudio
                  key={p.peer_id}
                  stream={p.stream}
                  peerId={p.peer_id}
                  soundUnlock={soundUnlock}
                  onSoundBlocked={() => setSoundBlocked(true)}
                  sinkId={choices?.speakerId}
                />
              ) : null,
            )}
          </div>
          {view.peers.length === 0 && view.status !== 'connecting' ? (
            <p class="muted" data-testid="call-alone">
              Nobody else is here yet. They will appear when they join.
            </p>
          ) : null}
          {/* The live region stays in the page so that its text appearing is announced. */}
          <div role="status">
            {view.sharing ? (
              <p class="notice" data-testid="call-sharing">
                You are sharing your screen with everyone in the call.
              </p>
            ) : null}
          </div>
          <CallControls
            micMuted={view.micMuted}
            cameraOff={view.cameraOff}
            hasMic={hasMic}
            hasCamera={hasCamera}
            canShare={view.canShare}
            sharing={view.sharing}
            sharePending={view.sharePending}
            leaving={leaving}
            onMic={toggleMic}
            onCamera={toggleCamera}
            onShare={() => void toggleScreen()}
            onLeave={() => void onLeave()}
            onEndForAll={isHost && !inCheckIn ? onEndForAll : undefined}
            layout={speakerLayout.layout}
            onLayout={speakerLayout.setLayout}
          />
          {/* Under the controls, not above the tiles: a tile pushed out of view is no longer
              sent (call/layers.ts). Each waiting person's check shows in the waiting room. */}
          {isHost ? <SafetyPanel safety={safety} /> : null}
        </>
      ) : null}
    </Layout>
  );
}

/**
 * What a page says about a private check-in: inside it, that nobody else in the session
 * sees or hears it (and the host's way back); in the session, only that one is running —
 * never who is in it.
 */
function BreakoutNotice({ inCheckIn, running, isHost, onBringBack }: { inCheckIn: boolean; running: boolean; isHost: boolean; onBringBack: () => void }) {
  return (
    <div role="status" data-testid="call-breakout">
      {inCheckIn ? (
        <div class="notice call-breakout" data-testid="call-breakout-inside">
          <p>
            {isHost
              ? 'Private check-in. The others in the session stay in the main call: they cannot see or hear you here.'
              : 'Private check-in with your therapist. The others in the session cannot see or hear you here.'}
          </p>
          {isHost ? (
            <button type="button" class="button primary" onClick={onBringBack} data-testid="call-breakout-end">
              Bring everyone back
            </button>
          ) : null}
        </div>
      ) : running ? (
        <p class="notice" data-testid="call-breakout-running">
          Your therapist is having a private check-in with someone from this session. Please stay here: they will be back shortly.
        </p>
      ) : null}
    </div>
  );
}
