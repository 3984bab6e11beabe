// Gets a key frame to a receive video track that decodes nothing (docs/E2EE.md "In the call").
//
// Why it is needed under E2EE: the SFU starts forwarding a camera to a subscriber only at
// a key frame, and asks the publisher for one when the consumer starts, each second for
// at most ten seconds (docs/SFU.md). A publisher that is still waiting for the host has no
// SFrame key, so its worker drops those key frames; once it is admitted, the SFU has
// stopped asking and the tile stays empty until the encoder happens to send one. Likewise
// a receiver that gets its keys late drops the key frame and then has only delta frames.
//
// So while the group is secure, a video section that the page wants but that decoded no
// new frame since the last look gets a key-frame request: on Chromium's legacy path there
// is no API for it, and with RTCRtpScriptTransform the worker only asks after frames
// arrive, so both use the SFU's own rule: a consumer that resumes asks for a key frame
// (media.layers off, then the wanted layer again).
const CHECK_EVERY_MS = 2000;
const MIN_GAP_MS = 4000;

export interface KeyFrameTarget {
  /** The recv connection, or null between links. */
  pc(): RTCPeerConnection | null;
  /** Whether media can decrypt at all now (the group is secure). */
  secure(): boolean;
  /** The recv mids of live video sections (a section that never got a packet has no stats). */
  videoMids(): string[];
  /** The layer a tile wants per recv mid ('off' for hidden tiles). */
  wanted(): Record<string, string>;
  /** Sends one media.layers; answers false without a socket. */
  send(layers: Record<string, string>): boolean;
}

export class KeyFrameWatch {
  private readonly last = new Map<string, number>();
  private readonly askedAt = new Map<string, number>();
  private readonly timer: number;
  requests = 0;

  constructor(private readonly target: KeyFrameTarget) {
    this.timer = window.setInterval(() => void this.check(), CHECK_EVERY_MS);
  }

  /** Asks for a key frame on `mid` now (also what the worker's keyFrameNeeded leads to). */
  request(mid: string): void {
    const now = Date.now();
    if (now - (this.askedAt.get(mid) ?? 0) < MIN_GAP_MS) return;
    const wanted = this.target.wanted();
    const layer = wanted[mid] ?? 'high';
    if (layer === 'off') return;
    // Full sets both times, so the last media.layers still says what every tile wants.
    if (!this.target.send({ ...wanted, [mid]: 'off' })) return;
    this.askedAt.set(mid, now);
    this.requests++;
    window.setTimeout(() => {
      const now2 = this.target.wanted();
      this.target.send({ ...now2, [mid]: now2[mid] ?? layer });
    }, 200);
  }

  close(): void {
    window.clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const pc = this.target.pc();
    if (!pc || pc.signalingState === 'closed' || !this.target.secure()) return;
    const report = await pc.getStats().catch(() => null);
    if (!report) return;
    const decoded = new Map<string, number>();
    report.forEach((s: { type?: string; kind?: string; mid?: string; framesDecoded?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video' && typeof s.mid === 'string') decoded.set(s.mid, s.framesDecoded ?? 0);
    });
    const live = new Set(this.target.videoMids());
    for (const mid of live) {
      // No inbound-rtp yet: the SFU has forwarded nothing, which is the case that matters most.
      const frames = decoded.get(mid) ?? 0;
      const before = this.last.get(mid);
      this.last.set(mid, frames);
      if (before !== undefined && frames === before) this.request(mid);
    }
    for (const mid of [...this.last.keys()]) if (!live.has(mid)) this.last.delete(mid);
  }
}
