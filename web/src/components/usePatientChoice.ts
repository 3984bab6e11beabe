import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { listPatients, needsMfa } from '../api-admin';
import type { Patient } from '../api-admin';

/**
 * A therapist's pick of patients for a form (a room, an appointment): the patients of
 * their care teams (GET /api/patients; null while loading), a load error in words, and the
 * chosen ids. `onMfaRequired` runs when the server wants two-step verification first.
 */
export function usePatientChoice(onMfaRequired: () => void) {
  const [patients, setPatients] = useState<Patient[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    let live = true;
    listPatients()
      .then((list) => {
        if (live) setPatients(list);
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (needsMfa(err)) onMfaRequired();
        else setLoadError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, []);

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };
  const clear = () => setChosen(new Set());
  /** Exactly these (those of them who are the therapist's patients), e.g. a cohort's. */
  const chooseOnly = (ids: readonly string[]) => setChosen(new Set(ids.filter((id) => patients?.some((p) => p.id === id))));

  return { patients, loadError, chosen, toggle, clear, chooseOnly };
}
