// The patient's privacy checklist before a session (docs/SESSIONS.md "Before joining").
// A reminder, not a test: kind words, ticked by the person for themselves. What is ticked
// stays in this page: it is not sent to the server, shown to the therapist or logged.

export interface ChecklistItem {
  id: string;
  label: string;
  hint: string;
}

export const PRIVACY_ITEMS: readonly ChecklistItem[] = [
  {
    id: 'room',
    label: 'I am in a private room with the door closed',
    hint: 'A bedroom, a parked car or a quiet office works well.',
  },
  {
    id: 'headphones',
    label: 'I am wearing headphones, or nobody is near enough to hear',
    hint: 'Headphones keep the other side of the conversation private too.',
  },
  {
    id: 'network',
    label: 'I am not on public Wi-Fi',
    hint: 'Home Wi-Fi or mobile data is best. Café, library or hotel Wi-Fi is shared with strangers.',
  },
  {
    id: 'home',
    label: 'I know who else is home right now, and I am comfortable talking',
    hint: 'If that changes during the session, you can leave at once with Quick exit (or Escape twice).',
  },
];

interface PreJoinChecklistProps {
  ticked: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
}

export function PreJoinChecklist({ ticked, onToggle }: PreJoinChecklistProps) {
  const done = PRIVACY_ITEMS.filter((i) => ticked.has(i.id)).length;
  return (
    <section class="card prejoin-checklist" aria-labelledby="prejoin-privacy-heading" data-testid="prejoin-checklist">
      <h2 id="prejoin-privacy-heading">A private space for your session</h2>
      <p class="hint" id="prejoin-privacy-hint">
        A moment to make sure you can talk freely. Tick each one when it is true for you; this is only for you and is not
        sent to anyone, your therapist included.
      </p>
      <fieldset class="checkbox-list" aria-describedby="prejoin-privacy-hint">
        <legend class="visually-hidden">Privacy checklist</legend>
        {PRIVACY_ITEMS.map((item) => {
          const id = `prejoin-check-${item.id}`;
          return (
            <div class="prejoin-check" key={item.id}>
              <div class="checkbox">
                <input
                  type="checkbox"
                  id={id}
                  checked={ticked.has(item.id)}
                  onChange={(e) => onToggle(item.id, e.currentTarget.checked)}
                  aria-describedby={`${id}-hint`}
                  data-testid="prejoin-check"
                  data-item={item.id}
                />
                <label for={id}>{item.label}</label>
              </div>
              <p class="hint prejoin-check-hint" id={`${id}-hint`}>
                {item.hint}
              </p>
            </div>
          );
        })}
      </fieldset>
      <p class="muted" role="status" data-testid="prejoin-check-count">
        {done === PRIVACY_ITEMS.length ? 'All set. Thank you.' : `${done} of ${PRIVACY_ITEMS.length} ticked`}
      </p>
    </section>
  );
}
