import { useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { messageOf } from '../api';

/** Words for a failed request; '' shows nothing (the caller dealt with it). */
export type Failure = (err: unknown) => string;

/**
 * What a form shows while it sends one request at a time: `busy`, an `error` (for an
 * ErrorMessage) and a `status` line. `run(work)` does nothing while a run is under way;
 * otherwise it clears both messages, is busy until `work` settles, and shows a failure as
 * `failure(err)`: the API's own message unless the caller says otherwise.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  const run = async (work: () => Promise<unknown>, failure: Failure = messageOf): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError('');
    setStatus('');
    try {
      await work();
    } catch (err) {
      setError(failure(err));
    } finally {
      setBusy(false);
    }
  };

  /** A form's onSubmit handler that runs `work` instead of submitting the page. */
  const submit = (work: () => Promise<unknown>, failure?: Failure) => (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    void run(work, failure);
  };

  return { busy, error, status, setError, setStatus, run, submit };
}

/** A Failure that first empties a field not to be sent again (a password, a used code). */
export function clearing(setField: (value: string) => void): Failure {
  return (err) => {
    setField('');
    return messageOf(err);
  };
}
