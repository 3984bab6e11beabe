import { useEffect, useRef, useState } from 'preact/hooks';
import type { WatchTile } from '../call/useCall';
import { useLayerWatch } from './useLayerWatch';

interface VideoTileProps {
  stream: MediaStream | null;
  /** The person's name, or "You". */
  label: string;
  /** Our own preview: mirrored like a mirror (and, like every tile, silent). */
  self?: boolean;
  /** The publisher's peer id (remote tiles), as data-peer-id on the <video>. */
  peerId?: string;
  /** The recv section of the video (remote tiles), for the simulcast layer it wants. */
  mid?: string | null;
  watch?: WatchTile;
  cameraOff: boolean;
  micMuted: boolean;
  speaking?: boolean;
  /** Pin or unpin this person (remote tiles): a pinned person stays large in the speaker layout. */
  onPin?: (() => void) | undefined;
  pinned?: boolean;
  /** The host's control: take this person out of the call (asked to confirm first). */
  onRemove?: (() => Promise<void>) | undefined;
  /** The host's control while this person's microphone is off: ask them to turn it on. */
  onAskUnmute?: (() => Promise<void>) | undefined;
  /** The host's control: move this person back to the waiting room (no confirmation: it is undone by admitting them). */
  onSendBack?: (() => Promise<void>) | undefined;
  /** The host's control: a private check-in with this person (docs/SESSIONS.md), undone by "Bring everyone back". */
  onCheckIn?: (() => Promise<void>) | undefined;
}

/** A host's button that runs `action` once at a time (disabled while it runs). */
function BusyButton({ action, label, testId, children }: { action: () => Promise<void>; label: string; testId: string; children: string }) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class="button" disabled={busy} aria-label={label} onClick={() => void run()} data-testid={testId}>
      {children}
    </button>
  );
}

/**
 * One person in the call: a <video> with their name. Their sound plays elsewhere
 * (PeerAudio.tsx), so the video is always muted and may be moved between layouts freely.
 * Without a stream yet (the SFU has not forwarded anything) only the name shows.
 */
export function VideoTile({ stream, label, self = false, peerId, mid, watch, cameraOff, micMuted, speaking = false, onPin, pinned = false, onRemove, onSendBack, onAskUnmute, onCheckIn }: VideoTileProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [asked, setAsked] = useState(false);
  const askUnmute = async () => {
    if (!onAskUnmute || asked) return;
    setAsked(true);
    try {
      await onAskUnmute();
    } catch {
      setAsked(false);
    }
  };
  // A new mute is a new question.
  useEffect(() => {
    if (!micMuted) setAsked(false);
  }, [micMuted]);
  const confirmRemove = async () => {
    if (!onRemove || removing) return;
    setRemoving(true);
    try {
      await onRemove();
    } finally {
      setRemoving(false);
      setConfirming(false);
    }
  };
  useLayerWatch(ref, mid, watch, stream !== null);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    if (video.srcObject !== stream) video.srcObject = stream;
    if (!stream) return;
    // The property, not just the attribute: only a muted play() is allowed before a click.
    video.muted = true;
    video.play().catch(() => undefined);
  }, [stream]);

  const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
  const states = [cameraOff || (stream && !hasVideo) ? 'camera off' : '', micMuted ? 'microphone off' : ''].filter(Boolean);
  const cls = ['call-tile', self ? 'call-self' : '', speaking ? 'call-tile-speaking' : '', pinned ? 'call-tile-pinned' : ''].filter(Boolean).join(' ');

  return (
    <li class={cls} data-testid={self ? 'call-self' : 'call-peer'} data-peer-id={peerId}>
      {stream ? (
        <video
          ref={ref}
          autoplay
          playsinline
          muted
          data-peer-id={peerId}
          data-mid={mid ?? undefined}
          data-testid={self ? 'call-self-video' : 'call-remote-video'}
          aria-hidden="true"
        />
      ) : (
        <p class="call-tile-waiting" data-testid="call-peer-waiting">
          Connecting…
        </p>
      )}
      {cameraOff || (stream && !hasVideo) ? <p class="call-tile-off" aria-hidden="true">Camera off</p> : null}
      <p class="call-tile-label">
        <span data-testid="call-tile-name">{label}</span>
        {states.length ? <span class="call-tile-state">{` · ${states.join(', ')}`}</span> : null}
        {speaking ? <span class="visually-hidden"> · speaking</span> : null}
        {pinned ? <span class="call-tile-state"> · pinned</span> : null}
      </p>
      {onPin ? (
        <button
          type="button"
          class="button call-tile-pin"
          aria-label={pinned ? `Unpin ${label}` : `Pin ${label}`}
          onClick={onPin}
          data-testid="call-pin"
        >
          {pinned ? 'Unpin' : 'Pin'}
        </button>
      ) : null}
      {onRemove ? (
        <div class="call-tile-actions">
          {confirming ? (
            <>
              <button type="button" class="button danger" disabled={removing} onClick={() => void confirmRemove()} data-testid="call-remove-confirm">
                {`Remove ${label}`}
              </button>
              <button type="button" class="button" onClick={() => setConfirming(false)} data-testid="call-remove-cancel">
                Cancel
              </button>
            </>
          ) : (
            <>
              {onAskUnmute && micMuted ? (
                <button type="button" class="button" disabled={asked} aria-label={`${asked ? 'Asked to unmute' : 'Ask to unmute'}: ${label}`} onClick={() => void askUnmute()} data-testid="call-ask-unmute">
                  {asked ? 'Asked to unmute' : 'Ask to unmute'}
                </button>
              ) : null}
              {onSendBack ? (
                <BusyButton action={onSendBack} label={`To waiting room: move ${label} back`} testId="call-send-back">
                  To waiting room
                </BusyButton>
              ) : null}
              {onCheckIn ? (
                <BusyButton action={onCheckIn} label={`Private check-in with ${label}: the two of you in a room of your own`} testId="call-check-in">
                  Private check-in
                </BusyButton>
              ) : null}
              <button type="button" class="button" aria-label={`Remove ${label} from the call`} onClick={() => setConfirming(true)} data-testid="call-remove">
                Remove
              </button>
            </>
          )}
        </div>
      ) : null}
    </li>
  );
}
