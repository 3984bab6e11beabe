import { useEffect, useRef } from 'preact/hooks';
import type { WatchTile } from '../call/useCall';
import { useLayerWatch } from './useLayerWatch';

interface ScreenTileProps {
  stream: MediaStream;
  /** The sharer's name. */
  name: string;
  peerId: string;
  /** The recv section of the screen video, for the simulcast layer it wants. */
  mid: string | null;
  watch: WatchTile;
}

/**
 * Someone's shared screen: a tile of its own, as wide as the grid, so text on it stays
 * readable. It has no sound (screens are shared without audio), so it plays muted and
 * needs no click first.
 */
export function ScreenTile({ stream, name, peerId, mid, watch }: ScreenTileProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useLayerWatch(ref, mid, watch, true);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    if (video.srcObject !== stream) video.srcObject = stream;
    // The property, not just the attribute: only a muted play() is allowed before a click.
    video.muted = true;
    video.play().catch(() => undefined);
  }, [stream]);

  return (
    <li class="call-tile call-tile-screen" data-testid="call-screen" data-peer-id={peerId}>
      <video
        ref={ref}
        autoplay
        playsinline
        muted
        data-peer-id={peerId}
        data-mid={mid ?? undefined}
        data-testid="call-screen-video"
        aria-hidden="true"
      />
      <p class="call-tile-label">
        <span data-testid="call-screen-name">{`${name}'s screen`}</span>
      </p>
    </li>
  );
}
