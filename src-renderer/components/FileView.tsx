// Showing stored files on screen: bytes from the core become a Blob URL (revoked
// when no longer shown); images in <img>, PDFs in an <iframe> (the CSP allows
// `frame-src blob:`). Documents also get a real <a download> link, so the browser
// saves the very bytes that were issued.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { FileContent } from '../../src-main/api/contract/index.ts';
import { describeError } from '../app/errors.ts';
import { t, tryT } from '../../src-main/common/i18n/index.ts';
import { ErrorNotice } from './Notice.tsx';
import { PrintButton } from './PrintButton.tsx';

export type ObjectUrlState =
  | { kind: 'loading' }
  | { kind: 'ready'; url: string; mediaType: string; name: string }
  | { kind: 'failed'; message: string };

/** Loads a file once per `key` and holds a Blob URL for it while mounted. */
export function useObjectUrl(key: string, load: () => Promise<FileContent>): ObjectUrlState {
  const [loaded, setLoaded] = useState<{ key: string; state: ObjectUrlState } | null>(null);
  useEffect(() => {
    let live = true;
    let url: string | undefined;
    load().then(
      (content) => {
        if (!live) return;
        url = URL.createObjectURL(new Blob([content.bytes as Uint8Array<ArrayBuffer>], { type: content.mediaType }));
        setLoaded({ key, state: { kind: 'ready', url, mediaType: content.mediaType, name: content.name } });
      },
      (error: unknown) => {
        if (live) setLoaded({ key, state: { kind: 'failed', message: describeError(error) } });
      },
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
    // `load` is a new closure each render; the key names what it loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return loaded?.key === key ? loaded.state : { kind: 'loading' };
}

/** An image or PDF, inline. */
export function FilePreview({ url, mediaType, title }: { url: string; mediaType: string; title: string }) {
  if (mediaType.startsWith('image/')) {
    return <img className="file-preview file-preview-image" src={url} alt={title} />;
  }
  return <iframe className="file-preview file-preview-pdf" src={url} title={title} />;
}

/**
 * An inline preview opened by a toggle button: Escape anywhere in its row closes it
 * and puts the focus back on the toggle (a PDF frame keeps its own keys, so Escape
 * works from the toggle and the rest of the row).
 */
export function usePreviewToggle(initiallyOpen = false) {
  const [open, setOpen] = useState(initiallyOpen);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open) return;
    event.preventDefault();
    event.stopPropagation();
    setOpen(false);
    toggleRef.current?.focus();
  };
  return { open, toggle: () => setOpen(!open), toggleRef, onKeyDown };
}

export interface IssuedDocument {
  kind: string;
  number: string;
  /** Identifies the file (a blob's SHA-256, or a key of a document rendered on request). */
  sha256: string;
  /** As printed, where the kind alone does not name it (a department's document). */
  title?: string;
}

export function documentTitle(kind: string): string {
  return tryT(`documentKinds.${kind}`) ?? kind;
}

/**
 * One issued document (文书): number and title, a download link, a print button and an
 * on-demand preview. The bytes are read at once so that the link is a plain `<a download>`.
 */
export function DocumentItem({
  document,
  load,
  initiallyOpen = false,
}: {
  document: IssuedDocument;
  load: () => Promise<FileContent>;
  initiallyOpen?: boolean;
}) {
  const file = useObjectUrl(document.sha256, load);
  const { open, toggle, toggleRef, onKeyDown } = usePreviewToggle(initiallyOpen);
  const title = document.title ?? documentTitle(document.kind);
  return (
    <li className="document-item" onKeyDown={onKeyDown}>
      <div className="document-line">
        <span className="document-title">《{title}》</span>
        <span className="mono">{document.number}</span>
        {file.kind === 'loading' && <span className="muted">{t('documents.loading')}</span>}
        {file.kind === 'ready' && (
          <span className="document-actions">
            <button
              type="button"
              ref={toggleRef}
              aria-expanded={open}
              aria-keyshortcuts={open ? 'Escape' : undefined}
              aria-label={`${open ? t('documents.closePreview') : t('documents.preview')}《${title}》`}
              title={open ? t('documents.closeHint') : undefined}
              onClick={toggle}
            >
              {open ? t('documents.closePreview') : t('documents.preview')}
            </button>
            <a
              className="button-link"
              href={file.url}
              download={`${document.number}.pdf`}
              aria-label={`${t('documents.download')}《${title}》`}
            >
              {t('documents.download')}
            </a>
            <PrintButton title={title} load={load} />
          </span>
        )}
      </div>
      {file.kind === 'failed' && <ErrorNotice message={file.message} />}
      {file.kind === 'ready' && open && (
        <FilePreview
          url={file.url}
          mediaType={file.mediaType}
          title={t('documents.frameTitle', { title, number: document.number })}
        />
      )}
    </li>
  );
}
