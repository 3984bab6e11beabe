// Chat and shared files in a call (docs/E2EE.md "In the call"): end-to-end encrypted over
// the room's MLS group (e2ee/chat.ts). A toggle with an unread count opens an overlay
// panel, so that the video tiles keep their place (a tile pushed out of view is no longer
// sent by the SFU). Nothing here logs, and no text, file name or key reaches a URL.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { MAX_FILE_BYTES } from '../api-files';
import { ChatError, MAX_CHAT_CHARS } from '../e2ee/chat';
import type { ChatEntry } from '../e2ee/chat';
import { saveFile } from '../save-file';

interface Props {
  entries: readonly ChatEntry[];
  /** This device is in the group (admitted); before that nothing can be sent. */
  enabled: boolean;
  /** Display names by user id (the others in the call). */
  names: Map<string, string>;
  onSend: (text: string) => Promise<void>;
  onShare: (file: File) => Promise<void>;
  fileBlob: (localId: number) => Promise<{ blob: Blob; name: string }>;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function problemText(e: unknown): string {
  const code = e instanceof ChatError || e instanceof ApiError ? e.code : '';
  switch (code) {
    case 'too_long':
      return `A message can be at most ${MAX_CHAT_CHARS} characters.`;
    case 'file_too_large':
    case 'body_too_large':
      return `That file is too large: files can be up to ${MAX_FILE_BYTES / (1024 * 1024)} MB.`;
    case 'room_files_full':
      return 'This session has no room for more files.';
    case 'rate_limited':
      return 'Too many files at once. Wait a minute and try again.';
    case 'not_member':
      return 'Chat opens once the host admits you.';
    case 'decrypt_failed':
      return 'This file could not be decrypted. Ask the sender to share it again.';
    case 'network':
      return 'We could not reach Haven. Check your connection and try again.';
    default:
      return 'That did not go through. Please try again.';
  }
}

function timeOf(at: number): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function CallChat({ entries, enabled, names, onSend, onShare, fileBlob }: Props) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [problem, setProblemText] = useState('');
  const [problemCode, setProblemCode] = useState('');
  // The code (never content) rides along for tests and support.
  const setProblem = (text: string, code = '') => {
    setProblemText(text);
    setProblemCode(code);
  };
  const fail = (e: unknown) => setProblem(problemText(e), e instanceof ChatError || e instanceof ApiError ? e.code : 'error');
  const [busy, setBusy] = useState(false);
  const [seen, setSeen] = useState(0);
  const known = useRef(new Map<string, string>());
  const toggle = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);

  // Names stay known after someone left the call.
  for (const [id, name] of names) if (name) known.current.set(id, name);
  const others = entries.filter((e) => !e.self).length;
  const unread = open ? 0 : Math.max(0, others - seen);

  useEffect(() => {
    if (open) setSeen(others);
  }, [open, others]);

  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries.length, open]);

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };

  const send = async (e: Event) => {
    e.preventDefault();
    const text = draft.trim();
    if (!enabled || text === '') return;
    setProblem('');
    setDraft('');
    try {
      await onSend(text);
    } catch (err) {
      fail(err);
    }
  };

  const picked = async () => {
    const el = fileInput.current;
    const file = el?.files?.[0];
    if (!el || !file) return;
    el.value = '';
    setProblem('');
    if (file.size > MAX_FILE_BYTES) {
      setProblem(problemText(new ChatError('file_too_large')));
      return;
    }
    setBusy(true);
    try {
      await onShare(file);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const download = async (entry: ChatEntry) => {
    setProblem('');
    try {
      const { blob, name } = await fileBlob(entry.localId);
      saveFile(blob, name);
    } catch (err) {
      fail(err);
    }
  };

  const sender = (e: ChatEntry) => (e.self ? 'You' : known.current.get(e.userId) || 'Someone in this room');

  return (
    <div class="call-chat">
      <button
        type="button"
        class="button call-chat-toggle"
        ref={toggle}
        aria-expanded={open}
        aria-controls="call-chat-panel"
        onClick={() => (open ? close() : setOpen(true))}
        data-testid="chat-toggle"
      >
        Chat
        {unread > 0 ? (
          <span class="call-chat-unread" data-testid="chat-unread">
            {' '}
            {unread}
            <span class="visually-hidden"> unread</span>
          </span>
        ) : null}
      </button>
      <section
        id="call-chat-panel"
        class="call-chat-panel"
        aria-label="Chat"
        hidden={!open}
        data-testid="chat-panel"
        onKeyDown={(e) => {
          if (e.key === 'Escape') close();
        }}
      >
        <div class="call-chat-head">
          <h2>Chat</h2>
          <button type="button" class="button call-chat-close" onClick={close} data-testid="chat-close">
            Close<span class="visually-hidden"> chat</span>
          </button>
        </div>
        <p class="muted call-chat-note">
          {enabled ? 'Encrypted end to end; only the people in this call can read it.' : 'Chat opens once the host admits you.'}
        </p>
        <ol class="call-chat-list" ref={list} aria-live="polite" aria-label="Messages" data-testid="chat-list">
          {entries.map((e) => (
            <li key={e.localId} class={e.self ? 'call-chat-own' : ''} data-testid="chat-message" data-self={e.self ? 'true' : 'false'} data-state={e.state} data-kind={e.kind}>
              <span class="call-chat-meta">
                <strong>{sender(e)}</strong>
                {e.status === 'changed' ? <span class="call-chat-flag"> · key changed — check the code</span> : null}
                {e.status === 'unverified' ? <span class="call-chat-flag"> · not verified</span> : null}
                {e.status === 'guest' ? <span class="call-chat-flag"> · unverified guest</span> : null} <span class="muted">{timeOf(e.at)}</span>
                {e.state === 'sending' ? <span class="muted"> · sending…</span> : null}
                {e.state === 'failed' ? <span class="call-chat-flag"> · not sent</span> : null}
              </span>
              {e.kind === 'chat' ? (
                <span class="call-chat-text" data-testid="chat-text">
                  {e.text}
                </span>
              ) : e.file ? (
                <span class="call-chat-file">
                  <span data-testid="chat-file-name">{e.file.name}</span> <span class="muted">({formatSize(e.file.size)})</span>{' '}
                  {e.state === 'sent' ? (
                    <button type="button" class="button call-chat-download" onClick={() => void download(e)} data-testid="chat-download">
                      Download<span class="visually-hidden"> {e.file.name}</span>
                    </button>
                  ) : null}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
        {problem ? (
          <p class="error" role="alert" data-testid="chat-error" data-code={problemCode}>
            {problem}
          </p>
        ) : null}
        <form class="call-chat-form" onSubmit={(e) => void send(e)}>
          <label for="call-chat-input" class="visually-hidden">
            Message
          </label>
          <input
            id="call-chat-input"
            ref={input}
            type="text"
            autocomplete="off"
            maxLength={MAX_CHAT_CHARS}
            placeholder={enabled ? 'Message' : 'Chat opens once the host admits you'}
            value={draft}
            disabled={!enabled}
            onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
            data-testid="chat-input"
          />
          <button type="submit" class="button primary" disabled={!enabled || draft.trim() === ''} data-testid="chat-send">
            Send
          </button>
        </form>
        <div class="call-chat-files">
          <button type="button" class="button" disabled={!enabled || busy} onClick={() => fileInput.current?.click()} data-testid="chat-share">
            {busy ? 'Sharing…' : 'Share a file'}
          </button>
          <span class="muted"> Up to {MAX_FILE_BYTES / (1024 * 1024)} MB, encrypted before it leaves this device.</span>
          <input type="file" ref={fileInput} class="visually-hidden" tabIndex={-1} aria-hidden="true" disabled={!enabled} onChange={() => void picked()} data-testid="chat-file-input" />
        </div>
      </section>
    </div>
  );
}
