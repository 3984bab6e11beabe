import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren, TargetedEvent } from 'preact';
import { StatusMessage } from './ErrorMessage';

interface CopyLinkProps {
  /** The input's id; the hint's is `${id}-hint`. */
  id: string;
  label: string;
  link: string;
  /** How to pass the link on, and when it stops working. */
  hint: ComponentChildren;
  /** data-testid of the input and of the Copy button. */
  testId: string;
  copyTestId: string;
}

/**
 * A one-time link, shown once: read-only, selected on focus, with "Copy" (or how to copy
 * it by hand when the clipboard is not available). Focus moves to it when it appears, so
 * keyboard and screen-reader users land on it.
 */
export function CopyLink({ id, label, link, hint, testId, copyTestId }: CopyLinkProps) {
  const [copied, setCopied] = useState('');

  useEffect(() => {
    document.getElementById(id)?.focus();
  }, [id]);

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Link copied.');
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied('Select the link and copy it.');
    }
  };

  const selectFocus = (e: TargetedEvent<HTMLInputElement>) => e.currentTarget.select();

  return (
    <>
      <div class="field">
        <label for={id}>{label}</label>
        <div class="copy-row">
          <input
            id={id}
            type="text"
            readOnly
            value={link}
            onFocus={selectFocus}
            aria-describedby={`${id}-hint`}
            spellcheck={false}
            data-testid={testId}
          />
          <button type="button" class="button" onClick={onCopy} data-testid={copyTestId}>
            Copy
          </button>
        </div>
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      </div>
      <StatusMessage message={copied} />
    </>
  );
}
