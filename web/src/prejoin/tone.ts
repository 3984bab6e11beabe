// The speaker test: a short, soft generated tone (two notes, like a door chime) played
// through the chosen output. Web Audio makes the sound; an <audio> element plays it, since
// HTMLMediaElement.setSinkId is how a page picks an output where the browser allows it.
// Started by a click, so autoplay rules let it sound.
import { canChooseSpeaker } from './support';

const NOTES_HZ = [660, 880];
const NOTE_S = 0.35;
const VOLUME = 0.2;

type SinkElement = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/**
 * Plays the tone through `speakerId` ('' for the default output); resolves when it has
 * finished. Rejects if the output cannot be used (unplugged, or not allowed).
 */
export async function playTestTone(speakerId: string): Promise<void> {
  const w = window as unknown as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext };
  const Ctx = w.AudioContext ?? w.webkitAudioContext;
  if (!Ctx) throw new Error('no_web_audio');
  const ctx = new Ctx();
  const dest = ctx.createMediaStreamDestination();
  const audio: SinkElement = new Audio();
  try {
    const start = ctx.currentTime + 0.05;
    NOTES_HZ.forEach((hz, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = hz;
      const t = start + i * NOTE_S;
      // A quick fade in and out: no clicks.
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(VOLUME, t + 0.03);
      gain.gain.linearRampToValueAtTime(0, t + NOTE_S);
      osc.connect(gain).connect(dest);
      osc.start(t);
      osc.stop(t + NOTE_S);
    });
    audio.srcObject = dest.stream;
    if (speakerId && canChooseSpeaker() && audio.setSinkId) await audio.setSinkId(speakerId);
    await ctx.resume();
    await audio.play();
    await new Promise((r) => window.setTimeout(r, (NOTES_HZ.length * NOTE_S + 0.2) * 1000));
  } finally {
    audio.pause();
    audio.srcObject = null;
    void ctx.close().catch(() => undefined);
  }
}
