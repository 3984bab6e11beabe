import { CALL_LAYOUTS } from '../call/speaker-layout';
import type { CallLayout } from '../call/speaker-layout';

const LAYOUT_TEXT: Record<CallLayout, string> = {
  grid: 'Grid',
  speaker: 'Speaker',
};

interface LayoutSwitchProps {
  layout: CallLayout;
  onChange: (layout: CallLayout) => void;
}

/**
 * Grid or speaker layout, as a radio group: native radios give Tab into the group, arrow
 * keys between its choices and the "1 of 2, selected" reading without any script of ours.
 * They look like a pair of buttons; the radio itself stays in the page (visually hidden),
 * so it is what takes focus and what a screen reader reads.
 */
export function LayoutSwitch({ layout, onChange }: LayoutSwitchProps) {
  return (
    <fieldset class="call-layout" data-testid="call-layout">
      <legend class="call-layout-legend">Layout</legend>
      {CALL_LAYOUTS.map((choice) => (
        <label key={choice} class={choice === layout ? 'call-layout-choice checked' : 'call-layout-choice'}>
          <input
            type="radio"
            class="visually-hidden"
            name="call-layout"
            value={choice}
            checked={choice === layout}
            onChange={() => onChange(choice)}
            data-testid={`call-layout-${choice}`}
          />
          {LAYOUT_TEXT[choice]}
        </label>
      ))}
    </fieldset>
  );
}
