// 时限看板 for the supervisor: every clerk of this window with what is due today (yellow)
// or overrun (red) — the window's push and posting duties and the departments' deadlines.
import { useEffect, useState } from 'react';
import type { DutyBoard as Board } from '../../src-main/common/duty-board.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import { useApi } from '../app/api-context.tsx';
import { useAction } from '../app/use-action.ts';
import { ErrorNotice } from '../components/Notice.tsx';

export function DutyBoard() {
  const api = useApi();
  const [board, setBoard] = useState<Board | null>(null);
  const load = useAction();
  const { run } = load;

  useEffect(() => {
    void run(async () => setBoard(await api.call('duties.board', {})));
  }, [api, run]);

  return (
    <section className="panel duty-board" aria-labelledby="duty-board-title">
      <div className="area-head">
        <h3 id="duty-board-title">{t('duties.title')}</h3>
        <button
          type="button"
          disabled={load.busy}
          onClick={() => void run(async () => setBoard(await api.call('duties.board', {})))}
        >
          {t('duties.refresh')}
        </button>
      </div>
      <p className="muted">{t('duties.intro')}</p>
      <ErrorNotice message={load.error} />
      {!board && load.busy && (
        <p className="muted" role="status">
          {t('duties.loading')}
        </p>
      )}
      {board && board.clerks.length === 0 && <p className="muted">{t('duties.empty')}</p>}
      {board?.clerks.map((clerk) => (
        <div key={clerk.username} className="duty-clerk">
          <h4>{t('duties.clerk', { name: clerk.displayName, red: clerk.red, yellow: clerk.yellow })}</h4>
          <table className="table" aria-label={t('duties.table', { name: clerk.displayName })}>
            <thead>
              <tr>
                <th scope="col">{t('duties.col.level')}</th>
                <th scope="col">{t('duties.col.duty')}</th>
                <th scope="col">{t('duties.col.tracking')}</th>
                <th scope="col">{t('duties.col.applicant')}</th>
                <th scope="col">{t('duties.col.item')}</th>
                <th scope="col">{t('duties.col.due')}</th>
              </tr>
            </thead>
            <tbody>
              {clerk.items.map((item) => (
                <tr key={`${item.packetId}/${item.version}/${item.duty}`}>
                  <td>
                    <span className={item.level === 'red' ? 'deadline deadline-passed' : 'deadline deadline-near'}>
                      <span className="deadline-note">{t(`duties.level.${item.level}`)}</span>
                    </span>
                  </td>
                  <td>{t(`duties.duty.${item.duty}`)}</td>
                  <td className="mono">{item.trackingCode ?? ''}</td>
                  <td>{item.applicantName}</td>
                  <td>{item.itemName}</td>
                  <td>{item.due}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
