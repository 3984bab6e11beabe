// Shared by both peer connections: their configuration, one queue for SDP work, and the
// ICE watchdog that asks for an ICE restart.

/**
 * No iceServers: the SFU is ICE-lite with one host candidate the browser reaches directly
 * (docs/SFU.md "Negotiation"), so STUN/TURN would only add delay. Everything is bundled on
 * one transport with RTCP multiplexed, which is all the SFU accepts.
 */
export const PC_CONFIG: RTCConfiguration = {
  iceServers: [],
  bundlePolicy: 'max-bundle',
  rtcpMuxPolicy: 'require',
};

/**
 * Runs SDP work one piece at a time, in order. An offer/answer round touches the signaling
 * state of a connection across several awaits; two rounds interleaved would leave it in
 * have-local-offer when the other expects stable.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** A short 'disconnected' often heals by itself (Wi-Fi roaming, a busy CPU): wait this long first. */
const DISCONNECTED_GRACE_MS = 3000;
/** After a restart, try again this often while ICE has not reconnected. */
const RETRY_EVERY_MS = 10_000;

/**
 * Calls `restart` when `pc`'s ICE fails, or stays disconnected for more than 3 s, and
 * again every 10 s until it is connected; `changed` on every ICE state change. Answers
 * the function that stops watching.
 */
export function watchIce(pc: RTCPeerConnection, restart: () => void, changed: () => void): () => void {
  let grace: number | undefined;
  let retry: number | undefined;

  const broken = () => pc.iceConnectionState === 'failed' || pc.iceConnectionState === 'disconnected';
  const healthy = () => pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';

  const fire = () => {
    window.clearTimeout(retry);
    restart();
    retry = window.setTimeout(() => {
      if (!healthy() && pc.signalingState !== 'closed') fire();
    }, RETRY_EVERY_MS);
  };

  const onState = () => {
    changed();
    window.clearTimeout(grace);
    if (healthy()) window.clearTimeout(retry);
    if (pc.iceConnectionState === 'failed') fire();
    else if (pc.iceConnectionState === 'disconnected') {
      grace = window.setTimeout(() => {
        if (broken()) fire();
      }, DISCONNECTED_GRACE_MS);
    }
  };

  pc.addEventListener('iceconnectionstatechange', onState);
  return () => {
    window.clearTimeout(grace);
    window.clearTimeout(retry);
    pc.removeEventListener('iceconnectionstatechange', onState);
  };
}
