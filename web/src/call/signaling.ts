// The call's own WebSocket to /ws (docs/SIGNALING.md): requests answered by `id`, pushed
// events by `type`, and the application ping of ws.ts so a dead connection is noticed.
// A separate socket from the landing page's status socket: one socket is in at most one
// room, and closing the call must not take the page's connection status with it.
// Nothing here logs: messages carry SDP and display names.
import type { Message } from './protocol';

const PING_EVERY_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;

/** The server closes with 4001 once the session behind the socket has ended (docs/API.md). */
export const CLOSE_SIGNED_OUT = 4001;

/** A refused request: `code` is the server's error code, or `disconnected` / `timeout`. */
export class SignalingError extends Error {
  readonly code: string;
  /** The `type` of the request that failed ('' when unknown). */
  readonly requestType: string;
  constructor(code: string, requestType: string) {
    // The server's own `message` is not kept: the page words errors itself, by code.
    super(`call signaling: ${code}`);
    this.name = 'SignalingError';
    this.code = code;
    this.requestType = requestType;
  }
}

type Handler = (msg: Message) => void;

interface Pending {
  type: string;
  resolve: (msg: Message) => void;
  reject: (err: SignalingError) => void;
  timer: number;
}

export class CallSignaling {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<Handler>>();
  private pingId = 0;
  private pingTimer: number | undefined;
  private pongTimer: number | undefined;
  private closedByUs = false;
  /** Called once when the socket closes without close() (network loss, 4001, server restart). */
  onClose: ((code: number) => void) | null = null;

  /** Opens the socket; rejects with `disconnected` if it closes before opening. */
  connect(): Promise<void> {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/ws`);
    this.ws = socket;
    return new Promise((resolve, reject) => {
      let open = false;
      socket.onopen = () => {
        open = true;
        this.sendPing();
        resolve();
      };
      socket.onmessage = (ev: MessageEvent) => this.receive(ev.data);
      socket.onclose = (ev: CloseEvent) => {
        if (this.ws !== socket) return;
        this.ws = null;
        this.stopPings();
        this.failAll('disconnected');
        if (!open) reject(new SignalingError(ev.code === CLOSE_SIGNED_OUT ? 'signed_out' : 'disconnected', ''));
        else if (!this.closedByUs) this.onClose?.(ev.code);
      };
    });
  }

  /** Subscribes to server pushes of one `type` ('error' gets errors no request claimed). */
  on(type: string, handler: Handler): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  /** Sends a request and resolves with the reply carrying its id; rejects with the server's `code`. */
  request(type: string, fields: Message = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Message> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (!this.write({ ...fields, type, id })) {
        reject(new SignalingError('disconnected', type));
        return;
      }
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError('timeout', type));
      }, timeoutMs);
      this.pending.set(id, { type, resolve, reject, timer });
    });
  }

  /** Sends a message that has no reply of its own; an error for it reaches on('error'). */
  notify(type: string, fields: Message = {}): boolean {
    return this.write({ ...fields, type, id: this.nextId++ });
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Closes the socket; pending requests fail with `disconnected`; onClose is not called. */
  close(): void {
    this.closedByUs = true;
    this.stopPings();
    const s = this.ws;
    this.ws = null;
    this.failAll('disconnected');
    s?.close(1000);
  }

  private write(msg: Message): boolean {
    const s = this.ws;
    if (!s || s.readyState !== WebSocket.OPEN) return false;
    s.send(JSON.stringify(msg));
    return true;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return;
    const m = msg as Message;
    const type = typeof m.type === 'string' ? m.type : '';
    if (type === 'pong') {
      if (m.id === this.pingId) this.schedulePing();
      return;
    }
    const pending = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
    if (pending && typeof m.id === 'number') {
      this.pending.delete(m.id);
      window.clearTimeout(pending.timer);
      if (type === 'error') pending.reject(new SignalingError(typeof m.code === 'string' ? m.code : 'error', pending.type));
      else pending.resolve(m);
      return;
    }
    for (const h of this.handlers.get(type) ?? []) h(m);
  }

  private sendPing(): void {
    this.pingId = this.nextId++;
    if (!this.write({ type: 'ping', id: this.pingId })) return;
    window.clearTimeout(this.pongTimer);
    // No pong: the connection is dead even if the browser has not noticed yet. Closing a
    // dead socket can take the browser a long time, so it is given up here and now.
    this.pongTimer = window.setTimeout(() => this.lose(), PONG_TIMEOUT_MS);
  }

  private schedulePing(): void {
    window.clearTimeout(this.pongTimer);
    window.clearTimeout(this.pingTimer);
    this.pingTimer = window.setTimeout(() => this.sendPing(), PING_EVERY_MS);
  }

  private lose(): void {
    const s = this.ws;
    if (!s) return;
    this.ws = null;
    this.stopPings();
    this.failAll('disconnected');
    s.close();
    if (!this.closedByUs) this.onClose?.(1006);
  }

  private stopPings(): void {
    window.clearTimeout(this.pingTimer);
    window.clearTimeout(this.pongTimer);
  }

  private failAll(code: string): void {
    for (const [id, p] of this.pending) {
      window.clearTimeout(p.timer);
      p.reject(new SignalingError(code, p.type));
      this.pending.delete(id);
    }
  }
}
