interface CallControlsProps {
  micMuted: boolean;
  cameraOff: boolean;
  /** Whether we have a microphone / camera track at all (else its button is disabled). */
  hasMic: boolean;
  hasCamera: boolean;
  /** Whether the browser can share a screen at all (else there is no such button). */
  canShare: boolean;
  sharing: boolean;
  /** The browser's screen picker is open. */
  sharePending: boolean;
  leaving: boolean;
  onMic: () => void;
  onCamera: () => void;
  onShare: () => void;
  onLeave: () => void;
}

/**
 * The call's buttons. Each says what it will do ("Mute microphone"), so the label alone
 * tells its state; no aria-pressed on top, which would read as a contradiction.
 */
export function CallControls(p: CallControlsProps) {
  return (
    <div class="call-controls" role="group" aria-label="Call controls">
      <button type="button" class="button" onClick={p.onMic} disabled={!p.hasMic} data-testid="call-mic">
        {p.micMuted ? 'Unmute microphone' : 'Mute microphone'}
      </button>
      <button type="button" class="button" onClick={p.onCamera} disabled={!p.hasCamera} data-testid="call-camera">
        {p.cameraOff ? 'Turn camera on' : 'Turn camera off'}
      </button>
      {/* Hidden, not disabled, where it can never work (most phones): nothing to explain. */}
      {p.canShare ? (
        <button type="button" class="button" onClick={p.onShare} disabled={p.sharePending} data-testid="call-share">
          {p.sharing ? 'Stop sharing' : 'Share screen'}
        </button>
      ) : null}
      <button type="button" class="button danger" onClick={p.onLeave} disabled={p.leaving} data-testid="call-leave">
        {p.leaving ? 'Leaving…' : 'Leave'}
      </button>
    </div>
  );
}
