import { useState } from 'preact/hooks';
import type { CallLayout } from '../call/speaker-layout';
import { LayoutSwitch } from './LayoutSwitch';

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
  /** The host only: end the session for everyone (asked to confirm first). */
  onEndForAll?: (() => Promise<void>) | undefined;
  /** Grid or speaker (LayoutSwitch.tsx). */
  layout: CallLayout;
  onLayout: (layout: CallLayout) => void;
}

/**
 * The call's buttons. Each says what it will do ("Mute microphone"), so the label alone
 * tells its state; no aria-pressed on top, which would read as a contradiction. The layout
 * is a choice between two, not an action: a radio group (LayoutSwitch.tsx).
 */
export function CallControls(p: CallControlsProps) {
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const [ending, setEnding] = useState(false);
  const endForAll = async () => {
    if (!p.onEndForAll || ending) return;
    setEnding(true);
    try {
      await p.onEndForAll();
    } finally {
      setEnding(false);
      setConfirmingEnd(false);
    }
  };
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
      <LayoutSwitch layout={p.layout} onChange={p.onLayout} />
      <button type="button" class="button danger" onClick={p.onLeave} disabled={p.leaving} data-testid="call-leave">
        {p.leaving ? 'Leaving…' : 'Leave'}
      </button>
      {p.onEndForAll && !confirmingEnd ? (
        <button type="button" class="button danger" onClick={() => setConfirmingEnd(true)} disabled={p.leaving} data-testid="call-end-all">
          End for everyone
        </button>
      ) : null}
      {p.onEndForAll && confirmingEnd ? (
        <>
          <button type="button" class="button danger" onClick={() => void endForAll()} disabled={ending} data-testid="call-end-all-confirm">
            {ending ? 'Ending…' : 'End the session for everyone'}
          </button>
          <button type="button" class="button" onClick={() => setConfirmingEnd(false)} data-testid="call-end-all-cancel">
            Keep the session going
          </button>
        </>
      ) : null}
    </div>
  );
}
