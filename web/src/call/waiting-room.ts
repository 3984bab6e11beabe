// The waiting room as the call page sees it (docs/SESSIONS.md "Waiting room"): the server
// keeps everyone but the host and the people the host let in out of the call. A waiting
// person gets room.waiting; the host gets room.lobby whenever who waits changes, and the
// two can exchange a line (room.lobby_message, relayed by the server, not end-to-end
// encrypted: the page says so). Message shapes are checked here; a message that does not
// fit is dropped.
import type { Message } from './protocol';

/** This page is waiting to be let in. */
export interface WaitingState {
  hostPresent: boolean;
  /** The host's name as the practice knows it ('' if unknown). */
  hostName: string;
  /** Why we wait again after being in: the host sent us back. */
  sentBack: boolean;
}

/** One person waiting, as the host sees them. */
export interface WaitingPerson {
  userId: string;
  displayName: string;
  /** Unix seconds when they began to wait. */
  since: number;
  /** How many of their tabs wait (usually 1). */
  tabs: number;
  /** Came with a guest link and code, without an account. */
  guest: boolean;
}

export interface LobbyView {
  locked: boolean;
  waiting: WaitingPerson[];
}

/** One line between the host and a waiting person. */
export interface LobbyLine {
  /** The waiting person's id: the conversation it belongs to. */
  withUserId: string;
  fromHost: boolean;
  /** The writer's name. */
  name: string;
  text: string;
  at: number;
}

/** A waiting-room line is a line or two, not a conversation (the server's limit, in bytes). */
export const LOBBY_TEXT_MAX_BYTES = 1000;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function waitingOf(m: Message): WaitingState {
  return { hostPresent: m.host_present === true, hostName: str(m.host_name), sentBack: m.reason === 'sent_back' };
}

export function lobbyOf(m: Message): LobbyView {
  const waiting: WaitingPerson[] = [];
  if (Array.isArray(m.waiting)) {
    for (const raw of m.waiting) {
      if (typeof raw !== 'object' || raw === null) continue;
      const o = raw as Message;
      const userId = str(o.user_id);
      if (!userId) continue;
      waiting.push({
        userId,
        displayName: str(o.display_name),
        since: typeof o.since === 'number' ? o.since : 0,
        tabs: typeof o.tabs === 'number' ? o.tabs : 1,
        guest: o.guest === true,
      });
    }
  }
  return { locked: m.locked === true, waiting };
}

/**
 * A room.lobby_message as a line of the conversation with a waiting person. For the host
 * that person is the sender; for the waiting page it is itself (`me`).
 */
export function lobbyLineOf(m: Message, me: string): LobbyLine | null {
  const text = str(m.text);
  const sender = str(m.user_id);
  if (!text || !sender) return null;
  const fromHost = m.from_host === true;
  return { withUserId: fromHost ? me : sender, fromHost, name: str(m.display_name), text, at: Date.now() };
}

/** "just now", "1 min", "12 min": how long someone has waited, for the host's list. */
export function waitedFor(since: number, nowMs: number): string {
  const minutes = Math.floor(Math.max(0, nowMs / 1000 - since) / 60);
  return minutes < 1 ? 'just now' : `${minutes} min`;
}

/** Whether `text` fits the server's limit (UTF-8 bytes). */
export function lobbyTextFits(text: string): boolean {
  return new TextEncoder().encode(text).length <= LOBBY_TEXT_MAX_BYTES;
}
