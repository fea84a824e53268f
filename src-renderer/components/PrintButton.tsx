// 打印: a stored document printed as the very PDF that was issued. The renderer loads it
// into a hidden frame and asks that frame to print — the same in the browser host and in
// Electron (whose PDF viewer shows the previews too), so no host needs a print API of its own.
import { useState } from 'react';
import type { FileContent } from '../../src-main/api/contract/index.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import { describeError } from '../app/errors.ts';

/** The one print frame: a new print replaces it, so at most one document stays loaded. */
let current: { frame: HTMLIFrameElement; url: string } | null = null;

function clear(): void {
  if (!current) return;
  current.frame.remove();
  URL.revokeObjectURL(current.url);
  current = null;
}

/** Loads the document into a hidden frame and opens the print dialog for it once loaded. */
export async function printDocument(load: () => Promise<FileContent>): Promise<void> {
  const content = await load();
  clear();
  const url = URL.createObjectURL(new Blob([content.bytes as Uint8Array<ArrayBuffer>], { type: content.mediaType }));
  const frame = document.createElement('iframe');
  frame.className = 'print-frame';
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.dataset.printFrame = content.name;
  frame.addEventListener('load', () => frame.contentWindow?.print(), { once: true });
  frame.src = url;
  current = { frame, url };
  document.body.append(frame);
}

/** A 打印 button for one document; `label` names it for assistive technology. */
export function PrintButton({
  title,
  load,
  className,
  focusKey,
}: {
  title: string;
  load: () => Promise<FileContent>;
  className?: string;
  /** For a queue row that keeps its focus across refreshes. */
  focusKey?: string;
}) {
  const [state, setState] = useState<{ kind: 'idle' | 'loading' } | { kind: 'failed'; message: string }>({
    kind: 'idle',
  });
  const print = () => {
    setState({ kind: 'loading' });
    printDocument(load).then(
      () => setState({ kind: 'idle' }),
      (error: unknown) => setState({ kind: 'failed', message: describeError(error) }),
    );
  };
  return (
    <>
      <button
        type="button"
        className={className}
        data-focus-key={focusKey}
        aria-label={t('documents.printTitle', { title })}
        aria-busy={state.kind === 'loading' || undefined}
        disabled={state.kind === 'loading'}
        onClick={print}
      >
        {t('documents.print')}
      </button>
      {state.kind === 'failed' && (
        <span className="field-problem" role="alert">
          {t('documents.printFailed', { message: state.message })}
        </span>
      )}
    </>
  );
}
