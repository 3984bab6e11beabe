import { useEffect } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { WatchTile } from '../call/useCall';

/**
 * Tells the call which recv section the <video> in `ref` shows, so its rendered size and
 * visibility choose the simulcast layer the SFU forwards (call/layers.ts). Watching starts
 * once the element exists (a stream arrived) and moves with the mid (a rejoin changes it).
 */
export function useLayerWatch(ref: RefObject<HTMLVideoElement | null>, mid: string | null | undefined, watch: WatchTile | undefined, shown: boolean): void {
  useEffect(() => {
    const video = ref.current;
    if (!video || !mid || !watch || !shown) return undefined;
    return watch(mid, video);
  }, [mid, watch, shown]);
}
