// Demo profile: the simulated receipt printer's paper — the last slip it printed, as the
// roll would show it, with its text for reading aloud and copying. In a hall this is the
// real printer's paper at the window.
import { useCallback, useEffect, useId, useMemo } from 'react';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { usePrinting, usePrintingRead } from './printing-context.tsx';

export function DemoReceiptPrinter() {
  const api = useApi();
  const id = useId();
  // Only the simulated printer's paper can be shown: a real one's is at the window.
  const { enabled: printing, simulated } = usePrinting();
  const enabled = printing && simulated === true;
  const load = useCallback(() => api.call('demo.printer.last', {}), [api]);
  const last = usePrintingRead(load, enabled, 'demo-printer');
  const receipt = last.data?.receipt ?? null;
  const image = receipt?.image;
  const url = useMemo(
    () =>
      image
        ? URL.createObjectURL(new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mediaType }))
        : undefined,
    [image],
  );
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  if (!enabled) return null;
  return (
    <section className="panel demo-printer" aria-labelledby={`${id}-title`} data-not-a-field>
      <h3 id={`${id}-title`}>{t('printing.demo.title')}</h3>
      <p className="muted">{t('printing.demo.note')}</p>
      {!receipt && last.data && <p className="muted">{t('printing.demo.none')}</p>}
      {receipt && url && (
        <>
          {/* Focusable, so the arrow keys scroll a long slip. */}
          <div className="demo-paper" tabIndex={0} role="region" aria-label={t('printing.demo.paper')}>
            <img className="slip-image" src={url} alt={receipt.text} />
          </div>
          <details className="demo-paper-text">
            <summary>{t('printing.demo.text')}</summary>
            <pre>{receipt.text}</pre>
          </details>
        </>
      )}
    </section>
  );
}
