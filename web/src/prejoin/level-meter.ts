// The microphone level for the pre-join meter: a Web Audio AnalyserNode on the preview's
// audio track, read ten times a second. Nothing is recorded or sent; the audio graph has
// no output, so the person never hears themselves.
import { useEffect, useState } from 'preact/hooks';

const READ_EVERY_MS = 100;
/** Loud speech is around 0.3 RMS; scaled so talking fills most of the meter. */
const GAIN = 3;

type AudioContextCtor = typeof AudioContext;

function audioContextClass(): AudioContextCtor | null {
  const w = window as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

/** The root mean square of the analyser's current time-domain samples, 0–1. */
function rms(analyser: AnalyserNode, buf: Float32Array<ArrayBuffer>): number {
  analyser.getFloatTimeDomainData(buf);
  let sum = 0;
  for (const v of buf) sum += v * v;
  return Math.sqrt(sum / buf.length);
}

export interface Level {
  /** 0 (silence) to 1 (loud), smoothed a little so the bar does not flicker. */
  level: number;
  /** The browser will not run audio before a click or key press on the page. */
  waitingForClick: boolean;
  /** Whether a meter can be shown at all (a microphone and Web Audio). */
  available: boolean;
}

/** Follows the loudness of `stream`'s microphone while it is live. */
export function useMicLevel(stream: MediaStream | null): Level {
  const [level, setLevel] = useState(0);
  const [waitingForClick, setWaiting] = useState(false);
  const track = stream?.getAudioTracks()[0] ?? null;
  const Ctx = audioContextClass();
  const available = track !== null && Ctx !== null;

  useEffect(() => {
    setLevel(0);
    if (!track || !Ctx) return undefined;
    let ctx: AudioContext;
    try {
      ctx = new Ctx();
    } catch {
      return undefined;
    }
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let smoothed = 0;
    const timer = window.setInterval(() => {
      if (ctx.state !== 'running') return;
      const now = Math.min(1, rms(analyser, buf) * GAIN);
      // Rises at once, falls gently.
      smoothed = now > smoothed ? now : smoothed * 0.7 + now * 0.3;
      setLevel(Math.round(smoothed * 100) / 100);
    }, READ_EVERY_MS);

    // Autoplay rules may hold the context until the person clicks or presses a key.
    const resume = () => {
      void ctx.resume().then(() => setWaiting(ctx.state !== 'running'), () => undefined);
    };
    const onState = () => setWaiting(ctx.state === 'suspended');
    ctx.addEventListener('statechange', onState);
    document.addEventListener('pointerdown', resume, true);
    document.addEventListener('keydown', resume, true);
    resume();
    onState();

    return () => {
      window.clearInterval(timer);
      document.removeEventListener('pointerdown', resume, true);
      document.removeEventListener('keydown', resume, true);
      ctx.removeEventListener('statechange', onState);
      source.disconnect();
      void ctx.close().catch(() => undefined);
    };
  }, [track, Ctx]);

  return { level, waitingForClick, available };
}
