import { useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { SelectField } from './Field';

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

  return (
    <form class="inline-form" onSubmit={onSubmit}>
      <SelectField id={id} label={label} value={value} options={options} onChange={setChosen} testId={`${testPrefix}-select`} />
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

/** `list` with `item` in place of the entry with its id, or added at the end. */
export function upsert<T extends { id: string }>(list: T[] | null, item: T): T[] {
  const all = list ?? [];
  return all.some((x) => x.id === item.id) ? all.map((x) => (x.id === item.id ? item : x)) : [...all, item];
}
