import { useEffect, useRef } from 'preact/hooks';

interface PeerAudioProps {
  stream: MediaStream;
  peerId: string;
  /** Changes when the person allowed sound with a click: play with sound again. */
  soundUnlock: number;
  /** The browser refused to play sound before a click (autoplay policy). */
  onSoundBlocked: () => void;
  /** The speaker chosen before joining ('' or absent: the default output). */
  sinkId?: string | undefined;
}

/**
 * One person's sound, in an <audio> of its own that stays in place while their picture
 * moves between the grid, the large tile and the filmstrip: a moved <video> is a new
 * element, and sound played through it would stop for a moment each time the speaker
 * changes. The tiles' videos are therefore always muted.
 */
export function PeerAudio({ stream, peerId, soundUnlock, onSoundBlocked, sinkId }: PeerAudioProps) {
  const ref = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    if (audio.srcObject !== stream) audio.srcObject = stream;
    audio.muted = false;
    audio.play().catch((err: unknown) => {
      if (!(err instanceof DOMException) || err.name !== 'NotAllowedError') return;
      // Sound before any click on the page is refused: ask for a click.
      onSoundBlocked();
    });
  }, [stream, soundUnlock]);

  // Where the browser lets a page pick an output (HTMLMediaElement.setSinkId).
  useEffect(() => {
    const audio = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!audio || !sinkId || typeof audio.setSinkId !== 'function') return;
    audio.setSinkId(sinkId).catch(() => undefined);
  }, [stream, sinkId]);

  return <audio ref={ref} autoplay data-peer-id={peerId} data-testid="call-remote-audio" />;
}
