// One line to the other side of the waiting room (the host, or one waiting person), with
// the conversation so far. Relayed by the server without end-to-end encryption, so the
// form says what it is for: logistics, not therapy.
import { useState } from 'preact/hooks';
import { SignalingError } from '../call/signaling';
import type { LobbyLine } from '../call/waiting-room';
import { lobbyTextFits } from '../call/waiting-room';

interface Props {
  lines: readonly LobbyLine[];
  /** Who the other side is, for the label ("Message Dr Rivera"). */
  to: string;
  onSend: (text: string) => Promise<void>;
  /** Distinguishes several forms on one page (the host's, one per waiting person). */
  idSuffix: string;
}

function sendProblem(e: unknown): string {
  const code = e instanceof SignalingError ? e.code : '';
  if (code === 'host_not_here') return 'Your therapist has not joined yet, so the message was not sent. Try again when they are here.';
  if (code === 'participant_not_found') return 'They are no longer waiting, so the message was not sent.';
  return 'The message could not be sent. Check your connection and try again.';
}

export function LobbyLineForm({ lines, to, onSend, idSuffix }: Props) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState('');
  const [sending, setSending] = useState(false);
  const inputId = `lobby-line-${idSuffix}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    const words = text.trim();
    if (!words || sending) return;
    if (!lobbyTextFits(words)) {
      setProblem('Keep it short: one or two lines.');
      return;
    }
    setSending(true);
    setProblem('');
    try {
      await onSend(words);
      setText('');
    } catch (err) {
      setProblem(sendProblem(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <div class="lobby-lines">
      {lines.length > 0 ? (
        <ol class="lobby-line-list" aria-label={`Messages with ${to}`} aria-live="polite" data-testid="lobby-lines">
          {lines.map((l, i) => (
            <li key={i} class={l.fromHost ? 'lobby-line from-host' : 'lobby-line'}>
              <span class="lobby-line-name">{l.name || 'Someone'}:</span> {l.text}
            </li>
          ))}
        </ol>
      ) : null}
      <form class="lobby-line-form" onSubmit={(e) => void submit(e)}>
        <label for={inputId}>{`Message ${to}`}</label>
        <div class="lobby-line-row">
          <input id={inputId} type="text" value={text} maxLength={500} autocomplete="off" onInput={(e) => setText((e.target as HTMLInputElement).value)} data-testid="lobby-line-input" />
          <button type="submit" class="button" disabled={sending || text.trim() === ''} data-testid="lobby-line-send">
            Send
          </button>
        </div>
        <p class="muted small">Not end-to-end encrypted: use it for things like “running 5 minutes late”, not for what you will talk about.</p>
        {problem ? (
          <p class="error" role="alert" data-testid="lobby-line-error">
            {problem}
          </p>
        ) : null}
      </form>
    </div>
  );
}
