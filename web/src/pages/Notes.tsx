import { useEffect, useState } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { ApiError, messageOf, roleHome } from '../api';
import type { Role } from '../api';
import { needsMfa } from '../api-admin';
import { getNote, NOTE_MAX, saveNote } from '../api-notes';
import { ErrorMessage, StatusMessage } from '../components/ErrorMessage';
import { Layout } from '../components/Layout';
import { SubmitButton } from '../components/SubmitButton';
import { useSubmit } from '../components/useSubmit';
import { useTitle } from '../components/useTitle';
import { AccountActions, useSignedIn } from '../components/session';
import { SafetyPanel } from '../components/SafetyPanel';
import { useRoomSafety } from '../components/useRoomSafety';

/** Said the same way to anyone the server refuses (403 or 404): it tells no one whether the room exists. */
const NOT_YOURS = 'These notes are not available to you. Only the therapist who held the session can open them.';

/** "HH:MM" in local time, from Unix seconds. */
function clock(seconds: number): string {
  const d = seconds > 0 ? new Date(seconds * 1000) : new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The words for a note that could not be loaded (a patient's notes page is never theirs to open). */
function loadFailure(err: unknown, role: Role): string {
  if (err instanceof ApiError && (err.status === 403 || err.status === 404 || role === 'patient')) return NOT_YOURS;
  return messageOf(err);
}

/** Asks the browser to confirm leaving the page while `dirty` (its own dialog; nothing custom). */
function useWarnBeforeUnload(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return undefined;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older browsers only ask when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
}

/** /notes/:roomId — the therapist's note for one session (room), after the call. */
export function Notes({ roomId }: { roomId: string }) {
  // The title names no one: titles end up in history and window lists.
  useTitle('Session notes');
  const { user, loadError } = useSignedIn();
  const [loaded, setLoaded] = useState(false);
  const [text, setText] = useState('');
  /** The text the server holds, to tell unsaved changes. */
  const [saved, setSaved] = useState('');
  const [error, setPageError] = useState('');
  const [mfa, setMfa] = useState(false);
  const { busy, error: saveError, status, setStatus, submit } = useSubmit();

  useEffect(() => {
    if (!user) return undefined;
    let live = true;
    setLoaded(false);
    setPageError('');
    getNote(roomId)
      .then((note) => {
        if (!live) return;
        setText(note?.text ?? '');
        setSaved(note?.text ?? '');
        setLoaded(true);
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (needsMfa(err) && user.role !== 'patient') setMfa(true);
        else setPageError(loadFailure(err, user.role));
      });
    return () => {
      live = false;
    };
  }, [user, roomId]);

  const dirty = loaded && text !== saved;
  useWarnBeforeUnload(dirty);

  const onInput = (e: TargetedEvent<HTMLTextAreaElement>) => {
    setText(e.currentTarget.value);
  };

  const onSubmit = submit(async () => {
    const sent = text;
    const note = await saveNote(roomId, sent);
    setSaved(sent);
    setStatus(`Saved at ${clock(note.updated_at)}`);
  });

  // Read once the note loaded: only the session's therapist may (the same rule).
  const safety = useRoomSafety(roomId, loaded, []);
  const shown = error || loadError;
  const home = user ? roleHome(user.role) : '/signin';

  return (
    <Layout actions={user ? <AccountActions user={user} current="home" onError={setPageError} /> : null}>
      <p>
        <a href={home} class="back-link" data-testid="notes-home">
          Back to your home page
        </a>
      </p>
      <h1>Session notes</h1>
      <ErrorMessage message={shown} testId="notes-error" />
      {mfa ? (
        <div class="notice nudge" role="status" data-testid="notes-mfa">
          <p>Set up two-step verification to open session notes.</p>
          <a class="button primary" href="/account">
            Set up two-step verification
          </a>
        </div>
      ) : null}
      {loaded ? (
        <form onSubmit={onSubmit} noValidate data-testid="notes-form">
          <p class="lead" id="notes-about">
            This note is stored encrypted, and only you can read it.
          </p>
          <div class="field">
            <label for="notes-text">Your note for this session</label>
            <textarea
              id="notes-text"
              name="notes-text"
              rows={12}
              value={text}
              onInput={onInput}
              maxLength={NOTE_MAX}
              aria-describedby="notes-about notes-count"
              spellcheck={true}
              data-testid="notes-text"
            />
            <p class="hint" id="notes-count" data-testid="notes-count">
              {text.length} of {NOTE_MAX} characters
            </p>
          </div>
          <ErrorMessage message={saveError} testId="notes-save-error" />
          <div class="notes-actions">
            <SubmitButton busy={busy} busyText="Saving…" testId="notes-save">
              Save
            </SubmitButton>
            {/* "Saved at" only while the box still holds what was saved. */}
            <StatusMessage message={dirty ? '' : status} testId="notes-status" />
          </div>
        </form>
      ) : shown || mfa ? null : (
        <p role="status" class="lead">
          Loading…
        </p>
      )}
      {/* What each person confirmed at the start, for the record (read-only; the owner's). */}
      {loaded ? <SafetyPanel safety={safety} /> : null}
    </Layout>
  );
}
