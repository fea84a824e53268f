// The session player (录像回放): the counter camera's video and the replay of the clerk's
// screen side by side on one clock, the steps as markers on the timeline (a click or
// Alt+→ / Alt+← jumps), the gaps in red, play / pause (Alt+P, or Space in the player)
// and the speed. The playback itself is player-engine.ts; this draws it and takes keys.
//
// For tests and the bench, the region carries `data-ready` (both views show their first
// picture, or why not) and `data-seek-done` (counts jumps that have settled).
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import type { SessionDetail, TimelineSegment } from '../../../src-main/api/contract/index.ts';
import { hallClock } from '../../../src-main/common/hall-time.ts';
import { t, tryT } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { describeError } from '../../app/errors.ts';
import { PlayerEngine, type PlayerState, type ViewNote } from './player-engine.ts';
import { chapterFrom, playerSpan, trackSegments } from './player-model.ts';
import { clockText } from './session-model.ts';
import { SegmentSource } from './segment-source.ts';
import { callAt, CallTrackFollower } from './call-pip.ts';

export interface PlayerHandle {
  /** Both views to this wall-clock moment of the session. */
  seek(ms: number): void;
}

const SPEEDS = [0.5, 1, 1.5, 2, 4] as const;

/**
 * Where the player opens: the first moment both tracks have a picture (a session's first
 * moments, the item chosen, come before its recording starts; the screen's first segment
 * a little after the camera's).
 */
function firstPicture(segments: readonly TimelineSegment[], fromMs: number): number {
  const firsts = (['camera', 'screen'] as const)
    .map((track) => trackSegments(segments, track)[0]?.startMs)
    .filter((ms) => ms !== undefined);
  return Math.max(fromMs, ...firsts);
}

/** To the next (+1) or previous (-1) step from where the clock stands. */
function stepTo(
  engine: PlayerEngine | null,
  chapters: SessionDetail['chapters'],
  direction: 1 | -1,
  onError: (message: string) => void,
): void {
  if (!engine) return;
  const i = chapterFrom(chapters, engine.position(), direction);
  if (i !== -1) engine.seek(chapters[i]!.at).catch((failure: unknown) => onError(describeError(failure)));
}

function ViewNoteText({ note }: { note: ViewNote }) {
  if (note === null) return null;
  return <p className={`player-note player-note-${note}`}>{t(`supervision.session.playerNotes.${note}`)}</p>;
}

export function SessionPlayer({
  detail,
  segments,
  handle,
  wide,
  onWide,
  onReady,
}: {
  detail: SessionDetail;
  segments: readonly TimelineSegment[];
  handle?: Ref<PlayerHandle>;
  wide: boolean;
  onWide: (wide: boolean) => void;
  /** Both views show their first picture. */
  onReady?: () => void;
}) {
  const api = useApi();
  const videoRef = useRef<HTMLVideoElement>(null);
  const screenRef = useRef<HTMLDivElement>(null);
  const engineRef = useRef<PlayerEngine | null>(null);
  // 视频会商: the call's two tracks in a picture beside the camera, while the clock is in a call.
  const receivedRef = useRef<HTMLVideoElement>(null);
  const sentRef = useRef<HTMLVideoElement>(null);
  const followers = useRef<CallTrackFollower[]>([]);
  const callTracks = useMemo(
    () => ({ received: trackSegments(segments, 'callReceived'), sent: trackSegments(segments, 'callSent') }),
    [segments],
  );
  const hasCall = callTracks.received.length > 0 || callTracks.sent.length > 0;
  const [state, setState] = useState<PlayerState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { chapters } = detail;
  const draftId = detail.session.draftId;
  // A comment or sign-off gives a new detail: the player goes on where it stands.
  const lastChapterAt = chapters.at(-1)?.at ?? 0;
  const { startedAt, endedAt } = detail.session;
  // Keyed by value: a comment's new detail has the same steps, and the player must not start over.
  const momentsKey = chapters.map((chapter) => chapter.at).join(',');
  const chapterMoments = useMemo(() => (momentsKey === '' ? [] : momentsKey.split(',').map(Number)), [momentsKey]);
  const span = useMemo(
    () => playerSpan({ session: { startedAt, endedAt }, chapters: [{ at: lastChapterAt }] }, segments),
    [startedAt, endedAt, lastChapterAt, segments],
  );
  const length = span.toMs - span.fromMs;

  useEffect(() => {
    const video = videoRef.current;
    const screenRoot = screenRef.current;
    if (!video || !screenRoot) return;
    const engine = new PlayerEngine({
      video,
      screenRoot,
      source: new SegmentSource(api, draftId),
      segments,
      fromMs: span.fromMs,
      toMs: span.toMs,
      moments: chapterMoments,
      onState: setState,
    });
    engineRef.current = engine;
    engine.seek(firstPicture(segments, span.fromMs)).catch((failure: unknown) => setError(describeError(failure)));
    return () => {
      engine.destroy();
      engineRef.current = null;
    };
  }, [api, draftId, segments, span, chapterMoments]);

  useEffect(() => {
    const received = receivedRef.current;
    const sent = sentRef.current;
    if (!hasCall || !received || !sent) return;
    const source = new SegmentSource(api, draftId);
    const made = [
      new CallTrackFollower(received, source, callTracks.received),
      new CallTrackFollower(sent, source, callTracks.sent),
    ];
    followers.current = made;
    return () => {
      for (const follower of made) follower.destroy();
      followers.current = [];
    };
  }, [api, draftId, hasCall, callTracks]);
  useEffect(() => {
    if (!state) return;
    for (const follower of followers.current) follower.follow(state);
  }, [state]);

  const position = state?.positionMs ?? span.fromMs;
  const inCall = hasCall && callAt(callTracks.received, callTracks.sent, position);
  const seek = (ms: number) => {
    engineRef.current?.seek(ms).catch((failure: unknown) => setError(describeError(failure)));
  };
  const step = (direction: 1 | -1) => stepTo(engineRef.current, chapters, direction, setError);
  const toggle = () => engineRef.current?.toggle();

  useImperativeHandle(handle, () => ({ seek }));

  // Alt+P, Alt+→ / Alt+← anywhere on the review screen (the list's keys are Alt+↑ / Alt+↓).
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (event.code === 'KeyP') engineRef.current?.toggle();
      else if (event.key === 'ArrowRight') stepTo(engineRef.current, chapters, 1, setError);
      else if (event.key === 'ArrowLeft') stepTo(engineRef.current, chapters, -1, setError);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [chapters]);

  const ready = state?.ready ?? false;
  useEffect(() => {
    if (ready) onReady?.();
  }, [ready, onReady]);

  const current = chapters.findLastIndex((c) => c.at <= position);
  const percent = (ms: number) => `${(((ms - span.fromMs) / length) * 100).toFixed(3)}%`;
  const cameraGaps = detail.gaps.filter((gap) => gap.track === 'camera');
  const playing = state?.playing ?? false;

  return (
    <section
      className="player"
      aria-label={t('supervision.session.player')}
      data-ready={state?.ready ? 'true' : 'false'}
      data-seek-done={state?.seekDone ?? 0}
      onKeyDown={(event) => {
        // Space plays and pauses, unless a control that Space works is in focus.
        const target = event.target as HTMLElement;
        if (event.key !== ' ' || ['BUTTON', 'SELECT', 'INPUT'].includes(target.tagName)) return;
        event.preventDefault();
        toggle();
      }}
    >
      <div className="player-views">
        <figure className="player-view">
          <div className="player-frame">
            <video ref={videoRef} playsInline preload="auto" aria-label={t('supervision.session.playerVideo')} />
            <ViewNoteText note={state ? state.camera : 'loading'} />
            {hasCall && (
              <div className="player-call" hidden={!inCall} data-in-call={inCall ? 'true' : 'false'}>
                <video
                  ref={receivedRef}
                  playsInline
                  preload="auto"
                  data-track="callReceived"
                  aria-label={t('supervision.session.tracks.callReceived')}
                />
                <video
                  ref={sentRef}
                  playsInline
                  muted
                  preload="auto"
                  data-track="callSent"
                  aria-label={t('supervision.session.tracks.callSent')}
                />
                <span className="player-call-label">{t('supervision.session.chapterKinds.call')}</span>
              </div>
            )}
          </div>
          <figcaption>{t('supervision.session.playerCamera')}</figcaption>
        </figure>
        <figure className="player-view">
          <div className="player-frame">
            <div ref={screenRef} className="player-screen" aria-hidden="true" />
            <ViewNoteText note={state ? state.screen : 'loading'} />
          </div>
          <figcaption>{t('supervision.session.playerScreen')}</figcaption>
        </figure>
      </div>

      <div className="player-timeline" title={t('supervision.session.timelineTitle')}>
        {cameraGaps.map((gap) => (
          <span
            key={`${gap.fromMs}-${gap.reason}`}
            className="player-gap"
            aria-hidden="true"
            style={{
              left: percent(gap.fromMs),
              width: `calc(${percent((gap.toMs ?? span.toMs) - gap.fromMs + span.fromMs)} + 2px)`,
            }}
          />
        ))}
        <input
          type="range"
          aria-label={t('supervision.session.position')}
          aria-valuetext={clockText(position - span.fromMs)}
          min={0}
          max={length}
          step={1000}
          value={Math.round(position - span.fromMs)}
          onChange={(event) => seek(span.fromMs + Number(event.target.value))}
        />
        {chapters.map((chapter, i) => {
          const subject = chapter.subject
            ? `：${tryT(`outcomes.${chapter.subject}`) ?? tryT(`supervision.session.subjects.${chapter.subject}`) ?? chapter.subject}`
            : '';
          const label = t('supervision.session.marker', {
            offset: clockText(chapter.at - span.fromMs),
            kind: t(`supervision.session.chapterKinds.${chapter.kind}`),
            subject,
          });
          return (
            <button
              key={`${chapter.seq}-${chapter.kind}-${chapter.subject ?? ''}`}
              type="button"
              className={`chapter-marker chapter-${chapter.kind}${i === current ? ' current' : ''}`}
              data-chapter-index={i}
              style={{ left: percent(chapter.at) }}
              aria-label={label}
              title={label}
              onClick={() => seek(chapter.at)}
            />
          );
        })}
      </div>

      <div className="player-controls">
        <button type="button" className="primary" aria-keyshortcuts="Alt+P" onClick={toggle}>
          {playing ? t('supervision.session.pause') : t('supervision.session.play')}
        </button>
        <button type="button" aria-keyshortcuts="Alt+ArrowLeft" onClick={() => step(-1)}>
          {t('supervision.session.previousStep')}
        </button>
        <button type="button" aria-keyshortcuts="Alt+ArrowRight" onClick={() => step(1)}>
          {t('supervision.session.nextStep')}
        </button>
        <label className="player-speed">
          {t('supervision.session.speed')}{' '}
          <select
            value={state?.speed ?? 1}
            onChange={(event) => engineRef.current?.setSpeed(Number(event.target.value))}
          >
            {SPEEDS.map((speed) => (
              <option key={speed} value={speed}>
                {speed}×
              </option>
            ))}
          </select>
        </label>
        <span className="player-time mono">
          {t('supervision.session.positionText', {
            at: clockText(position - span.fromMs),
            total: clockText(length),
          })}{' '}
          <span className="muted">{hallClock(position)}</span>
        </span>
        <button type="button" aria-pressed={wide} onClick={() => onWide(!wide)}>
          {t('supervision.session.wide')}
        </button>
        {current !== -1 && (
          <span className="player-chapter">{t(`supervision.session.chapterKinds.${chapters[current]!.kind}`)}</span>
        )}
      </div>
      <ErrorNotice message={error} />
    </section>
  );
}
