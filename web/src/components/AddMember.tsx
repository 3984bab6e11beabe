import { useState } from 'preact/hooks';
import type { TargetedEvent, TargetedSubmitEvent } from 'preact';

export interface Option {
  id: string;
  label: string;
}

interface AddMemberProps {
  /** Unique among the page's forms: labels point at it. */
  id: string;
  label: string;
  options: Option[];
  /** Shown instead of the form when there is nobody to add. */
  empty: string;
  busy: boolean;
  onAdd: (id: string) => void;
  testPrefix: string;
}

/** A select of people and an "Add" button. */
export function AddMember({ id, label, options, empty, busy, onAdd, testPrefix }: AddMemberProps) {
  const [chosen, setChosen] = useState('');
  const value = options.some((o) => o.id === chosen) ? chosen : (options[0]?.id ?? '');

  if (options.length === 0) return <p class="muted">{empty}</p>;

  const onSubmit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (value && !busy) onAdd(value);
  };
  const onChange = (e: TargetedEvent<HTMLSelectElement>) => setChosen(e.currentTarget.value);

  return (
    <form class="inline-form" onSubmit={onSubmit}>
      <div class="field">
        <label for={id}>{label}</label>
        <select id={id} value={value} onChange={onChange} data-testid={`${testPrefix}-select`}>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="button" disabled={busy} data-testid={`${testPrefix}-add`}>
        Add
      </button>
    </form>
  );
}

interface MemberListProps {
  names: { id: string; label: string }[];
  empty: string;
  busy: boolean;
  onRemove: (id: string) => void;
  /** data-testid of each item; its remove button is `${testId}-remove`. */
  testId: string;
}

/** People in a team or cohort, each with a "Remove" button. */
export function MemberList({ names, empty, busy, onRemove, testId }: MemberListProps) {
  if (names.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="member-list">
      {names.map((n) => (
        <li key={n.id} class="member" data-testid={testId} data-user-id={n.id}>
          <span class="member-name">{n.label}</span>
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={() => onRemove(n.id)}
            aria-label={`Remove ${n.label}`}
            data-testid={`${testId}-remove`}
          >
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}

/** A name for an id, from a list of accounts. */
export function nameOf(users: { id: string; display_name: string }[], id: string): string {
  return users.find((u) => u.id === id)?.display_name ?? 'Unknown person';
}
