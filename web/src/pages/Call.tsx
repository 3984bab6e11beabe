import { useEffect, useRef, useState } from 'preact/hooks';
import { roleHome } from '../api';
import { notesPath } from '../api-notes';
import { endRoom } from '../api-rooms';
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
    const next = view.e2ee?.host === true ? notesPath(roomId) : home;
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

  const onRemove = async (peerId: string) => {
    try {
      await remove(peerId);
    } catch {
      setPageError('That person could not be removed. They may have left already.');
    }
  };

  const onSendBack = async (userId: string) => {
    try {
      await sendBack(userId);
    } catch {
      setPageError('That person could not be moved to the waiting room. They may have left already.');
    }
  };

  // Ends the room for everyone (POST /api/rooms/:id/end): every page is told, nobody can
  // join again, and the host goes on to the session's notes.
  const onEndForAll = async () => {
    try {
      await endRoom(roomId);
    } catch {
      setPageError('The session could not be ended. Check your connection and try again.');
      return;
    }
    await leave();
    navigate(notesPath(roomId));
  };

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
            hostControls={isHost ? { remove: onRemove, sendBack: onSendBack, askToUnmute: async (peerId) => { await askToUnmute(peerId); } } : undefined}
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
            onEndForAll={isHost ? onEndForAll : undefined}
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
