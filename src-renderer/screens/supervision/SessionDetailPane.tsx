// One counter session opened by the supervisor: who, what and how it ended, its chain
// verified just now (完整 / 已被改动) and its stored segments checked against their
// hashes, the player, its flags with what raised them, its steps in time (each one a
// jump in the player), and the comments and sign-off — both of which the core logs into
// the session's own chain.
import { useRef, useState } from 'react';
import type { SessionDetail, SignOffVerdict } from '../../../src-main/api/contract/index.ts';
import { hallDateTime } from '../../../src-main/common/hall-time.ts';
import { t, tryT, type MessageKey } from '../../../src-main/common/i18n/index.ts';
import { MAX_COMMENT } from '../../../src-main/common/supervision.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import { hallClock } from '../../../src-main/common/hall-time.ts';
import { formatByteSize } from '../../../src-main/common/byte-size.ts';
import { readDownload, saveFile } from '../../api/download.ts';
import { durationParts, offsetLabel } from './session-model.ts';
import { SessionPlayer, type PlayerHandle } from './SessionPlayer.tsx';
import { useSegmentCheck, type SegmentCheckState, type SessionTimeline } from './use-session-media.ts';

function durationText(ms: number): string {
  return t('supervision.sessions.duration', durationParts(ms));
}

/** A chapter's subject in words where the catalog has them (who, an outcome), else as logged. */
function subjectText(kind: string, subject: string | undefined): string {
  if (subject === undefined) return '';
  if (kind === 'review' || kind === 'seal') return tryT(`outcomes.${subject}`) ?? subject;
  return tryT(`supervision.session.subjects.${subject}`) ?? subject;
}

export function SessionDetailPane({
  detail,
  onChanged,
  timeline,
  wide,
  onWide,
}: {
  detail: SessionDetail;
  /** The core's answer after a comment or sign-off: the pane and the list row show it. */
  onChanged: (detail: SessionDetail) => void;
  /** The session's segments, read beside its detail (null while they are read). */
  timeline: SessionTimeline | null;
  /** Whether the pane has the whole width (the player's 放大回放). */
  wide: boolean;
  onWide: (wide: boolean) => void;
}) {
  const api = useApi();
  const { session, chain } = detail;
  const action = useAction();
  const [comment, setComment] = useState('');
  const [verdict, setVerdict] = useState<SignOffVerdict | null>(null);
  const [remark, setRemark] = useState('');
  const [done, setDone] = useState<string | null>(null);
  /** Bytes of the evidence bundle read so far while it is exported (null: not exporting). */
  const [exported, setExported] = useState<number | null>(null);
  const draftId = session.draftId;
  const segments = timeline?.segments ?? null;
  const player = useRef<PlayerHandle>(null);
  // The segment check waits for the player's first picture (it would slow the open), or runs at once without one.
  const [playerReady, setPlayerReady] = useState(false);
  const check = useSegmentCheck(draftId, playerReady || segments?.length === 0 || Boolean(timeline?.error));

  /** 导出证据包: the signed bundle read in chunks (progress shown) and saved under its name. */
  const exportBundle = () =>
    void action.run(
      async () => {
        setDone(null);
        setExported(0);
        try {
          const start = await api.call('recording.exportBundle', { draftId });
          const bundle = await readDownload(api, start, setExported);
          saveFile(bundle, start.name);
          setDone(t('supervision.session.bundleSaved', { name: start.name, size: formatByteSize(bundle.size) }));
        } finally {
          setExported(null);
        }
      },
      { tag: 'bundle' },
    );

  const addComment = () =>
    void action.run(
      async () => {
        onChanged(await api.call('sessions.comment', { draftId, text: comment }));
        setComment('');
        setDone(t('supervision.session.commentAdded'));
      },
      { tag: 'comment' },
    );
  const signOff = () => {
    if (!verdict) return;
    void action.run(
      async () => {
        onChanged(
          await api.call('sessions.signOff', { draftId, verdict, ...(remark.trim() ? { comment: remark } : {}) }),
        );
        setDone(t('supervision.session.signedOffDone'));
      },
      { tag: 'signOff' },
    );
  };

  const flagLines = session.flags.map((flag) => {
    switch (flag) {
      case 'videoGap':
        return detail.recorded
          ? t('supervision.session.flagDetail.videoGap', { count: detail.gaps.length })
          : t('supervision.session.flagDetail.notRecorded');
      case 'missingSteps':
        return t('supervision.session.flagDetail.missingSteps', {
          steps: detail.missing.map((kind) => t(`supervision.session.chapterKinds.${kind}`)).join('、'),
        });
      case 'override':
        return t('supervision.session.flagDetail.override', { rules: detail.overrides.join('、') });
      case 'long':
        return session.durationMs !== null && detail.usualMs !== null
          ? t('supervision.session.flagDetail.long', {
              duration: durationText(session.durationMs),
              usual: durationText(detail.usualMs),
            })
          : t('supervision.session.flagDetail.longUnjudged');
      case 'chainBroken':
        return t('supervision.session.flagDetail.chainBroken');
    }
  });

  return (
    <section className="panel session-detail" aria-labelledby="session-detail-title">
      <div className="area-head">
        <h3 id="session-detail-title" tabIndex={-1}>
          {t('supervision.session.heading', {
            item: session.itemName ?? session.itemCode ?? '',
            clerk: session.clerkName ?? session.clerk ?? '',
          })}
        </h3>
        {chain.ok ? (
          <span className="chain-badge chain-ok" title={t('supervision.session.chainOkDetail', { count: chain.count })}>
            {t('supervision.session.chainOk')}
          </span>
        ) : (
          <span className="chain-badge chain-broken">{t('supervision.session.chainBroken')}</span>
        )}
        <SegmentBadge check={check} />
      </div>
      {check.problems.length > 0 && (
        <ul className="notice notice-error segment-problems" role="alert">
          {check.problems.map((problem) => (
            <li key={`${problem.track}-${problem.index}`}>
              {t('supervision.session.segmentsBadDetail', {
                track: t(`supervision.session.tracks.${problem.track}`),
                index: problem.index + 1,
                problem: t(`supervision.session.segmentProblems.${problem.problem}`),
              })}
            </li>
          ))}
        </ul>
      )}
      {check.error && (
        <p className="notice notice-error" role="alert">
          {t('supervision.session.segmentsCheckFailed', { message: check.error })}
        </p>
      )}
      {!chain.ok && (
        <p className="notice notice-error" role="alert">
          {t('supervision.session.chainBrokenDetail', {
            seq: chain.firstBadSeq,
            reason: t(`supervision.session.chainReasons.${chain.reason}`),
          })}
        </p>
      )}
      <dl className="session-facts">
        <div>
          <dt>{t('supervision.session.startedAt')}</dt>
          <dd>{hallDateTime(session.startedAt)}</dd>
        </div>
        <div>
          <dt>{t('supervision.session.duration')}</dt>
          <dd>{session.durationMs === null ? t('supervision.sessions.running') : durationText(session.durationMs)}</dd>
        </div>
        <div>
          <dt>{t('supervision.session.outcome')}</dt>
          <dd>{t(`supervision.sessions.outcomes.${session.outcome}`)}</dd>
        </div>
      </dl>

      {timeline?.error ? (
        <ErrorNotice message={timeline.error} />
      ) : segments === null ? (
        <p className="muted" role="status">
          {t('supervision.session.playerLoading')}
        </p>
      ) : segments.length === 0 ? (
        <p className="muted">{t('supervision.session.playerNotRecorded')}</p>
      ) : (
        <SessionPlayer
          detail={detail}
          segments={segments}
          handle={player}
          wide={wide}
          onWide={onWide}
          onReady={() => setPlayerReady(true)}
        />
      )}

      <div className="bundle-export">
        <button type="button" disabled={action.busyWith('bundle')} onClick={exportBundle}>
          {t('supervision.session.exportBundle')}
        </button>{' '}
        <span className="muted" role="status">
          {exported !== null
            ? t('supervision.session.bundleProgress', { size: formatByteSize(exported) })
            : t('supervision.session.bundleHint')}
        </span>
      </div>

      <h4>{t('supervision.session.flagsTitle')}</h4>
      {session.flags.length === 0 ? (
        <p className="muted">{t('supervision.session.noFlags')}</p>
      ) : (
        <ul className="flag-lines">
          {session.flags.map((flag, i) => (
            <li key={flag}>
              <span className={`flag-badge flag-${flag}`}>{t(`supervision.sessions.flags.${flag}`)}</span>{' '}
              {flagLines[i]}
            </li>
          ))}
          {detail.gaps.map((gap) => {
            const params = {
              track: t(`supervision.session.tracks.${gap.track}`),
              from: offsetLabel(gap.fromMs - session.startedAt),
              length: gap.toMs === null ? '' : durationText(gap.toMs - gap.fromMs),
              reason: tryT(`supervision.session.gapReasons.${gap.reason}`) ?? gap.reason,
            };
            return (
              <li key={`${gap.track}-${gap.fromMs}`} className="muted">
                {gap.toMs === null ? t('supervision.session.gapOpen', params) : t('supervision.session.gap', params)}
              </li>
            );
          })}
        </ul>
      )}

      <h4 id="session-chapters-title">{t('supervision.session.chaptersTitle')}</h4>
      {detail.chapters.length === 0 ? (
        <p className="muted">{t('supervision.session.noChapters')}</p>
      ) : (
        <table className="table compact" aria-label={t('supervision.session.chaptersTable')}>
          <thead>
            <tr>
              <th scope="col">{t('supervision.session.col.time')}</th>
              <th scope="col">{t('supervision.session.col.kind')}</th>
              <th scope="col">{t('supervision.session.col.subject')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.chapters.map((chapter) => (
              <tr key={`${chapter.seq}-${chapter.kind}-${chapter.subject ?? ''}`}>
                <td className="mono">
                  {segments && segments.length > 0 ? (
                    <button
                      type="button"
                      className="link-button"
                      title={t('supervision.session.jumpTo')}
                      onClick={() => player.current?.seek(chapter.at)}
                    >
                      {hallClock(chapter.at)}
                    </button>
                  ) : (
                    hallClock(chapter.at)
                  )}{' '}
                  <span className="muted">{offsetLabel(chapter.at - session.startedAt)}</span>
                </td>
                <td>{t(`supervision.session.chapterKinds.${chapter.kind}` as MessageKey)}</td>
                <td>{subjectText(chapter.kind, chapter.subject)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h4>{t('supervision.session.notesTitle')}</h4>
      {detail.notes.length === 0 ? (
        <p className="muted">{t('supervision.session.noNotes')}</p>
      ) : (
        <ul className="session-notes">
          {detail.notes.map((note) => (
            <li key={note.seq}>
              <span className="muted">{hallDateTime(note.at)}</span>{' '}
              <strong>
                {note.kind === 'comment'
                  ? t('supervision.session.comment', { by: note.by })
                  : t('supervision.session.signedOff', {
                      by: note.by,
                      verdict: t(`supervision.session.verdicts.${note.verdict ?? 'ok'}`),
                    })}
              </strong>
              {note.text && <span className="note-text">{note.text}</span>}
            </li>
          ))}
        </ul>
      )}

      <ErrorNotice message={action.error} />
      {done && <StatusNotice message={done} />}

      <form
        className="comment-form"
        onSubmit={(event) => {
          event.preventDefault();
          addComment();
        }}
      >
        <label htmlFor="session-comment">{t('supervision.session.commentLabel')}</label>
        <textarea
          id="session-comment"
          rows={2}
          maxLength={MAX_COMMENT}
          value={comment}
          aria-describedby="session-comment-hint"
          onChange={(event) => setComment(event.target.value)}
          onKeyDown={(event) => {
            // Ctrl+Enter adds it, as in a chat box; Enter alone is a new line.
            if (event.key === 'Enter' && event.ctrlKey) {
              event.preventDefault();
              if (comment.trim()) addComment();
            }
          }}
        />
        <p id="session-comment-hint" className="muted">
          {t('supervision.session.commentHint')}
        </p>
        <button type="submit" disabled={!comment.trim() || action.busyWith('comment')}>
          {t('supervision.session.addComment')}
        </button>
      </form>

      {session.signOff ? (
        <p className="signed-off">
          {t('supervision.session.alreadySigned', {
            by: session.signOff.by,
            at: hallDateTime(session.signOff.at),
            verdict: t(`supervision.session.verdicts.${session.signOff.verdict}`),
          })}
        </p>
      ) : session.outcome === 'open' ? (
        <p className="muted">{t('supervision.session.openSession')}</p>
      ) : (
        <form
          className="sign-off-form"
          onSubmit={(event) => {
            event.preventDefault();
            signOff();
          }}
        >
          <fieldset>
            <legend>{t('supervision.session.signOffTitle')}</legend>
            <div role="radiogroup" aria-label={t('supervision.session.verdict')} className="verdicts">
              {(['ok', 'issues'] as const).map((value) => (
                <label key={value} className="radio">
                  <input
                    type="radio"
                    name="verdict"
                    value={value}
                    checked={verdict === value}
                    onChange={() => setVerdict(value)}
                  />
                  {t(`supervision.session.verdicts.${value}`)}
                </label>
              ))}
            </div>
            <label htmlFor="session-sign-off-comment">{t('supervision.session.signOffComment')}</label>
            <textarea
              id="session-sign-off-comment"
              rows={2}
              maxLength={MAX_COMMENT}
              value={remark}
              onChange={(event) => setRemark(event.target.value)}
            />
            <button type="submit" className="primary" disabled={!verdict || action.busyWith('signOff')}>
              {t('supervision.session.signOff')}
            </button>
          </fieldset>
        </form>
      )}
    </section>
  );
}

/** The second half of the verification badge: the stored segments against their hashes, with progress. */
function SegmentBadge({ check }: { check: SegmentCheckState }) {
  if (!check.done) {
    return (
      <span className="chain-badge chain-checking" role="status">
        {t('supervision.session.segmentsChecking', { checked: check.checked, total: check.total || '…' })}
      </span>
    );
  }
  if (check.error) return null;
  if (check.problems.length > 0) {
    return (
      <span className="chain-badge chain-broken">
        {t('supervision.session.segmentsBad', { count: check.problems.length })}
      </span>
    );
  }
  return (
    <span className="chain-badge chain-ok">
      {check.total === 0
        ? t('supervision.session.segmentsNone')
        : t('supervision.session.segmentsOk', { total: check.total })}
    </span>
  );
}
