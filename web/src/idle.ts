// Automatic sign-out after inactivity (HIPAA automatic logoff, ASVS V7.3).
//
// Active while a signed-in page is mounted (useSignedIn calls startIdleGuard). The server
// owns the idle clock: GET /api/me answers idle_expires_at and its own `now`, and every
// authenticated request restarts it. Here:
// - real activity (pointerdown, keydown, touchstart, scroll; never timers) is noted, and
//   when there was some since the last GET /api/me and at least min(30, idle/4) s have
//   passed, GET /api/me is called again to keep the session alive;
// - remaining time is measured against the server's `now` (a device clock that is off
//   does not matter): deadline = local time of the answer + (idle_expires_at - now);
// - from min(60, idle/2) s before the deadline a dialog counts down (IdleGuard.tsx);
// - at the deadline: DELETE /api/session (errors ignored), page data dropped by leaving
//   for /signin, which says why;
// - any API answer 401 `unauthenticated` while a signed-in page is open goes to /signin
//   the same way (session revoked, password changed elsewhere, account disabled);
// - other tabs of the same browser share the deadline and the sign-out (BroadcastChannel).
import { setUnauthenticatedListener, signOut } from './api';
import { getMeSession } from './api-account';
import type { SessionClock } from './api-account';
import { navigate } from './router';

export type SignedOutReason = 'idle' | 'ended';

export type IdleView =
  | { kind: 'none' }
  | { kind: 'warning'; secondsLeft: number; canStay: boolean }
  | { kind: 'signing-out' };

const NONE: IdleView = { kind: 'none' };
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'scroll'] as const;
const SIGN_OUT_WAIT_MS = 5000;

let holders = 0;
/** Bumped whenever the guard stops, so late answers and releases of an old run do nothing. */
let epoch = 0;
let idleSeconds = 0; // 0: the server sent no clock; only 401 answers sign out
let idleDeadline = 0; // local ms
let absoluteDeadline = Number.POSITIVE_INFINITY; // local ms
let lastTouch = 0; // local ms when the last GET /api/me was sent (or answered)
let active = false;
let activitySinceTouch = false;
let touching = false;
let ticker: number | undefined;
let channel: BroadcastChannel | null = null;
let view: IdleView = NONE;
let signedInBefore = false;
let pendingReason: SignedOutReason | null = null;
const viewers = new Set<(v: IdleView) => void>();

type ChannelMessage =
  | { type: 'clock'; idle: number; absolute: number | null; idleSeconds: number }
  | { type: 'signed-out'; reason: SignedOutReason | null };

function setView(next: IdleView): void {
  if (
    next.kind === view.kind &&
    (next.kind !== 'warning' ||
      (view.kind === 'warning' && next.secondsLeft === view.secondsLeft && next.canStay === view.canStay))
  ) {
    return;
  }
  view = next;
  for (const v of viewers) v(view);
}

/** IdleGuard.tsx: the current view and its changes. */
export function subscribeIdle(fn: (v: IdleView) => void): () => void {
  viewers.add(fn);
  fn(view);
  return () => {
    viewers.delete(fn);
  };
}

function post(msg: ChannelMessage): void {
  try {
    channel?.postMessage(msg);
  } catch {
    /* the other tabs find out at their next request */
  }
}

function touchEveryMs(): number {
  return Math.min(30, idleSeconds / 4) * 1000;
}

function warnFromMs(): number {
  return Math.min(60, idleSeconds / 2) * 1000;
}

function applyClock(c: SessionClock, broadcast = true): void {
  const base = Date.now();
  idleSeconds = c.idle_seconds;
  idleDeadline = base + (c.idle_expires_at - c.now) * 1000;
  absoluteDeadline = Number.isFinite(c.absolute_expires_at)
    ? base + (c.absolute_expires_at - c.now) * 1000
    : Number.POSITIVE_INFINITY;
  lastTouch = base;
  if (broadcast) {
    post({
      type: 'clock',
      idle: idleDeadline,
      absolute: Number.isFinite(absoluteDeadline) ? absoluteDeadline : null,
      idleSeconds,
    });
  }
  tick();
}

function tick(): void {
  if (!active || idleSeconds <= 0) return;
  const now = Date.now();
  const remaining = Math.min(idleDeadline, absoluteDeadline) - now;
  if (remaining <= 0) {
    void expire('idle');
    return;
  }
  maybeTouch(now);
  if (remaining <= warnFromMs()) {
    setView({ kind: 'warning', secondsLeft: Math.ceil(remaining / 1000), canStay: idleDeadline <= absoluteDeadline });
  } else if (view.kind === 'warning') {
    setView(NONE);
  }
}

function onActivity(): void {
  // While the warning is up only its buttons count: a stray touch is not "I am here".
  if (!active || view.kind !== 'none') return;
  activitySinceTouch = true;
  maybeTouch(Date.now());
}

function maybeTouch(now: number): void {
  if (!activitySinceTouch || touching || idleSeconds <= 0) return;
  if (now - lastTouch < touchEveryMs()) return;
  touch().catch(() => {
    /* offline: keep the local clock; a 401 is handled by onUnauthenticated */
  });
}

/**
 * A video call is activity even when nobody touches the keyboard (docs/SIGNALING.md): the
 * call page calls this every 30 s, which restarts the server's idle clock like a click
 * would (throttled the same way) and takes down a warning that was showing.
 */
export function noteCallActivity(): void {
  if (!active) return;
  if (view.kind === 'warning') setView(NONE);
  activitySinceTouch = true;
  maybeTouch(Date.now());
}

/** GET /api/me: restarts the server's idle clock and answers the new deadline. */
async function touch(): Promise<void> {
  const mine = epoch;
  activitySinceTouch = false;
  touching = true;
  lastTouch = Date.now();
  try {
    const me = await getMeSession();
    if (mine === epoch && active && me.session) applyClock(me.session);
  } finally {
    touching = false;
  }
}

function onVisible(): void {
  if (document.visibilityState === 'visible') tick();
}

function onChannel(ev: MessageEvent): void {
  const msg = ev.data as ChannelMessage | null;
  if (!active || !msg || typeof msg !== 'object') return;
  if (msg.type === 'clock' && typeof msg.idle === 'number' && msg.idle > idleDeadline) {
    // Another tab of this browser kept the (shared) session alive.
    idleSeconds = msg.idleSeconds;
    idleDeadline = msg.idle;
    absoluteDeadline = typeof msg.absolute === 'number' ? msg.absolute : Number.POSITIVE_INFINITY;
    tick();
  } else if (msg.type === 'signed-out') {
    leave(msg.reason);
  }
}

/** The server closed the live connection because the session ended (WebSocket 4001). */
export function sessionEndedByServer(): void {
  onUnauthenticated('GET', '/ws');
}

function onUnauthenticated(method: string, path: string): void {
  if (!active || (method === 'DELETE' && path === '/api/session')) return;
  const idle = idleSeconds > 0 && Date.now() >= Math.min(idleDeadline, absoluteDeadline) - 2000;
  const reason: SignedOutReason = idle ? 'idle' : 'ended';
  post({ type: 'signed-out', reason });
  leave(reason);
}

function install(): void {
  active = true;
  for (const ev of ACTIVITY_EVENTS) window.addEventListener(ev, onActivity, { capture: true, passive: true });
  document.addEventListener('visibilitychange', onVisible);
  ticker = window.setInterval(tick, 1000);
  if (typeof BroadcastChannel === 'function') {
    try {
      channel = new BroadcastChannel('haven-session');
      channel.onmessage = onChannel;
    } catch {
      channel = null;
    }
  }
  setUnauthenticatedListener(onUnauthenticated);
}

function uninstall(): void {
  epoch++;
  active = false;
  holders = 0;
  for (const ev of ACTIVITY_EVENTS) window.removeEventListener(ev, onActivity, { capture: true });
  document.removeEventListener('visibilitychange', onVisible);
  window.clearInterval(ticker);
  ticker = undefined;
  channel?.close();
  channel = null;
  setUnauthenticatedListener(null);
  idleSeconds = 0;
  idleDeadline = 0;
  absoluteDeadline = Number.POSITIVE_INFINITY;
  activitySinceTouch = false;
  touching = false;
}

/** Stops the guard and goes to /signin, which shows why (reason null: no message). */
function leave(reason: SignedOutReason | null): void {
  uninstall();
  signedInBefore = false;
  pendingReason = reason;
  setView(NONE);
  navigate('/signin', { replace: true });
  window.scrollTo(0, 0);
}

async function expire(reason: SignedOutReason | null): Promise<void> {
  if (!active) return;
  uninstall();
  // Cover the page at once; its data goes when /signin replaces it.
  setView({ kind: 'signing-out' });
  post({ type: 'signed-out', reason: reason ?? 'ended' });
  // Wait for the server to end the session, so /signin does not find it still alive.
  await Promise.race([
    signOut().catch(() => undefined),
    new Promise<void>((resolve) => window.setTimeout(resolve, SIGN_OUT_WAIT_MS)),
  ]);
  leave(reason);
}

/**
 * A signed-in page has loaded its user: start (or keep) the guard with the server's clock
 * (null from a server without one: then only 401 answers sign out). Returns the release.
 */
export function startIdleGuard(clock: SessionClock | null): () => void {
  if (!active) install();
  holders++;
  signedInBefore = true;
  pendingReason = null;
  if (clock) applyClock(clock);
  const mine = epoch;
  return () => {
    if (mine !== epoch) return;
    holders--;
    if (holders <= 0) {
      uninstall();
      setView(NONE);
    }
  };
}

/** "Stay signed in": restarts the idle clock now. Rejects when the server was not reached. */
export async function staySignedIn(): Promise<void> {
  if (!active) return;
  await touch();
}

/** "Sign out now" in the warning: like the timeout, without its message. */
export function signOutNow(): Promise<void> {
  return expire(null);
}

/** The person signed out (or out everywhere) themselves: stop, tell other tabs, no message. */
export function signedOutByChoice(): void {
  post({ type: 'signed-out', reason: 'ended' });
  uninstall();
  signedInBefore = false;
  pendingReason = null;
  setView(NONE);
}

/** useSignedIn got 401 on load: when this tab was signed in before, /signin says why. */
export function noteSessionEnded(): void {
  if (signedInBefore && !pendingReason) pendingReason = 'ended';
  signedInBefore = false;
}

/** /signin: why the person was signed out (read once), or null. */
export function takeSignedOutReason(): SignedOutReason | null {
  const r = pendingReason;
  pendingReason = null;
  return r;
}
