// Under a freshly sealed packet's documents, where the window has a receipt printer: what
// became of each thermal slip the seal issued (收件回执, a 补正's slip) — printing, printed
// and when, or not printed and the printer's reason — live, with 重新打印 for one that did
// not print and 补打 for one that did. The line is a polite live region: the clerk hears
// 回执已打印 without looking away from the applicant. Each line keeps one button whose label
// follows the slip, so the keyboard focus stays on it across the states.
import { useCallback } from 'react';
import { isApiCallError } from '../../api/client.ts';
import { hallTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { documentName, problemOf, slipLines, type SlipLine } from './print-model.ts';
import { usePrinting, usePrintingRead } from './printing-context.tsx';

export function SlipPrintStatus({ packetId, version }: { packetId: string; version: number }) {
  const api = useApi();
  const { enabled } = usePrinting();
  const load = useCallback(() => api.call('printing.forPacket', { packetId, version }), [api, packetId, version]);
  const read = usePrintingRead(load, enabled, `${packetId}#${version}`);
  const lines = slipLines(read.data?.jobs ?? []);

  // No printer here, or nothing for it to print (PDFs are printed as always).
  if (!enabled || lines.length === 0) return null;
  return (
    <ul className="slip-lines" aria-label={t('printing.slip.title')}>
      {lines.map((line) => (
        <SlipLineItem key={line.key} line={line} reload={read.reload} />
      ))}
    </ul>
  );
}

function SlipLineItem({ line, reload }: { line: SlipLine; reload: () => void }) {
  const api = useApi();
  const action = useAction();
  const { job, kind } = line;
  const document = documentName(job);

  const act = (method: 'printing.print' | 'printing.reprint') =>
    void action.run(async () => {
      try {
        await api.call(method, { jobId: job.id });
      } catch (failure) {
        // The printer's reason is the line itself (the job keeps it, with one more attempt);
        // anything else (the link, the core) is said below it.
        if (!(isApiCallError(failure) && failure.code.startsWith('printer.'))) throw failure;
      } finally {
        reload();
      }
    });

  const text =
    kind === 'printing'
      ? t('printing.slip.printing', { document })
      : kind === 'queued'
        ? t('printing.slip.queued', { document })
        : kind === 'printed'
          ? t(job.reprintOf === null ? 'printing.slip.printed' : 'printing.slip.reprinted', {
              document,
              time: job.printedAt === null ? '' : hallTime(job.printedAt),
            })
          : kind === 'cancelled'
            ? t('printing.slip.cancelled', { document })
            : t('printing.slip.failed', { document, reason: problemOf(job) ?? '' });
  const retry = kind === 'failed' || kind === 'cancelled';
  // While the printer is at it (by itself or on request) the button stays, unavailable.
  const unavailable = action.busy || kind === 'printing' || kind === 'queued';
  const button = unavailable
    ? { label: t('printing.slip.working'), aria: t('printing.slip.workingLabel', { document }) }
    : retry
      ? { label: t('printing.slip.retry'), aria: t('printing.slip.retryLabel', { document }) }
      : { label: t('printing.slip.reprint'), aria: t('printing.slip.reprintLabel', { document }) };

  return (
    <li className={`slip-line slip-line-${kind}`} data-slip={job.document}>
      <span className="slip-text" aria-live="polite">
        {(kind === 'printing' || kind === 'queued') && (
          // The words say it; the bar only shows it is moving.
          <progress className="slip-progress" aria-hidden="true" />
        )}
        <span className={kind === 'failed' ? 'slip-problem' : undefined}>{text}</span>
        {kind === 'failed' && job.attempts > 1 && (
          <span className="muted"> {t('printing.attempts', { count: job.attempts })}</span>
        )}
      </span>
      <button
        type="button"
        aria-label={button.aria}
        aria-disabled={unavailable || undefined}
        aria-busy={unavailable || undefined}
        className={unavailable ? 'working' : undefined}
        onClick={() => {
          if (!unavailable) act(retry ? 'printing.print' : 'printing.reprint');
        }}
      >
        {button.label}
      </button>
      <ErrorNotice message={action.error} />
    </li>
  );
}
