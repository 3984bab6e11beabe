// Which simulcast layer each remote video needs (docs/SIGNALING.md "Simulcast and layer
// choice"), from how its tile is shown: the rendered height picks low / medium / high,
// a tile outside the viewport wants nothing. The SFU is told with media.layers only when
// a wish changed, after the layout settles (a window being dragged to a new size fires
// many resizes), and at most once a second.
import type { Layer } from './protocol';

/** Quiet time after the last change before telling the SFU. */
const DEBOUNCE_MS = 300;
/** At least this long between two media.layers. */
const MIN_GAP_MS = 1000;
/** The SFU takes at most this many mids per message. */
const MAX_MIDS = 64;

/** The doc's thresholds, in CSS pixels of rendered height. */
export function layerForHeight(height: number): Layer {
  if (height <= 0) return 'off';
  if (height < 240) return 'low';
  if (height < 480) return 'medium';
  return 'high';
}

interface Watched {
  mid: string;
  /** null until the observer's first report. */
  height: number | null;
  visible: boolean | null;
}

export class LayerPreferences {
  private readonly watched = new Map<Element, Watched>();
  /** What the SFU was last told, per mid (empty: nothing yet on this connection). */
  private sent = new Map<string, Layer>();
  private lastSentAt = -Infinity;
  private timer: number | undefined;
  private readonly resize: ResizeObserver | null;
  private readonly intersect: IntersectionObserver | null;

  /** `send` delivers one media.layers; it answers false when it could not (no socket). */
  constructor(private readonly send: (layers: Record<string, Layer>) => boolean) {
    // Without the observers (very old browsers) nothing is said: the SFU sends `high`.
    this.resize =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver((entries) => {
            for (const e of entries) this.update(e.target, { height: e.contentRect.height });
          })
        : null;
    this.intersect =
      typeof IntersectionObserver === 'function'
        ? new IntersectionObserver((entries) => {
            for (const e of entries) this.update(e.target, { visible: e.isIntersecting });
          })
        : null;
  }

  /** Follows the tile `el` showing the recv section `mid`; answers the function that stops. */
  watch(mid: string, el: Element): () => void {
    this.watched.set(el, { mid, height: null, visible: null });
    this.resize?.observe(el);
    this.intersect?.observe(el);
    return () => {
      this.resize?.unobserve(el);
      this.intersect?.unobserve(el);
      this.watched.delete(el);
      // A tile gone is no wish changed: the SFU drops a closed section's choice itself.
    };
  }

  /** A new signaling connection (a rejoin): the SFU knows nothing, so say it all again. */
  reset(): void {
    this.sent = new Map();
    this.schedule();
  }

  /** Current wishes, by mid: the largest of the tiles that show it (a mid is shown once today). */
  wanted(): Record<string, Layer> {
    const rank: Layer[] = ['off', 'low', 'medium', 'high'];
    const out: Record<string, Layer> = {};
    for (const w of this.watched.values()) {
      if (w.height === null || w.visible === null) continue; // not measured yet
      const layer = w.visible ? layerForHeight(w.height) : 'off';
      const had = out[w.mid];
      if (!had || rank.indexOf(layer) > rank.indexOf(had)) out[w.mid] = layer;
    }
    return out;
  }

  close(): void {
    window.clearTimeout(this.timer);
    this.resize?.disconnect();
    this.intersect?.disconnect();
    this.watched.clear();
  }

  private update(el: Element, change: Partial<Pick<Watched, 'height' | 'visible'>>): void {
    const w = this.watched.get(el);
    if (!w) return;
    if (change.height !== undefined) w.height = change.height;
    if (change.visible !== undefined) w.visible = change.visible;
    this.schedule();
  }

  private schedule(): void {
    window.clearTimeout(this.timer);
    const wait = Math.max(DEBOUNCE_MS, this.lastSentAt + MIN_GAP_MS - performance.now());
    this.timer = window.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    const wanted = this.wanted();
    const mids = Object.keys(wanted).slice(0, MAX_MIDS);
    if (!mids.some((mid) => this.sent.get(mid) !== wanted[mid])) return;
    // The whole current set, not just the change: right whether the SFU reads it as a
    // replacement or as an update.
    const layers: Record<string, Layer> = {};
    for (const mid of mids) layers[mid] = wanted[mid] as Layer;
    if (!this.send(layers)) return; // no socket: reset() follows the rejoin
    this.lastSentAt = performance.now();
    this.sent = new Map(Object.entries(layers));
  }
}
