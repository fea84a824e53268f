// 原件寄递: the originals to post to the departments, day by day, with each parcel's EMS
// waybill. Built for a barcode scanner: the cursor waits in the first unposted row's
// waybill field, a scan ends with Enter, and the cursor moves on to the next row.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { MailingEntry } from '../../src-main/common/mailing.ts';
import { hallDateTime } from '../../src-main/common/hall-time.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import { useApi } from '../app/api-context.tsx';
import { useAction } from '../app/use-action.ts';
import { ErrorNotice } from '../components/Notice.tsx';

interface Listing {
  day: string;
  today: string;
  entries: MailingEntry[];
}

const keyOf = (entry: MailingEntry) => `${entry.packetId}/${entry.version}`;

export function MailingList() {
  const api = useApi();
  const id = useId();
  const [day, setDay] = useState<string | null>(null);
  const [listing, setListing] = useState<Listing | null>(null);
  const load = useAction();
  const tableRef = useRef<HTMLTableElement>(null);

  const refresh = useCallback(
    () =>
      load.run(async () => {
        setListing(await api.call('mailing.list', day ? { day } : {}));
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- load.run is stable
    [api, day],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const entries = listing?.entries ?? [];
  const open = entries.filter((e) => e.waybill === null);

  /** After a save, the cursor goes to the next parcel still without a number. */
  const saved = (entry: MailingEntry) => {
    setListing(
      (current) =>
        current && { ...current, entries: current.entries.map((e) => (keyOf(e) === keyOf(entry) ? entry : e)) },
    );
    const next = open.find((e) => keyOf(e) !== keyOf(entry));
    if (next) {
      requestAnimationFrame(() =>
        tableRef.current?.querySelector<HTMLInputElement>(`input[data-parcel="${keyOf(next)}"]`)?.focus(),
      );
    }
  };

  return (
    <section className="area mailing" aria-labelledby="area-mailing">
      <div className="area-head">
        <h2 id="area-mailing" tabIndex={-1}>
          {t('mailing.title')}
        </h2>
        <div className="actions no-print">
          <label htmlFor={`${id}-day`}>{t('mailing.day')}</label>
          <input
            id={`${id}-day`}
            type="date"
            value={day ?? listing?.today ?? ''}
            max={listing?.today}
            onChange={(event) => setDay(event.target.value || null)}
          />
          <button type="button" onClick={() => window.print()} disabled={entries.length === 0}>
            {t('mailing.print')}
          </button>
        </div>
      </div>
      <p className="muted no-print">{t('mailing.intro')}</p>
      {listing && <p className="print-only">{t('mailing.printedDay', { day: listing.day })}</p>}
      <ErrorNotice message={load.error} />
      {!listing && load.busy && (
        <p className="muted" role="status">
          {t('mailing.loading')}
        </p>
      )}
      {listing && entries.length === 0 && <p className="muted">{t('mailing.empty')}</p>}
      {entries.length > 0 && (
        <>
          <p role="status">
            {t('mailing.summary', {
              total: entries.length,
              open: open.length,
              late: open.filter((e) => e.late).length,
              posted: entries.length - open.length,
            })}
          </p>
          <table ref={tableRef} className="table mailing-table" aria-label={t('mailing.table')}>
            <thead>
              <tr>
                <th scope="col">{t('mailing.col.index')}</th>
                <th scope="col">{t('mailing.col.tracking')}</th>
                <th scope="col">{t('mailing.col.applicant')}</th>
                <th scope="col">{t('mailing.col.item')}</th>
                <th scope="col">{t('mailing.col.originals')}</th>
                <th scope="col">{t('mailing.col.department')}</th>
                <th scope="col">{t('mailing.col.sealedAt')}</th>
                <th scope="col">{t('mailing.col.postBy')}</th>
                <th scope="col">{t('mailing.col.waybill')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, index) => (
                <tr key={keyOf(entry)}>
                  <td>{index + 1}</td>
                  <td className="mono">{entry.trackingCode ?? t('mailing.noTracking')}</td>
                  <td>{entry.applicantName}</td>
                  <td>{entry.itemName}</td>
                  <td>
                    {entry.originals.map((o) => (
                      <div key={o.materialId}>{t('mailing.original', { name: o.name, count: o.count })}</div>
                    ))}
                  </td>
                  <td>{entry.departmentId ?? ''}</td>
                  <td>{hallDateTime(entry.sealedAt)}</td>
                  <td>
                    <span className={entry.late ? 'deadline deadline-passed' : 'deadline'}>
                      {entry.postBy}
                      {entry.late && <span className="deadline-note">{t('mailing.late')}</span>}
                    </span>
                  </td>
                  <td>
                    <WaybillCell entry={entry} autoFocus={open[0] === entry} onSaved={saved} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function WaybillCell({
  entry,
  autoFocus,
  onSaved,
}: {
  entry: MailingEntry;
  autoFocus: boolean;
  onSaved: (entry: MailingEntry) => void;
}) {
  const api = useApi();
  const id = useId();
  const [editing, setEditing] = useState(entry.waybill === null);
  const [text, setText] = useState(entry.waybill ?? '');
  const save = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await save.run(async () => {
      const updated = await api.call('mailing.recordWaybill', {
        packetId: entry.packetId,
        version: entry.version,
        waybill: text,
      });
      setText(updated.waybill ?? '');
      setEditing(false);
      onSaved(updated);
    });
  };

  if (!editing && entry.waybill) {
    return (
      <div className="waybill">
        <span className="mono">{entry.waybill}</span>{' '}
        <button type="button" className="link-button no-print" onClick={() => setEditing(true)}>
          {t('mailing.change')}
        </button>
        {entry.recordedBy && entry.recordedAt !== null && (
          <div className="muted">
            {t('mailing.recordedBy', { by: entry.recordedBy, time: hallDateTime(entry.recordedAt) })}
          </div>
        )}
      </div>
    );
  }
  return (
    <form className="waybill-form" onSubmit={submit}>
      <label htmlFor={`${id}-waybill`} className="visually-hidden">
        {t('mailing.waybillLabel', { applicant: entry.applicantName })}
      </label>
      <input
        id={`${id}-waybill`}
        data-parcel={keyOf(entry)}
        className="mono"
        autoComplete="off"
        spellCheck={false}
        maxLength={40}
        // The first unposted parcel takes the scanner's input without a click.
        autoFocus={autoFocus}
        value={text}
        title={t('mailing.waybillHint')}
        aria-invalid={save.error ? true : undefined}
        aria-describedby={save.error ? `${id}-error` : undefined}
        disabled={save.busy}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" disabled={save.busy || text.trim() === ''}>
        {save.busy ? t('mailing.saving') : t('mailing.save')}
      </button>
      {save.error && (
        <p id={`${id}-error`} className="field-problem" role="alert">
          {save.error}
        </p>
      )}
    </form>
  );
}
