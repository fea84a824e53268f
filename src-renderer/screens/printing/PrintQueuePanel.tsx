// 回执打印: the receipt printer's slips of the day (and earlier ones still waiting), newest
// first — what each is, for whom, whether it printed and, when not, the printer's reason in
// the clerk's words. A slip not printed can be printed now or no longer printed by itself; a
// printed one reprinted (补打, marked so on the paper); any one previewed as it prints. The
// list follows `printing.changed` without taking the keyboard focus away: each row keeps one
// main button (打印 / 补打 / 正在打印…) whose label follows the slip's state.
import { useCallback, useRef, useState } from 'react';
import { useFocusKeeper } from '../../app/use-focus-keeper.ts';
import type { PrintJob } from '../../../src-main/api/contract/index.ts';
import { hallTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import { useAction } from '../../app/use-action.ts';
import { EmptyState, ErrorNotice } from '../../components/Notice.tsx';
import { DemoReceiptPrinter } from './DemoReceiptPrinter.tsx';
import { actionsFor, documentName, owedCount, problemOf, stateName } from './print-model.ts';
import { usePrintingRead } from './printing-context.tsx';
import { SlipPreviewDialog } from './SlipPreview.tsx';

type JobAction = 'print' | 'reprint' | 'cancel';

export function PrintQueuePanel({ demo = false }: { demo?: boolean }) {
  const api = useApi();
  const load = useCallback(() => api.call('printing.jobs', {}), [api]);
  const listing = usePrintingRead(load, true, 'jobs');
  const action = useAction();
  const [failed, setFailed] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState<PrintJob | null>(null);
  const tableRef = useRef<HTMLDivElement>(null);
  const keeper = useFocusKeeper(tableRef);

  const jobs = listing.data?.jobs ?? [];
  const busyOn = (job: PrintJob): JobAction | null =>
    (['print', 'reprint', 'cancel'] as const).find((kind) => action.busyWith(`${job.id}/${kind}`)) ?? null;

  const act = (job: PrintJob, kind: JobAction) => {
    if (busyOn(job)) return;
    setFailed(null);
    void action.run(
      async () => {
        const method =
          kind === 'print' ? 'printing.print' : kind === 'reprint' ? 'printing.reprint' : 'printing.cancel';
        try {
          await api.call(method, { jobId: job.id });
        } finally {
          // The failed attempt changed the job too (its reason, its count).
          listing.reload();
        }
      },
      {
        tag: `${job.id}/${kind}`,
        onFailure: (failure) =>
          setFailed(
            t('printing.failed', { document: documentName(job), number: job.number, message: describeError(failure) }),
          ),
      },
    );
  };

  return (
    <section className="area print-queue" aria-labelledby="area-printing">
      <div className="area-head">
        <h2 id="area-printing" tabIndex={-1}>
          {t('printing.title')}
        </h2>
        <div className="actions">
          <button type="button" onClick={listing.reload}>
            {t('printing.refresh')}
          </button>
        </div>
      </div>
      <p className="muted">{t('printing.intro')}</p>
      {listing.data && !listing.data.enabled && <p className="notice notice-info">{t('printing.noPrinter')}</p>}
      <ErrorNotice message={failed} />
      {listing.failure !== null && <ErrorNotice message={describeError(listing.failure)} />}
      {!listing.data && listing.failure === null && (
        <p className="muted" role="status">
          {t('printing.loading')}
        </p>
      )}
      {listing.data?.enabled && jobs.length === 0 && <EmptyState title={t('printing.empty')} />}
      {jobs.length > 0 && (
        <div ref={tableRef} onFocus={keeper.onFocus} onBlur={keeper.onBlur}>
          <p role="status">{t('printing.summary', { total: jobs.length, waiting: owedCount(jobs) })}</p>
          <table className="table print-table" aria-label={t('printing.table')}>
            <thead>
              <tr>
                <th scope="col">{t('printing.col.time')}</th>
                <th scope="col">{t('printing.col.document')}</th>
                <th scope="col">{t('printing.col.tracking')}</th>
                <th scope="col">{t('printing.col.applicant')}</th>
                <th scope="col">{t('printing.col.item')}</th>
                <th scope="col">{t('printing.col.state')}</th>
                <th scope="col">{t('printing.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <JobRow
                  key={job.id}
                  job={job}
                  busy={busyOn(job)}
                  mayAct={listing.data?.enabled === true}
                  onAct={(kind) => act(job, kind)}
                  onPreview={() => setPreviewing(job)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {demo && <DemoReceiptPrinter />}
      {previewing && <SlipPreviewDialog job={previewing} onClose={() => setPreviewing(null)} />}
    </section>
  );
}

function JobRow({
  job,
  busy,
  mayAct,
  onAct,
  onPreview,
}: {
  job: PrintJob;
  busy: JobAction | null;
  mayAct: boolean;
  onAct: (kind: JobAction) => void;
  onPreview: () => void;
}) {
  const allowed = actionsFor(job);
  const problem = problemOf(job);
  const params = { document: documentName(job), number: job.number };
  // The row's main button: 打印 or 补打 by the state; while printing (by itself or on the
  // clerk's request) it stays, unavailable, saying so.
  const main: { kind: JobAction; label: string; aria: string } | null =
    busy === 'print' || busy === 'reprint'
      ? { kind: busy, label: t(`printing.actions.${busy}Busy`), aria: t(`printing.actionLabels.${busy}`, params) }
      : job.state === 'printing'
        ? { kind: 'print', label: t('printing.actions.printing'), aria: t('printing.actionLabels.printing', params) }
        : allowed.print
          ? { kind: 'print', label: t('printing.actions.print'), aria: t('printing.actionLabels.print', params) }
          : allowed.reprint
            ? {
                kind: 'reprint',
                label: t('printing.actions.reprint'),
                aria: t('printing.actionLabels.reprint', params),
              }
            : null;
  const mainUnavailable = busy !== null || job.state === 'printing';

  return (
    <tr data-row-key={job.id} className={`print-row print-${job.state}`}>
      <td className="nowrap">{hallTime(job.createdAt)}</td>
      <th scope="row" tabIndex={-1}>
        <span className="print-document">{documentName(job)}</span>
        {job.reprintOf !== null && <span className="badge badge-reprint">{t('printing.reprintMark')}</span>}
        <div className="mono print-number">{job.number}</div>
      </th>
      <td className="mono">{job.trackingCode}</td>
      <td>{job.applicantName}</td>
      <td>{job.itemName}</td>
      <td>
        <span className={`print-state print-state-${job.state}`}>
          {job.state === 'printed' && job.printedAt !== null
            ? t('printing.printedAt', { time: hallTime(job.printedAt) })
            : stateName(job)}
        </span>
        {problem && job.state !== 'printed' && (
          <div className="print-problem">
            {problem}
            {job.attempts > 0 && <span className="muted"> {t('printing.attempts', { count: job.attempts })}</span>}
          </div>
        )}
      </td>
      <td>
        <div className="row-actions">
          {mayAct && main && (
            <button
              type="button"
              data-focus-key={`${job.id}/main`}
              data-main
              aria-label={main.aria}
              aria-disabled={mainUnavailable || undefined}
              aria-busy={busy === main.kind || undefined}
              className={busy === main.kind || job.state === 'printing' ? 'working' : undefined}
              onClick={() => {
                if (!mainUnavailable) onAct(main.kind);
              }}
            >
              {main.label}
            </button>
          )}
          {mayAct && (allowed.cancel || busy === 'cancel') && (
            <button
              type="button"
              data-focus-key={`${job.id}/cancel`}
              aria-label={t('printing.actionLabels.cancel', params)}
              aria-disabled={busy !== null || undefined}
              aria-busy={busy === 'cancel' || undefined}
              className={busy === 'cancel' ? 'working' : undefined}
              onClick={() => {
                if (busy === null) onAct('cancel');
              }}
            >
              {busy === 'cancel' ? t('printing.actions.cancelBusy') : t('printing.actions.cancel')}
            </button>
          )}
          <button
            type="button"
            data-focus-key={`${job.id}/preview`}
            aria-haspopup="dialog"
            aria-label={t('printing.actionLabels.preview', params)}
            onClick={onPreview}
          >
            {t('printing.actions.preview')}
          </button>
        </div>
      </td>
    </tr>
  );
}
