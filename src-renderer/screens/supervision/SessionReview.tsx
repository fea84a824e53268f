// 会话抽查: the supervisor's list of counter sessions — filters, keyset pages, flag
// badges — beside the session opened. By keyboard: Alt+↓ / Alt+↑ the next / previous
// session (across pages), Alt+Shift+↓ the next flagged one, Alt+PageDown / Alt+PageUp
// a page; Enter on a row opens it, and Tab reaches every filter and form.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  DEFAULT_SESSION_PAGE,
  type SessionDetail,
  type SessionFacets,
  type SessionSummary,
} from '../../../src-main/api/contract/index.ts';
import { hallDateTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { SESSION_FLAGS, SESSION_OUTCOMES } from '../../../src-main/common/supervision.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { EmptyState, ErrorNotice } from '../../components/Notice.tsx';
import { SessionDetailPane } from './SessionDetailPane.tsx';
import { useSessionTimeline } from './use-session-media.ts';
import { durationParts, nextFlagged, NO_FILTERS, queryOf, type SessionFilters, stepFrom } from './session-model.ts';

interface Page {
  sessions: SessionSummary[];
  nextCursor: string | null;
  total: number;
  totalCapped: boolean;
}

/** Which row to open once a page arrives (after turning it by keyboard). */
type Pending = { at: 'first' | 'last' } | { id: string } | null;

/** How far "next flagged" looks ahead before it says there is none. */
const FLAGGED_LOOKAHEAD_PAGES = 20;

export function SessionReview() {
  const api = useApi();
  const [filters, setFilters] = useState<SessionFilters>(NO_FILTERS);
  const [facets, setFacets] = useState<SessionFacets>({ clerks: [], items: [] });
  // cursors[k] is the `after` of page k (undefined for the first).
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<SessionDetail | null>(null);
  /** The player given the whole width (the list set aside while watching). */
  const [wide, setWide] = useState(false);
  // Read beside the detail, not after it: the player needs both to open.
  const timeline = useSessionTimeline(selected);
  const [notice, setNotice] = useState<string | null>(null);
  const pending = useRef<Pending>(null);
  // Set when the keyboard (or a turned page) chose the session: its row then takes the focus.
  const focusRow = useRef(false);
  const list = useAction();
  const open = useAction();
  const tableRef = useRef<HTMLTableElement>(null);
  const query = queryOf(filters);
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    void list.run(async () => setFacets(await api.call('sessions.facets', {})), { tag: 'facets' });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the area opens
  }, [api]);

  const after = cursors[pageIndex];
  const load = useCallback(
    () =>
      list.run(
        async () => {
          const read = await api.call('sessions.list', {
            ...(JSON.parse(queryKey) as object),
            limit: DEFAULT_SESSION_PAGE,
            ...(after ? { after } : {}),
          });
          setPage(read);
          const want = pending.current;
          pending.current = null;
          if (want && read.sessions.length > 0) {
            const row =
              'id' in want
                ? read.sessions.find((s) => s.draftId === want.id)
                : read.sessions[want.at === 'first' ? 0 : read.sessions.length - 1];
            if (row) {
              focusRow.current = true;
              setSelected(row.draftId);
            }
          }
        },
        { tag: 'list', concurrent: true },
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `list.run` is stable
    [api, queryKey, after],
  );
  useEffect(() => {
    void load();
  }, [load]);

  // The session opened: read (and its chain verified) whenever another is chosen.
  useEffect(() => {
    if (selected === null) return;
    // Until it arrives the pane says it is reading (the detail held is another session's).
    let current = true;
    void open.run(
      async () => {
        const read = await api.call('sessions.get', { draftId: selected });
        if (current) setDetail(read);
      },
      { concurrent: true },
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `open.run` is stable
  }, [api, selected]);

  // The row of a session opened by keyboard takes the focus, so the list reads where it is.
  useEffect(() => {
    if (selected === null || !focusRow.current) return;
    focusRow.current = false;
    tableRef.current?.querySelector<HTMLButtonElement>(`button[data-draft="${selected}"]`)?.focus();
  }, [selected, page]);

  const setFilter = (patch: Partial<SessionFilters>) => {
    setFilters((current) => ({ ...current, ...patch }));
    setCursors([undefined]);
    setPageIndex(0);
    setNotice(null);
  };

  const turn = useCallback(
    (direction: 1 | -1, then: Pending = null) => {
      if (direction === 1) {
        if (!page?.nextCursor) return false;
        const cursor = page.nextCursor;
        setCursors((current) => [...current.slice(0, pageIndex + 1), cursor]);
        setPageIndex((index) => index + 1);
      } else {
        if (pageIndex === 0) return false;
        setPageIndex((index) => index - 1);
      }
      pending.current = then;
      return true;
    },
    [page, pageIndex],
  );

  const step = useCallback(
    (direction: 1 | -1) => {
      setNotice(null);
      const sessions = page?.sessions ?? [];
      const to = stepFrom(sessions, selected, direction);
      if (to === 'nextPage') turn(1, { at: 'first' });
      else if (to === 'previousPage') turn(-1, { at: 'last' });
      else if (to !== null) {
        focusRow.current = true;
        setSelected(sessions[to]!.draftId);
      }
    },
    [page, selected, turn],
  );

  const nextFlaggedSession = useCallback(async () => {
    setNotice(null);
    const sessions = page?.sessions ?? [];
    const here = nextFlagged(sessions, selected);
    if (here >= 0) {
      focusRow.current = true;
      setSelected(sessions[here]!.draftId);
      return;
    }
    // Further pages, read ahead with the same filters; the page found becomes the page shown.
    let cursor = page?.nextCursor ?? null;
    const ahead: string[] = [];
    for (let i = 0; cursor !== null && i < FLAGGED_LOOKAHEAD_PAGES; i++) {
      ahead.push(cursor);
      const read = await api.call('sessions.list', { ...query, limit: DEFAULT_SESSION_PAGE, after: cursor });
      const found = read.sessions.find((s) => s.flags.length > 0);
      if (found) {
        setCursors((current) => [...current.slice(0, pageIndex + 1), ...ahead]);
        setPageIndex(pageIndex + ahead.length);
        pending.current = { id: found.draftId };
        return;
      }
      cursor = read.nextCursor;
    }
    setNotice(t('supervision.sessions.noFlagged'));
  }, [api, page, pageIndex, query, selected]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !event.altKey || event.ctrlKey || event.metaKey) return;
      const key = event.key;
      let handled = true;
      if (key === 'ArrowDown' && event.shiftKey) void list.run(nextFlaggedSession, { tag: 'flagged' });
      else if (key === 'ArrowDown' && !event.shiftKey) step(1);
      else if (key === 'ArrowUp' && !event.shiftKey) step(-1);
      else if (key === 'PageDown' && !event.shiftKey) turn(1);
      else if (key === 'PageUp' && !event.shiftKey) turn(-1);
      else handled = false;
      // Taken before a focused <select> opens on Alt+↓.
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `list.run` is stable
  }, [nextFlaggedSession, step, turn]);

  const changed = (next: SessionDetail) => {
    setDetail(next);
    setPage(
      (current) =>
        current && {
          ...current,
          sessions: current.sessions.map((s) => (s.draftId === next.session.draftId ? next.session : s)),
        },
    );
  };

  const sessions = page?.sessions ?? [];
  return (
    <section className="panel session-review" aria-labelledby="session-review-title">
      <div className="area-head">
        <h3 id="session-review-title">{t('supervision.sessions.title')}</h3>
      </div>
      <p className="muted">{t('supervision.sessions.intro')}</p>
      <p className="keys-hint" id="session-review-keys">
        {t('supervision.sessions.keys')}
      </p>
      <div className={wide ? 'session-review-body wide' : 'session-review-body'}>
        <div className="session-list">
          <fieldset className="session-filters">
            <legend>{t('supervision.sessions.filters')}</legend>
            <label>
              {t('supervision.sessions.from')}
              <input type="date" value={filters.from} onChange={(e) => setFilter({ from: e.target.value })} />
            </label>
            <label>
              {t('supervision.sessions.to')}
              <input type="date" value={filters.to} onChange={(e) => setFilter({ to: e.target.value })} />
            </label>
            <label>
              {t('supervision.sessions.clerk')}
              <select value={filters.clerk} onChange={(e) => setFilter({ clerk: e.target.value })}>
                <option value="">{t('supervision.sessions.all')}</option>
                {facets.clerks.map((clerk) => (
                  <option key={clerk.username} value={clerk.username}>
                    {clerk.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('supervision.sessions.item')}
              <select value={filters.itemCode} onChange={(e) => setFilter({ itemCode: e.target.value })}>
                <option value="">{t('supervision.sessions.all')}</option>
                {facets.items.map((item) => (
                  <option key={item.code} value={item.code}>
                    {item.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('supervision.sessions.outcome')}
              <select
                value={filters.outcome}
                onChange={(e) => setFilter({ outcome: e.target.value as SessionFilters['outcome'] })}
              >
                <option value="">{t('supervision.sessions.all')}</option>
                {SESSION_OUTCOMES.map((outcome) => (
                  <option key={outcome} value={outcome}>
                    {t(`supervision.sessions.outcomes.${outcome}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('supervision.sessions.flag')}
              <select
                value={filters.flag}
                onChange={(e) => setFilter({ flag: e.target.value as SessionFilters['flag'] })}
              >
                <option value="">{t('supervision.sessions.all')}</option>
                <option value="any">{t('supervision.sessions.anyFlag')}</option>
                {SESSION_FLAGS.map((flag) => (
                  <option key={flag} value={flag}>
                    {t(`supervision.sessions.flags.${flag}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('supervision.sessions.reviewed')}
              <select
                value={filters.reviewed}
                onChange={(e) => setFilter({ reviewed: e.target.value as SessionFilters['reviewed'] })}
              >
                <option value="">{t('supervision.sessions.all')}</option>
                <option value="no">{t('supervision.sessions.reviewedNo')}</option>
                <option value="yes">{t('supervision.sessions.reviewedYes')}</option>
              </select>
            </label>
            <button type="button" onClick={() => setFilter(NO_FILTERS)}>
              {t('supervision.sessions.clear')}
            </button>
          </fieldset>
          <ErrorNotice message={list.error} />
          {notice && (
            <p className="muted" role="status">
              {notice}
            </p>
          )}
          {page === null && list.busy && (
            <p className="muted" role="status">
              {t('supervision.sessions.loading')}
            </p>
          )}
          {page !== null &&
            sessions.length === 0 &&
            (queryKey === '{}' && pageIndex === 0 ? (
              <EmptyState title={t('supervision.empty')} hint={t('supervision.emptyHint')} />
            ) : (
              <p className="muted">{t('supervision.sessions.none')}</p>
            ))}
          {sessions.length > 0 && (
            <table
              ref={tableRef}
              className="table compact"
              aria-label={t('supervision.sessions.table')}
              aria-describedby="session-review-keys"
            >
              <thead>
                <tr>
                  <th scope="col">{t('supervision.sessions.col.startedAt')}</th>
                  <th scope="col">{t('supervision.sessions.col.clerk')}</th>
                  <th scope="col">{t('supervision.sessions.col.item')}</th>
                  <th scope="col">{t('supervision.sessions.col.duration')}</th>
                  <th scope="col">{t('supervision.sessions.col.outcome')}</th>
                  <th scope="col">{t('supervision.sessions.col.flags')}</th>
                  <th scope="col">{t('supervision.sessions.col.reviewed')}</th>
                </tr>
              </thead>
              <tbody>
                {sessions.map((session) => (
                  <tr
                    key={session.draftId}
                    className={session.draftId === selected ? 'row-selected' : undefined}
                    aria-current={session.draftId === selected ? 'true' : undefined}
                  >
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        data-draft={session.draftId}
                        aria-label={t('supervision.sessions.open', {
                          time: hallDateTime(session.startedAt),
                          name: session.clerkName ?? session.clerk ?? '',
                        })}
                        onClick={() => setSelected(session.draftId)}
                      >
                        {hallDateTime(session.startedAt)}
                      </button>
                    </td>
                    <td>{session.clerkName ?? session.clerk}</td>
                    <td>{session.itemName ?? session.itemCode}</td>
                    <td>
                      {session.durationMs === null
                        ? t('supervision.sessions.running')
                        : t('supervision.sessions.duration', durationParts(session.durationMs))}
                    </td>
                    <td>{t(`supervision.sessions.outcomes.${session.outcome}`)}</td>
                    <td>
                      {session.flags.map((flag) => (
                        <span key={flag} className={`flag-badge flag-${flag}`}>
                          {t(`supervision.sessions.flags.${flag}`)}
                        </span>
                      ))}
                    </td>
                    <td>
                      {session.signOff ? (
                        <span className="badge badge-signed">{t('supervision.sessions.signedOffBadge')}</span>
                      ) : (
                        <span className="muted">{t('supervision.sessions.notSignedOff')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {page !== null && (
            <div className="pager">
              <button type="button" disabled={pageIndex === 0} onClick={() => turn(-1)}>
                {t('supervision.sessions.previousPage')}
              </button>
              <span>{t('supervision.sessions.page', { page: pageIndex + 1 })}</span>
              <button type="button" disabled={!page.nextCursor} onClick={() => turn(1)}>
                {t('supervision.sessions.nextPage')}
              </button>
              <span className="muted" role="status">
                {page.totalCapped
                  ? t('supervision.sessions.totalCapped', { total: page.total })
                  : t('supervision.sessions.total', { total: page.total })}
              </span>
            </div>
          )}
        </div>
        <div className="session-pane">
          <ErrorNotice message={open.error} />
          {selected === null ? (
            <p className="muted session-choose">{t('supervision.session.choose')}</p>
          ) : detail === null || detail.session.draftId !== selected ? (
            <p className="muted" role="status">
              {t('supervision.session.loading')}
            </p>
          ) : (
            <SessionDetailPane
              key={detail.session.draftId}
              detail={detail}
              onChanged={changed}
              timeline={timeline?.draftId === detail.session.draftId ? timeline : null}
              wide={wide}
              onWide={setWide}
            />
          )}
        </div>
      </div>
    </section>
  );
}
