// 评价 for the supervisor: the applicants' ratings, open 差评 first with their
// 15-working-day follow-up clock (red once overdue), whether each reached the
// department, and a rating's detail with the record of what was done about it.
// ↑ / ↓ move through the list, Enter opens the detail's record field.
import { type KeyboardEvent, type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import type { RatingFilter, RatingView } from '../../../src-main/api/contract/index.ts';
import { hallDateTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { RATING_FILTERS } from '../../../src-main/common/rating-report.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { EmptyState, ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import { followUpClock, levelsText, step, syncText, type ClockTone } from './ratings-model.ts';

const TONE_CLASS: Record<ClockTone, string> = {
  overdue: 'follow-up-overdue',
  near: 'follow-up-near',
  open: '',
  closed: 'muted',
  none: 'muted',
};

export function RatingsPanel() {
  const api = useApi();
  const [filter, setFilter] = useState<RatingFilter>('all');
  const [ratings, setRatings] = useState<RatingView[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const load = useAction();
  const { run } = load;
  const rows = useRef(new Map<string, HTMLTableRowElement>());
  const actionField = useRef<HTMLTextAreaElement>(null);

  const refresh = useCallback(
    () =>
      run(async () => {
        const answer = await api.call('ratings.list', { filter });
        setRatings(answer.ratings);
        setSelected((before) =>
          answer.ratings.some((rating) => rating.ratingId === before) ? before : (answer.ratings[0]?.ratingId ?? null),
        );
      }),
    [api, filter, run],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (!ratings) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = step(ratings, selected, event.key === 'ArrowDown' ? 1 : -1);
      setSelected(next);
      if (next) rows.current.get(next)?.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      actionField.current?.focus();
    }
  };

  const current = ratings?.find((rating) => rating.ratingId === selected) ?? null;
  const replace = (view: RatingView) =>
    setRatings((before) => before?.map((rating) => (rating.ratingId === view.ratingId ? view : rating)) ?? null);

  return (
    <section className="panel ratings-panel" aria-labelledby="ratings-title">
      <div className="area-head">
        <h3 id="ratings-title">{t('rating.panel.title')}</h3>
        <div className="toolbar">
          <label>
            {t('rating.panel.filter')}{' '}
            <select value={filter} onChange={(event) => setFilter(event.target.value as RatingFilter)}>
              {RATING_FILTERS.map((each) => (
                <option key={each} value={each}>
                  {t(`rating.panel.filters.${each}`)}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="button" disabled={load.busy} onClick={() => void refresh()}>
            {t('rating.panel.refresh')}
          </button>
        </div>
      </div>
      <p className="muted">{t('rating.panel.intro')}</p>
      <p className="muted">{t('rating.panel.keys')}</p>
      <ErrorNotice message={load.error && t('rating.panel.loadFailed', { message: load.error })} />
      {ratings && ratings.length === 0 && <EmptyState title={t('rating.panel.empty')} />}
      {ratings && ratings.length > 0 && (
        <div className="ratings-layout">
          <table className="table compact" aria-label={t('rating.panel.title')}>
            <thead>
              <tr>
                <th scope="col">{t('rating.panel.columns.givenAt')}</th>
                <th scope="col">{t('rating.panel.columns.case')}</th>
                <th scope="col">{t('rating.panel.columns.clerk')}</th>
                <th scope="col">{t('rating.panel.columns.levels')}</th>
                <th scope="col">{t('rating.panel.columns.followUp')}</th>
                <th scope="col">{t('rating.panel.columns.sync')}</th>
              </tr>
            </thead>
            <tbody onKeyDown={onKeyDown}>
              {ratings.map((rating) => {
                const clock = followUpClock(rating);
                const chosen = rating.ratingId === selected;
                return (
                  <tr
                    key={rating.ratingId}
                    ref={(row) => {
                      if (row) rows.current.set(rating.ratingId, row);
                      else rows.current.delete(rating.ratingId);
                    }}
                    tabIndex={chosen ? 0 : -1}
                    aria-selected={chosen}
                    className={chosen ? 'row-selected' : undefined}
                    onClick={() => setSelected(rating.ratingId)}
                  >
                    <td>{hallDateTime(rating.givenAt)}</td>
                    <td>
                      <span className="mono">{rating.trackingCode ?? ''}</span> {rating.itemName}
                    </td>
                    <td>{rating.clerk.displayName}</td>
                    <td>
                      {rating.bad && <span className="rating-bad">{t('rating.panel.bad')} </span>}
                      {t(`rating.levels.${rating.overall}`)}
                    </td>
                    <td className={TONE_CLASS[clock.tone]}>{clock.text}</td>
                    <td>{syncText(rating)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {current && <RatingDetail key={current.ratingId} rating={current} field={actionField} onChanged={replace} />}
        </div>
      )}
    </section>
  );
}

function RatingDetail({
  rating,
  field,
  onChanged,
}: {
  rating: RatingView;
  field: RefObject<HTMLTextAreaElement | null>;
  onChanged: (view: RatingView) => void;
}) {
  const api = useApi();
  const save = useAction();
  const [action, setAction] = useState('');
  const [closes, setCloses] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const clock = followUpClock(rating);

  const submit = async () => {
    setSaved(null);
    if (!action.trim()) {
      setProblem(t('rating.panel.needAction'));
      field.current?.focus();
      return;
    }
    setProblem(null);
    const done = await save.run(async () => {
      onChanged(await api.call('ratings.followUp', { ratingId: rating.ratingId, action, closes }));
    });
    if (done) {
      setAction('');
      setCloses(false);
      setSaved(t('rating.panel.recorded'));
    }
  };

  return (
    <section className="rating-detail" aria-label={t('rating.panel.detail')}>
      <h4>
        {rating.trackingCode ?? rating.packetId} {rating.itemName}
      </h4>
      <dl className="facts">
        <dt>{t('rating.panel.columns.levels')}</dt>
        <dd>{levelsText(rating)}</dd>
        {rating.bad && (
          <>
            <dt>{t('rating.panel.category')}</dt>
            <dd>{rating.category ? t(`rating.categories.${rating.category}`) : ''}</dd>
            <dt>{t('rating.panel.text')}</dt>
            <dd>{rating.text ?? t('rating.panel.noText')}</dd>
            <dt>{t('rating.panel.columns.followUp')}</dt>
            <dd className={TONE_CLASS[clock.tone]}>{clock.text}</dd>
          </>
        )}
      </dl>
      {rating.followUp && (
        <>
          <h5>{t('rating.panel.records')}</h5>
          {rating.followUp.records.length === 0 ? (
            <p className="muted">{t('rating.panel.noRecords')}</p>
          ) : (
            <ol>
              {rating.followUp.records.map((record) => (
                <li key={`${record.at}/${record.action}`}>
                  {hallDateTime(record.at)} {record.by.displayName}：{record.action}
                </li>
              ))}
            </ol>
          )}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
          >
            <label className="field">
              <span>{t('rating.panel.action')}</span>
              <textarea ref={field} rows={3} value={action} onChange={(event) => setAction(event.target.value)} />
            </label>
            {rating.followUp.closedAt === null && (
              <label className="check-field">
                <input type="checkbox" checked={closes} onChange={(event) => setCloses(event.target.checked)} />
                {t('rating.panel.closes')}
              </label>
            )}
            <ErrorNotice message={problem ?? save.error} />
            {saved && <StatusNotice message={saved} />}
            <button type="submit" disabled={save.busy}>
              {t('rating.panel.record')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
