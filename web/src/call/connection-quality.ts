// The connection quality indicator of the call page (issue 7 "In the call"): Good, Fair or
// Poor from what the browser measures itself (getStats): the round-trip time of the ICE
// candidate pair in use and the share of packets lost since the last look, on both
// connections. Pure functions of the samples, so they are unit-tested in node
// (tests/web/quality.test.mjs); call-client.ts feeds them every few seconds.

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

/** What one look at a connection's stats gives. */
export interface QualitySample {
  /** Seconds, of the nominated candidate pair; null when not known yet. */
  rttSeconds: number | null;
  /** Totals so far over every inbound stream (received packets and packets lost). */
  packetsReceived: number;
  packetsLost: number;
}

/**
 * Bands as interactive-voice guidance puts them (ITU-T G.114: one-way delay under 150 ms is
 * fine, over 400 ms is not; Opus and VP8 hide a few percent of loss, not a tenth).
 */
const GOOD_RTT_S = 0.3;
const FAIR_RTT_S = 0.8;
const GOOD_LOSS = 0.02;
const FAIR_LOSS = 0.08;

/** Loss between two samples (0 when nothing arrived in between). */
export function lossBetween(before: QualitySample | null, now: QualitySample): number {
  const received = now.packetsReceived - (before?.packetsReceived ?? 0);
  const lost = Math.max(0, now.packetsLost - (before?.packetsLost ?? 0));
  return received + lost > 0 ? lost / (received + lost) : 0;
}

/** The quality of one connection from its latest round trip and its recent loss. */
export function qualityOf(rttSeconds: number | null, loss: number): Quality {
  if (rttSeconds === null) return 'unknown';
  if (rttSeconds <= GOOD_RTT_S && loss <= GOOD_LOSS) return 'good';
  if (rttSeconds <= FAIR_RTT_S && loss <= FAIR_LOSS) return 'fair';
  return 'poor';
}

const RANK: Record<Quality, number> = { unknown: 0, good: 1, fair: 2, poor: 3 };

/** The call is as good as its worse connection (unknown only when both are). */
export function worse(a: Quality, b: Quality): Quality {
  return RANK[a] >= RANK[b] ? a : b;
}

type StatsLike = { forEach(cb: (value: Record<string, unknown>) => void): void };
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** One sample from a getStats() report: the nominated pair's RTT, inbound packet totals. */
export function sampleOf(report: StatsLike): QualitySample {
  let rtt: number | null = null;
  let received = 0;
  let lost = 0;
  report.forEach((s) => {
    if (s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded' && typeof s.currentRoundTripTime === 'number') {
      rtt = s.currentRoundTripTime;
    } else if (s.type === 'inbound-rtp') {
      received += num(s.packetsReceived);
      lost += num(s.packetsLost);
    }
  });
  return { rttSeconds: rtt, packetsReceived: received, packetsLost: lost };
}

/** Words for the indicator. */
export const QUALITY_TEXT: Record<Quality, string> = {
  good: 'Connection: good',
  fair: 'Connection: fair',
  poor: 'Connection: poor — video may freeze',
  unknown: 'Connection: checking…',
};
