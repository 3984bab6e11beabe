interface CallControlsProps {
  micMuted: boolean;
  cameraOff: boolean;
  /** Whether we have a microphone / camera track at all (else its button is disabled). */
  hasMic: boolean;
  hasCamera: boolean;
  leaving: boolean;
  onMic: () => void;
  onCamera: () => void;
  onLeave: () => void;
}

/**
 * The call's buttons. Each says what it will do ("Mute microphone"), so the label alone
 * tells its state; no aria-pressed on top, which would read as a contradiction.
 */
export function CallControls({ micMuted, cameraOff, hasMic, hasCamera, leaving, onMic, onCamera, onLeave }: CallControlsProps) {
  return (
    <div class="call-controls" role="group" aria-label="Call controls">
      <button type="button" class="button" onClick={onMic} disabled={!hasMic} data-testid="call-mic">
        {micMuted ? 'Unmute microphone' : 'Mute microphone'}
      </button>
      <button type="button" class="button" onClick={onCamera} disabled={!hasCamera} data-testid="call-camera">
        {cameraOff ? 'Turn camera on' : 'Turn camera off'}
      </button>
      <button type="button" class="button danger" onClick={onLeave} disabled={leaving} data-testid="call-leave">
        {leaving ? 'Leaving…' : 'Leave'}
      </button>
    </div>
  );
}
