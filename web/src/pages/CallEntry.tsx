// /call/:roomId — the way into a call: first whether this person may enter the room and
// whether this browser can encrypt a call, then the pre-join step (PreJoin.tsx), then the
// call itself (Call.tsx) with the devices and noise suppression chosen there.
//
// The preview's camera and microphone are stopped when Join is pressed and the call
// captures again with the same device ids, rather than the preview stream being handed
// over: the call only asks for media once the server has let the person in (useCall.ts),
// so a refused join (room full, removed, ended meanwhile) never leaves the camera on, and
// the call keeps one owner for its tracks (leave, quick exit and the end of the call stop
// them). The cost is the camera light blinking off for a moment.
import { useEffect, useRef, useState } from 'preact/hooks';
import { roleHome } from '../api';
import { takeCarriedChoices } from '../call/breakout';
import type { MediaChoices } from '../call/media';
import { listenForDoubleEscape, quickExit } from '../call/quick-exit';
import { CallRefusalLink } from '../components/CallRefusal';
import { ErrorMessage } from '../components/ErrorMessage';
import { Layout } from '../components/Layout';
import { PreJoin } from '../components/PreJoin';
import { AccountActions, useSignedIn } from '../components/session';
import { useTitle } from '../components/useTitle';
import { browserProblem, checkRoomAccess } from '../prejoin/support';
import type { RoomAccess } from '../prejoin/support';
import { Call } from './Call';

export function CallEntry({ roomId }: { roomId: string }) {
  // Moved here from the session into a private check-in (or back): the devices chosen a
  // moment ago come along, so there is no pre-join step again (call/breakout.ts).
  const [choices, setChoices] = useState<MediaChoices | null>(() => takeCarriedChoices(roomId));
  // The Join button is gone: keyboard and screen-reader users start again at the call.
  useEffect(() => {
    if (choices) document.getElementById('main')?.focus();
  }, [choices]);
  if (choices) return <Call roomId={roomId} choices={choices} />;
  return <BeforeJoining roomId={roomId} onJoin={setChoices} />;
}

function BeforeJoining({ roomId, onJoin }: { roomId: string; onJoin: (c: MediaChoices) => void }) {
  // The title names no one: titles end up in history and window lists.
  useTitle('Video call');
  const { user, loadError } = useSignedIn();
  const [pageError, setPageError] = useState('');
  const [access, setAccess] = useState<RoomAccess | null>(null);
  const stopPreview = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (!user) return undefined;
    let live = true;
    setAccess(null);
    void checkRoomAccess(roomId).then((a) => live && setAccess(a));
    return () => {
      live = false;
    };
  }, [roomId, user?.id]);

  // Quick exit works here too: the camera may already be on.
  const exit = () => quickExit(() => stopPreview.current());
  const exitRef = useRef(exit);
  exitRef.current = exit;
  useEffect(() => listenForDoubleEscape(() => exitRef.current()), []);

  const home = user ? roleHome(user.role) : '/signin';
  const unsupported = access?.ok ? browserProblem() : '';
  const refusal = access && !access.ok ? access.text : unsupported;

  return (
    <Layout actions={user ? <AccountActions user={user} current="home" onError={setPageError} /> : null}>
      <div class="call-heading">
        <h1>Video call</h1>
        <button
          type="button"
          class="button danger call-quick-exit"
          onClick={exit}
          aria-label="Quick exit: leave now and show a neutral page (or press Escape twice)"
          data-testid="call-quick-exit"
        >
          Quick exit
        </button>
      </div>
      {/* Refused before the call: the same words, status and way home as the call page. */}
      {refusal ? (
        <p class="ws-status call-status call-ended" role="status" data-testid="call-status">
          Not connected
        </p>
      ) : null}
      <ErrorMessage message={refusal || pageError || loadError} testId="call-error" />
      {refusal && user ? <CallRefusalLink code={access && !access.ok ? access.code : ''} home={home} /> : null}
      {user && !access && !loadError ? (
        <p class="muted" role="status" data-testid="prejoin-checking">
          Getting your call ready…
        </p>
      ) : null}
      {user && access?.ok && !unsupported ? <PreJoin user={user} roomId={roomId} onJoin={onJoin} stopRef={stopPreview} /> : null}
    </Layout>
  );
}
