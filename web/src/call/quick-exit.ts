// Quick exit (docs/SESSIONS.md): for a patient who must hide the session at once (someone
// walks in). One button, or Escape twice within a second and a half, on the call page:
// - the call stops without waiting for anything (camera and microphone off, socket closed);
// - the sign-in session is ended in the background (keepalive lets the request outlive the
//   page), so going back shows the sign-in page, not the person's home page;
// - the page is replaced by a neutral one with location.replace, which takes the call page
//   out of the tab's back history instead of adding a new entry after it.
export const NEUTRAL_PAGE = '/forecast.html';
const DOUBLE_ESCAPE_MS = 1500;

export function quickExit(stopCall: () => void): void {
  try {
    stopCall();
  } catch {
    // leaving must never be held up
  }
  try {
    void fetch('/api/session', { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(() => undefined);
  } catch {
    // as above
  }
  window.location.replace(NEUTRAL_PAGE);
}

/** Calls `onExit` when Escape is pressed twice in a row within DOUBLE_ESCAPE_MS; answers the function that stops listening. */
export function listenForDoubleEscape(onExit: () => void): () => void {
  let last = -Infinity;
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') {
      last = -Infinity;
      return;
    }
    const now = performance.now();
    if (now - last <= DOUBLE_ESCAPE_MS) {
      onExit();
      return;
    }
    last = now;
  };
  window.addEventListener('keydown', onKey, true);
  return () => window.removeEventListener('keydown', onKey, true);
}
