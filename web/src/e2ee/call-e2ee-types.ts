// What CallE2ee (call-e2ee.ts) shows the call client and the page: its state, the roster
// with each member's status, the counters the browser tests read. Ids and public values only.
import type { Message } from '../call/protocol';
import type { MemberStatus } from './directory';
import type { SecurityCode } from './mls/index';

export type E2eeState = 'unsupported' | 'joining' | 'waiting-for-host' | 'secure';

/** The socket the group travels on (CallSignaling). */
export interface MlsLink {
  on(type: string, handler: (msg: Message) => void): () => void;
  request(type: string, fields?: Message, timeoutMs?: number): Promise<Message>;
}

export interface RosterMember {
  userId: string;
  deviceId: string;
  leafIndex: number;
  self: boolean;
  status: MemberStatus;
  /** The device key's fingerprint, as the account page shows it ('' until computed). */
  fingerprint: string;
}

export interface E2eeCounters {
  epochs: number;
  commitsAccepted: number;
  conflicts: number;
  welcomesJoined: number;
  added: number;
  removed: number;
  messagesProcessed: number;
  errors: number;
  keysPosted: number;
}

export interface E2eeView {
  state: E2eeState;
  host: boolean;
  epoch: string | null;
  code: SecurityCode | null;
  roster: RosterMember[];
}
