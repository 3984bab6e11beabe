// A signed-in /ws client for integration tests: it queues what it receives, and
// next(type) waits for the first queued message of that type, nextWhere(match) for any.
import assert from 'node:assert/strict';

import WebSocket from 'ws';

/** A signed-in socket that queues what it receives; next(type) waits for one of that type. */
export async function connectSocket(srv, cookie) {
  const ws = new WebSocket(`wss://localhost:${srv.port}/ws`, { origin: srv.url, headers: { cookie }, rejectUnauthorized: false });
  const queue = [];
  const waiters = [];
  ws.on('message', (data) => {
    queue.push(JSON.parse(data.toString()));
    for (const w of waiters.splice(0)) w();
  });
  const client = {
    ws,
    send: (msg) => ws.send(JSON.stringify(msg)),
    /** The first queued message for which `match` holds, waiting up to timeoutMs for one. */
    async nextWhere(match, what, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = queue.findIndex(match);
        if (i >= 0) return queue.splice(i, 1)[0];
        const left = deadline - Date.now();
        assert.ok(left > 0, `no ${what} message; got ${JSON.stringify(queue)}`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, left);
        });
      }
    },
    next(type, timeoutMs = 5000) {
      return client.nextWhere((m) => m.type === type, type, timeoutMs);
    },
    close: () => new Promise((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.on('close', resolve);
      ws.close();
    }),
  };
  await client.next('hello');
  return client;
}
