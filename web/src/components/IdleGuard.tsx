import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { signOutNow, staySignedIn, subscribeIdle } from '../idle';
import type { IdleView } from '../idle';

function seconds(n: number): string {
  return n === 1 ? '1 second' : `${n} seconds`;
}

/**
 * The inactivity warning (a modal alertdialog, focus on "Stay signed in") and the cover
 * shown while an expired session is being signed out. Mounted once, next to <App/>;
 * idle.ts decides when it shows.
 */
export function IdleGuard() {
  const [view, setView] = useState<IdleView>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const stay = useRef<HTMLButtonElement>(null);
  const signOutButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<Element | null>(null);

  useEffect(() => subscribeIdle(setView), []);

  const open = view.kind === 'warning';
  const canStay = view.kind === 'warning' && view.canStay;

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      returnFocus.current = document.activeElement;
      setError('');
      setBusy(false);
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
      (stay.current ?? signOutButton.current)?.focus();
    } else if (!open && d.open) {
      if (typeof d.close === 'function') d.close();
      else d.removeAttribute('open');
      const back = returnFocus.current;
      returnFocus.current = null;
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    }
  }, [open]);

  const onStay = async () => {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      await staySignedIn();
    } catch (err) {
      setError(messageOf(err));
      stay.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const onSignOut = () => {
    void signOutNow();
  };

  // Escape means "I am here" when staying is possible; otherwise it does nothing.
  const onCancel = (e: Event) => {
    e.preventDefault();
    if (canStay) void onStay();
  };

  return (
    <>
      <dialog
        ref={dialog}
        class="idle-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-text"
        onCancel={onCancel}
        data-testid="idle-warning"
      >
        <h2 id="idle-title">Are you still there?</h2>
        <p id="idle-text" data-testid="idle-countdown">
          {view.kind === 'warning'
            ? `${view.canStay ? '' : 'Your session has reached its time limit. '}For your privacy you will be signed out in ${seconds(view.secondsLeft)}.`
            : ''}
        </p>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <div class="dialog-actions">
          {canStay ? (
            <button
              type="button"
              ref={stay}
              class="button primary"
              onClick={onStay}
              disabled={busy}
              data-testid="idle-stay"
            >
              {busy ? 'One moment…' : 'Stay signed in'}
            </button>
          ) : null}
          <button type="button" ref={signOutButton} class="button" onClick={onSignOut} data-testid="idle-signout">
            Sign out now
          </button>
        </div>
      </dialog>
      {view.kind === 'signing-out' ? (
        <div class="idle-cover" role="status" data-testid="idle-signing-out">
          <p>Signing you out…</p>
        </div>
      ) : null}
    </>
  );
}
