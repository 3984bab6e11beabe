// The device test before a call: camera preview, microphone level, speaker test, and the
// choice of camera, microphone and speaker, with the browser's noise suppression (on
// unless turned off). Device labels only appear once the browser allows the camera.
import { useEffect, useRef, useState } from 'preact/hooks';
import { deviceOf } from '../prejoin/devices';
import type { DeviceOption, Preview } from '../prejoin/devices';
import { useMicLevel } from '../prejoin/level-meter';
import { DEFAULT_SPEAKER_TEXT, NO_CAPTURE_TEXT, canCapture, canChooseSpeaker, previewProblemText } from '../prejoin/support';
import { playTestTone } from '../prejoin/tone';
import { SelectField } from './Field';

export interface DeviceChoices {
  cameraId: string;
  microphoneId: string;
  speakerId: string;
  noiseSuppression: boolean;
}

interface PreJoinDevicesProps {
  preview: Preview;
  choices: DeviceChoices;
  onChange: (next: Partial<DeviceChoices>) => void;
}

/** A select of devices, or a line saying there are none. */
function DeviceSelect(props: { id: string; label: string; none: string; value: string; options: DeviceOption[]; onChange: (id: string) => void }) {
  if (props.options.length === 0) {
    return (
      <p class="muted" data-testid={`${props.id}-none`}>
        {props.none}
      </p>
    );
  }
  return <SelectField id={props.id} label={props.label} value={props.value} options={props.options} onChange={props.onChange} testId={props.id} />;
}

function SpeakerTest({ speakerId }: { speakerId: string }) {
  const [state, setState] = useState<'idle' | 'playing' | 'played' | 'failed'>('idle');
  const onTest = async () => {
    if (state === 'playing') return;
    setState('playing');
    try {
      await playTestTone(speakerId);
      setState('played');
    } catch {
      setState('failed');
    }
  };
  const said = {
    idle: '',
    playing: 'Playing a short chime…',
    played: 'Did you hear a two-note chime? If not, check the volume or choose another speaker.',
    failed: 'The chime could not be played on that speaker. Choose another one, or check that it is connected.',
  }[state];
  return (
    <div class="prejoin-speaker">
      <button type="button" class="button" onClick={() => void onTest()} disabled={state === 'playing'} data-testid="prejoin-speaker-test">
        Play a test sound
      </button>
      <p class="hint" role="status" data-testid="prejoin-speaker-status">
        {said}
      </p>
    </div>
  );
}

export function PreJoinDevices({ preview, choices, onChange }: PreJoinDevicesProps) {
  const video = useRef<HTMLVideoElement>(null);
  const { stream, error, starting, devices } = preview;
  const mic = useMicLevel(stream);
  const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
  const hasAudio = (stream?.getAudioTracks().length ?? 0) > 0;

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (stream) el.play().catch(() => undefined);
  }, [stream, hasVideo]);

  // The selects show what is in use when the person has not chosen yet.
  const cameraId = choices.cameraId || deviceOf(stream, 'video');
  const microphoneId = choices.microphoneId || deviceOf(stream, 'audio');
  const speakers = canChooseSpeaker() ? devices.speakers : [];
  const problem = !canCapture() ? NO_CAPTURE_TEXT : error ? previewProblemText(error, hasAudio) : '';

  return (
    <section class="card prejoin-devices" aria-labelledby="prejoin-devices-heading" data-testid="prejoin-devices">
      <h2 id="prejoin-devices-heading">Check your camera and sound</h2>
      <div class="prejoin-preview call-self" data-testid="prejoin-preview">
        {hasVideo ? (
          <video ref={video} autoplay playsinline muted aria-label="Your camera preview" data-testid="prejoin-video" />
        ) : (
          <p class="call-tile-off" data-testid="prejoin-no-video">
            {starting ? 'Starting your camera…' : 'No camera picture'}
          </p>
        )}
      </div>
      {problem ? (
        <div class="notice prejoin-problem" role="alert" data-testid="prejoin-problem">
          <p>{problem}</p>
          {canCapture() ? (
            <button type="button" class="button" onClick={preview.retry} data-testid="prejoin-retry">
              Try again
            </button>
          ) : null}
        </div>
      ) : null}
      {hasAudio && mic.available ? (
        <div class="field prejoin-level">
          <label for="prejoin-level">Microphone level</label>
          <meter id="prejoin-level" min={0} max={1} low={0.05} high={0.9} optimum={0.5} value={mic.level} data-testid="prejoin-level" />
          <p class="hint">{mic.waitingForClick ? 'Click or tap anywhere on the page to see the level.' : 'Say something: the bar should move when you speak.'}</p>
        </div>
      ) : null}
      <div class="prejoin-selects">
        <DeviceSelect
          id="prejoin-camera"
          label="Camera"
          none={starting ? 'Looking for cameras…' : 'No camera found.'}
          value={cameraId}
          options={devices.cameras}
          onChange={(id) => onChange({ cameraId: id })}
        />
        <DeviceSelect
          id="prejoin-microphone"
          label="Microphone"
          none={starting ? 'Looking for microphones…' : 'No microphone found.'}
          value={microphoneId}
          options={devices.microphones}
          onChange={(id) => onChange({ microphoneId: id })}
        />
        {speakers.length > 0 ? (
          <SelectField id="prejoin-speaker" label="Speaker" value={choices.speakerId || speakers[0]!.id} options={speakers} onChange={(id) => onChange({ speakerId: id })} testId="prejoin-speaker" />
        ) : (
          <p class="hint" data-testid="prejoin-speaker-default">
            {DEFAULT_SPEAKER_TEXT}
          </p>
        )}
      </div>
      <SpeakerTest speakerId={speakers.length > 0 ? choices.speakerId : ''} />
      <div class="checkbox">
        <input
          type="checkbox"
          id="prejoin-noise"
          checked={choices.noiseSuppression}
          onChange={(e) => onChange({ noiseSuppression: e.currentTarget.checked })}
          aria-describedby="prejoin-noise-hint"
          data-testid="prejoin-noise"
        />
        <label for="prejoin-noise">Reduce background noise</label>
      </div>
      <p class="hint" id="prejoin-noise-hint">
        Your browser’s own noise suppression. Turn it off if your voice sounds choppy, or to share music.
      </p>
    </section>
  );
}
