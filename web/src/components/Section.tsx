import type { ComponentChildren, VNode } from 'preact';

interface SectionHeadProps {
  /** The heading's id, for the section's aria-labelledby. */
  id: string;
  title: string;
  onRefresh: () => void;
  /** data-testid of the Refresh button. */
  testId: string;
  /** Lets a script move focus to the heading (after a change moved or removed the focused control). */
  focusable?: boolean;
}

/** A section's heading with a "Refresh" button beside it. */
export function SectionHead({ id, title, onRefresh, testId, focusable = false }: SectionHeadProps) {
  return (
    <div class="section-head">
      <h2 id={id} tabIndex={focusable ? -1 : undefined}>
        {title}
      </h2>
      <button type="button" class="button" onClick={onRefresh} data-testid={testId}>
        Refresh
      </button>
    </div>
  );
}

interface LoadedListProps<T> {
  /** null until loaded. */
  items: T[] | null;
  /** Why loading failed ('' when it did not): then nothing stands in for the list. */
  loadError: string;
  /** Whether to say "Loading…" until the list arrives. */
  showLoading?: boolean;
  /** What stands for an empty list, and its data-testid. */
  none: ComponentChildren;
  noneTestId: string;
  children: (items: T[]) => VNode;
}

/** A list that loads: "Loading…", then what says it is empty, or the list itself. */
export function LoadedList<T>({ items, loadError, showLoading = true, none, noneTestId, children }: LoadedListProps<T>) {
  if (items === null) return loadError || !showLoading ? null : <p class="muted">Loading…</p>;
  if (items.length === 0) {
    return (
      <p class="muted" data-testid={noneTestId}>
        {none}
      </p>
    );
  }
  return children(items);
}

interface SubCardProps {
  /** data-testid of the item; its heading's is `${testId}-title`. */
  testId: string;
  /** More data-* attributes of the item, e.g. { 'data-cohort-id': id }. */
  data: Record<string, string>;
  title: string;
  /** When given, the heading's id and the item's aria-labelledby. */
  headingId?: string;
  children: ComponentChildren;
}

/** One care team or cohort in a list: its name as a heading, then what it holds. */
export function SubCard({ testId, data, title, headingId, children }: SubCardProps) {
  return (
    <li class="sub-card" data-testid={testId} {...data} aria-labelledby={headingId}>
      <h3 id={headingId} class="subheading" data-testid={`${testId}-title`}>
        {title}
      </h3>
      {children}
    </li>
  );
}
