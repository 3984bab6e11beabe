// Simulcast layer checks for call pages (docs/SIGNALING.md "Simulcast and layer choice"),
// shared by the call tests: a spy on the media.layers a page sends, a sample of its remote
// tiles (size and whether any of them shows), and whether the last message fits the tiles.
import { pollUntil } from './browser-session.mjs';

/**
 * Installed before the page's scripts (addInitScript): keeps the `layers` of every
 * media.layers the page sends, and nothing else of what goes over its sockets.
 */
export function spyOnLayerMessages() {
  window.__layersSent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string' && data.includes('"media.layers"')) {
      try {
        const m = JSON.parse(data);
        if (m.type === 'media.layers') window.__layersSent.push(m.layers);
      } catch {
        // not JSON: not ours to judge here
      }
    }
    return send.call(this, data);
  };
}

/**
 * The remote tiles (camera and screen) with their recv mid, peer, rendered height and
 * visibility, and the layers sent. A tile in the speaker layout's filmstrip shows only
 * where the strip does (it scrolls sideways); `edge` marks a tile within 2 px of a border,
 * where a pixel of rounding decides whether it shows.
 */
export function layerSample(page) {
  return page.evaluate(async () => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const tiles = [...document.querySelectorAll('[data-testid="call-remote-video"], [data-testid="call-screen-video"]')].map((v) => {
      const r = v.getBoundingClientRect();
      let clip = { left: 0, top: 0, right: vw, bottom: vh };
      const strip = v.closest('[data-testid="call-filmstrip"]');
      if (strip) {
        const s = strip.getBoundingClientRect();
        clip = { left: Math.max(0, s.left), top: Math.max(0, s.top), right: Math.min(vw, s.right), bottom: Math.min(vh, s.bottom) };
      }
      const near = (a, b) => Math.abs(a - b) <= 2;
      return {
        mid: v.dataset.mid ?? '',
        peer: v.dataset.peerId ?? '',
        inStrip: strip !== null,
        height: r.height,
        visible: r.height > 0 && r.bottom > clip.top && r.top < clip.bottom && r.right > clip.left && r.left < clip.right,
        edge: near(r.right, clip.left) || near(r.left, clip.right) || near(r.bottom, clip.top) || near(r.top, clip.bottom),
      };
    });
    const stats = await window.__havenCall.stats();
    const videoMids = stats.inbound.filter((s) => s.kind === 'video').map((s) => s.mid);
    const sent = window.__layersSent ?? [];
    return { tiles, videoMids, last: sent.at(-1) ?? null, count: sent.length };
  });
}

/** docs/SIGNALING.md "Simulcast and layer choice": the layer a tile of this height wants. */
export function expectedLayer(tile) {
  if (!tile.visible) return 'off';
  if (tile.height < 240) return 'low';
  if (tile.height < 480) return 'medium';
  return 'high';
}

/** Whether the last media.layers names only live video mids, with valid layers, matching every tile's size. */
export function layersMatch(s) {
  if (!s.last || s.tiles.length === 0) return false;
  const valid = new Set(['off', 'low', 'medium', 'high']);
  const mids = Object.keys(s.last);
  if (mids.length > 64 || !mids.every((m) => s.videoMids.includes(m) && valid.has(s.last[m]))) return false;
  // Tiles right at a threshold or a border are left out: a pixel of rounding decides them.
  const clearCut = (t) => !t.edge && [240, 480].every((h) => Math.abs(t.height - h) > 2);
  return s.tiles.every((t) => t.mid !== '' && (!clearCut(t) || s.last[t.mid] === expectedLayer(t)));
}

/** Polls until `page`'s last media.layers fits its tiles (and `also(sample)` holds); answers the sample. */
export function layersSent(page, label, { also = () => true, deadlineMs = 90_000 } = {}) {
  return pollUntil(`${label}: no media.layers matching the tiles was sent`, async () => {
    const s = await layerSample(page);
    return [layersMatch(s) && also(s), s];
  }, { deadlineMs, pollMs: 1000 });
}
