// Server connection status over the authenticated WebSocket (/ws).
// Sends an application ping on connect and periodically; "Connected" means a pong came back.
import { useEffect, useState } from 'preact/hooks';

export type WsStatus = 'connecting' | 'connected' | 'offline' | 'signed-out';

// The server closes with 4001 once the session behind the socket has ended (docs/API.md):
// reconnecting would only be refused, so the page goes to sign-in instead.
const CLOSE_SIGNED_OUT = 4001;

const PING_EVERY_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

export function useServerConnection(enabled: boolean): WsStatus {
  const [status, setStatus] = useState<WsStatus>('connecting');

  useEffect(() => {
    if (!enabled) return undefined;
    let stopped = false;
    let ws: WebSocket | null = null;
    let attempt = 0;
    let reconnectTimer: number | undefined;
    let pingTimer: number | undefined;
    let pongTimer: number | undefined;

    const clearTimers = () => {
      window.clearTimeout(reconnectTimer);
      window.clearTimeout(pingTimer);
      window.clearTimeout(pongTimer);
    };

    const connect = () => {
      if (stopped) return;
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const socket = new WebSocket(`${scheme}//${location.host}/ws`);
      ws = socket;
      let nextId = 1;
      let awaiting = 0;

      const sendPing = () => {
        if (socket.readyState !== WebSocket.OPEN) return;
        awaiting = nextId++;
        socket.send(JSON.stringify({ type: 'ping', id: awaiting }));
        window.clearTimeout(pongTimer);
        pongTimer = window.setTimeout(() => socket.close(), PONG_TIMEOUT_MS);
      };

      socket.onopen = () => sendPing();
      socket.onmessage = (ev: MessageEvent) => {
        if (typeof ev.data !== 'string') return;
        let msg: unknown;
        try {
          msg = JSON.parse(ev.data);
        } catch {
          return;
        }
        const m = msg as { type?: unknown; id?: unknown };
        if (m.type === 'pong' && m.id === awaiting) {
          awaiting = 0;
          attempt = 0;
          window.clearTimeout(pongTimer);
          if (!stopped) setStatus('connected');
          window.clearTimeout(pingTimer);
          pingTimer = window.setTimeout(sendPing, PING_EVERY_MS);
        }
      };
      socket.onclose = (ev: CloseEvent) => {
        if (ws !== socket) return;
        ws = null;
        clearTimers();
        if (stopped) return;
        if (ev.code === CLOSE_SIGNED_OUT) {
          stopped = true;
          setStatus('signed-out');
          return;
        }
        setStatus('offline');
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
        attempt++;
        reconnectTimer = window.setTimeout(connect, delay);
      };
    };

    const onOnline = () => {
      if (!ws && !stopped) {
        window.clearTimeout(reconnectTimer);
        attempt = 0;
        connect();
      }
    };

    window.addEventListener('online', onOnline);
    connect();
    return () => {
      stopped = true;
      window.removeEventListener('online', onOnline);
      clearTimers();
      const s = ws;
      ws = null;
      s?.close(1000);
    };
  }, [enabled]);

  return status;
}
