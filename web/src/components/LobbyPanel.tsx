// The host's waiting room (docs/SESSIONS.md "Waiting room"): who waits and for how long,
// admit one or all, turn someone away, write to them, and lock the session so nobody new
// can wait. Guests (who came with a guest link and code) are marked as unverified.
import { useEffect, useState } from 'preact/hooks';
import type { LobbyLine, LobbyView, WaitingPerson } from '../call/waiting-room';
import { waitedFor } from '../call/waiting-room';
import { LobbyLineForm } from './LobbyLineForm';
import type { SafetyPerson } from '../api-safety';
import { SafetyDetails } from './SafetyPanel';
import { SignalingError } from '../call/signaling';

interface Props {
  lobby: LobbyView;
  lines: readonly LobbyLine[];
  onAdmit: (userIds: string[]) => Promise<void>;
  onDeny: (userId: string) => Promise<void>;
  onLock: (locked: boolean) => Promise<void>;
  onSend: (text: string, userId: string) => Promise<void>;
  /** The safety check by user id, seen before admitting (docs/SESSIONS.md). */
  safety?: ReadonlyMap<string, SafetyPerson> | undefined;
}

/** Re-renders every 30 s so that "waiting 3 min" keeps up. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(t);
  }, []);
  return now;
}

function WaitingRow({ person, lines, now, busy, run, onAdmit, onDeny, onSend, safety, showSafety }: { person: WaitingPerson; lines: readonly LobbyLine[]; now: number; busy: boolean; run: (f: () => Promise<void>) => void; safety?: SafetyPerson | undefined; showSafety: boolean } & Pick<Props, 'onAdmit' | 'onDeny' | 'onSend'>) {
  const [talking, setTalking] = useState(false);
  const name = person.displayName || 'Someone';
  const mine = lines.filter((l) => l.withUserId === person.userId);
  const unread = mine.some((l) => !l.fromHost) && !talking;
  return (
    <li class="lobby-person" data-testid="lobby-person" data-user-id={person.userId}>
      <div class="lobby-person-head">
        <span class="lobby-person-name">{name}</span>
        {person.guest ? (
          <span class="badge badge-warn" title="Came with a guest link and code, without an account" data-testid="lobby-guest">
            Unverified guest
          </span>
        ) : (
          <span class="badge" title="Signed in with a Haven account">
            Account
          </span>
        )}
        <span class="muted small">{`waiting ${waitedFor(person.since, now)}`}</span>
      </div>
      {showSafety ? <SafetyDetails person={safety} /> : null}
      <div class="lobby-person-actions">
        <button type="button" class="button primary" disabled={busy} onClick={() => run(() => onAdmit([person.userId]))} aria-label={`Admit ${name}`} data-testid="lobby-admit">
          Admit
        </button>
        <button type="button" class="button" disabled={busy} onClick={() => run(() => onDeny(person.userId))} aria-label={`Deny ${name}`} data-testid="lobby-deny">
          Deny
        </button>
        <button type="button" class="button" aria-expanded={talking} onClick={() => setTalking(!talking)} aria-label={`Message ${name}`} data-testid="lobby-message">
          Message
        </button>
        {unread ? (
          <span class="badge" data-testid="lobby-unread">
            New message
          </span>
        ) : null}
      </div>
      {talking || mine.length > 0 ? <LobbyLineForm lines={mine} to={name} onSend={(text) => onSend(text, person.userId)} idSuffix={person.userId} /> : null}
    </li>
  );
}

export function LobbyPanel({ lobby, lines, onAdmit, onDeny, onLock, onSend, safety }: Props) {
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const run = (f: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setProblem('');
    f()
      .catch((e: unknown) =>
        setProblem(
          e instanceof SignalingError && e.code === 'room_full'
            ? 'The call is full: 16 people are in it. Whoever you could not admit is still waiting; admit them when someone leaves.'
            : 'That did not work. They may have left the waiting room already.',
        ),
      )
      .finally(() => setBusy(false));
  };
  const count = lobby.waiting.length;
  return (
    <section class="card lobby-panel" aria-labelledby="lobby-heading" data-testid="lobby-panel">
      <div class="lobby-head">
        <h2 id="lobby-heading">{count === 0 ? 'Waiting room' : `Waiting room (${count})`}</h2>
        <button type="button" class="button" aria-pressed={lobby.locked} disabled={busy} onClick={() => run(() => onLock(!lobby.locked))} data-testid="lobby-lock">
          {lobby.locked ? 'Unlock session' : 'Lock session'}
        </button>
      </div>
      <p class="muted small" role="status" data-testid="lobby-status">
        {lobby.locked
          ? 'Locked: nobody new can join or wait. People you already let in can rejoin.'
          : count === 0
            ? 'Nobody is waiting. People you let in stay admitted if they reload or lose their connection.'
            : 'They cannot see or hear the session until you admit them.'}
      </p>
      {count > 0 ? (
        <>
          <ul class="lobby-list" aria-label="People waiting">
            {lobby.waiting.map((p) => (
              <WaitingRow key={p.userId} person={p} lines={lines} now={now} busy={busy} run={run} onAdmit={onAdmit} onDeny={onDeny} onSend={onSend} safety={safety?.get(p.userId)} showSafety={safety !== undefined} />
            ))}
          </ul>
          {count > 1 ? (
            <button type="button" class="button primary" disabled={busy} onClick={() => run(() => onAdmit(lobby.waiting.map((p) => p.userId)))} data-testid="lobby-admit-all">
              {`Admit all ${count}`}
            </button>
          ) : null}
        </>
      ) : null}
      {problem ? (
        <p class="error" role="alert" data-testid="lobby-error">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
