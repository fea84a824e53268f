// 人证核验 beside the card panel: is the person at the counter the card's holder? Face
// matching first asks the applicant's separate consent on the applicant screen; then the
// counter camera's frames are compared with the card's chip photo in the face worker
// (face-match-model decides when to stop). A pass is recorded at once; an uncertain or
// failed match waits for the clerk's own verdict and reason. Without consent, screen,
// camera or photo the clerk compares by eye and records it: never a dead end.
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { CardPhoto } from '../../../src-main/api/contract/index.ts';
import type { IdentityHolder } from '../../../src-main/common/application.ts';
import {
  type ClerkVerdict,
  type IdentityCheck,
  type IdentityCheckInput,
  MAX_CHECK_REASON,
  type VisualCheckCause,
} from '../../../src-main/common/identity-check.ts';
import type { FaceConsent } from '../../../src-main/common/applicant.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useAction } from '../../app/use-action.ts';
import { chooseCounterCamera, rememberedCounterCamera } from '../../devices/countercam/camera.ts';
import { type FrameResult, nextMatchStep } from './face-match-model.ts';

/** The face worker as the panel uses it (src-renderer/devices/face). */
export interface FaceMatcherPort {
  /** The card's chip photo (image/bmp) as the reference; false when it holds no face. */
  setReference(photo: Uint8Array): Promise<boolean>;
  matchFrame(frame: ImageBitmap): Promise<FrameResult>;
}

/** The applicant screen's consent, as the wizard knows it. */
export interface ConsentSource {
  /** Whether an applicant screen is paired with this window now. */
  screen: boolean;
  /** Asks the applicant, on their screen, for consent to face recognition. */
  ask: () => Promise<void>;
  /** How to pair a screen from here (a pairing code in the browser host), while none is. */
  pairing?: ReactNode;
}

export interface IdentityCheckSources {
  record: (who: IdentityHolder, check: IdentityCheckInput) => Promise<void>;
  consent: ConsentSource;
  /** Null while the face worker cannot run here (no worker support, models failed). */
  matcher: FaceMatcherPort | null;
}

type Phase =
  | { kind: 'idle' }
  /** `previousAt`: the consent the draft held when asking (an answer is a newer one). */
  | { kind: 'consent'; previousAt: number | null }
  | { kind: 'matching'; frames: number; hint: FrameResult['problem'] }
  | { kind: 'verdict'; result: FrameResult & { outcome: 'uncertain' | 'fail' }; frames: number }
  | { kind: 'visual'; cause: VisualCheckCause };

/** Between frames: the worker needs a few hundred ms per frame anyway. */
const FRAME_GAP_MS = 150;

export function IdentityCheckPanel({
  who,
  photo,
  check,
  consent,
  sources,
}: {
  who: IdentityHolder;
  /** The card's photo while its reading is held; absent or not decoded: no face match. */
  photo: CardPhoto | undefined;
  /** The draft's check of this person, if any. */
  check: IdentityCheck | undefined;
  consent: FaceConsent | undefined;
  sources: IdentityCheckSources;
}) {
  const [asked, setPhase] = useState<Phase>({ kind: 'idle' });
  const action = useAction();
  const videoRef = useRef<HTMLVideoElement>(null);
  const stopRef = useRef<(() => void) | null>(null);
  const photoBytes = photo?.image?.bytes;

  // The applicant's answer arrives with the draft (a consent newer than the one asking saw): go on from there.
  const phase: Phase =
    asked.kind === 'consent' && consent && consent.at !== asked.previousAt
      ? consent.granted
        ? { kind: 'matching', frames: 0, hint: null }
        : { kind: 'visual', cause: 'consentRefused' }
      : asked;

  const record = useCallback(
    (input: IdentityCheckInput) =>
      action.run(async () => {
        await sources.record(who, input);
        setPhase({ kind: 'idle' });
      }),
    [action, sources, who],
  );

  // The match runs across renders: it reads the latest recorder and matcher, and restarts only when asked again.
  const recordRef = useRef(record);
  const matcherRef = useRef(sources.matcher);
  useEffect(() => {
    recordRef.current = record;
    matcherRef.current = sources.matcher;
  });

  // The match itself: its own camera stream (the recording's goes on), frames until a step decides.
  const matching = phase.kind === 'matching';
  useEffect(() => {
    if (!matching) return;
    const matcher = matcherRef.current;
    if (!matcher || !photoBytes) {
      setPhase({ kind: 'visual', cause: !photoBytes ? 'noCardPhoto' : 'matcherFailed' });
      return;
    }
    let stopped = false;
    let stream: MediaStream | null = null;
    stopRef.current = () => {
      stopped = true;
    };
    const run = async () => {
      try {
        if (!(await matcher.setReference(photoBytes))) {
          if (!stopped) setPhase({ kind: 'visual', cause: 'noCardPhoto' });
          return;
        }
        stream = await openFaceCamera();
        const video = videoRef.current;
        if (!video || stopped) return;
        video.srcObject = stream;
        await video.play();
        const started = performance.now();
        const results: FrameResult[] = [];
        while (!stopped) {
          const frame = await createImageBitmap(video);
          results.push(await matcher.matchFrame(frame));
          if (stopped) return;
          const step = nextMatchStep(results, performance.now() - started);
          if (step.kind === 'decided') {
            const { result } = step;
            if (result.outcome === 'pass') {
              setPhase({ kind: 'idle' });
              await recordRef.current({
                method: 'face',
                outcome: 'pass',
                similarity: result.similarity,
                live: result.live,
                real: result.real,
                frames: step.frames,
              });
            } else {
              setPhase({ kind: 'verdict', result: { ...result, outcome: result.outcome }, frames: step.frames });
            }
            return;
          }
          if (step.kind === 'gaveUp') {
            setPhase({ kind: 'visual', cause: step.problem === 'noCardFace' ? 'noCardPhoto' : 'noFace' });
            return;
          }
          setPhase({ kind: 'matching', frames: results.length, hint: step.hint });
          await new Promise((resolve) => setTimeout(resolve, FRAME_GAP_MS));
        }
      } catch (failure) {
        if (stopped) return;
        const name = (failure as { name?: string } | null)?.name;
        const cameraFault = name === 'NotFoundError' || name === 'NotAllowedError' || name === 'NotReadableError';
        setPhase({ kind: 'visual', cause: cameraFault ? 'noCamera' : 'matcherFailed' });
      }
    };
    void run();
    return () => {
      stopped = true;
      stopRef.current = null;
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [matching, photoBytes]);

  const faceBlocked = !photoBytes
    ? t('intake.identityCheck.noPhoto')
    : !sources.consent.screen
      ? t('intake.identityCheck.noScreen')
      : !sources.matcher
        ? t('intake.identityCheck.noMatcher')
        : null;
  const startFace = () =>
    void action.run(async () => {
      // Consent already given for this draft: straight to the camera.
      if (consent?.granted) {
        setPhase({ kind: 'matching', frames: 0, hint: null });
        return;
      }
      setPhase({ kind: 'consent', previousAt: consent?.at ?? null });
      await sources.consent.ask();
    });
  const visualCause: VisualCheckCause = !photoBytes
    ? 'noCardPhoto'
    : !sources.consent.screen
      ? 'noApplicantScreen'
      : consent?.granted === false
        ? 'consentRefused'
        : !sources.matcher
          ? 'matcherFailed'
          : 'noCamera';

  return (
    <section className="identity-check" aria-labelledby={`identity-check-${who}`}>
      <h4 id={`identity-check-${who}`}>{t('intake.identityCheck.title')}</h4>
      {phase.kind === 'idle' && (
        <>
          <p className={check ? 'identity-check-result' : 'muted'} role="status">
            {check ? describeCheck(check) : t('intake.identityCheck.none')}
          </p>
          <div className="actions">
            <button
              type="button"
              className={check ? undefined : 'primary'}
              disabled={faceBlocked !== null || action.busy}
              aria-describedby={faceBlocked ? `face-blocked-${who}` : undefined}
              onClick={startFace}
            >
              {t('intake.identityCheck.face')}
            </button>
            <button
              type="button"
              disabled={action.busy}
              onClick={() => setPhase({ kind: 'visual', cause: visualCause })}
            >
              {t('intake.identityCheck.visual')}
            </button>
          </div>
          {faceBlocked && (
            <p className="muted" id={`face-blocked-${who}`}>
              {faceBlocked}
            </p>
          )}
          {photoBytes && !sources.consent.screen && sources.consent.pairing}
        </>
      )}
      {phase.kind === 'consent' && (
        <>
          <p role="status">{t('intake.identityCheck.askingConsent')}</p>
          <div className="actions">
            <button type="button" onClick={() => setPhase({ kind: 'visual', cause: 'consentRefused' })}>
              {t('intake.identityCheck.visualInstead')}
            </button>
            <button type="button" onClick={() => setPhase({ kind: 'idle' })}>
              {t('common.cancel')}
            </button>
          </div>
        </>
      )}
      {phase.kind === 'matching' && (
        <>
          <video ref={videoRef} className="identity-check-video rr-block" muted playsInline aria-hidden="true" />
          <p role="status" aria-live="polite">
            {phase.hint
              ? t(`intake.identityCheck.hints.${phase.hint}`)
              : t('intake.identityCheck.matching', { frames: phase.frames })}
          </p>
          <progress aria-label={t('intake.identityCheck.matchingLabel')} />
          <div className="actions">
            <button type="button" onClick={() => (stopRef.current?.(), setPhase({ kind: 'idle' }))}>
              {t('intake.identityCheck.stop')}
            </button>
          </div>
        </>
      )}
      {phase.kind === 'verdict' && (
        <VerdictForm
          who={who}
          intro={t(`intake.identityCheck.outcomes.${phase.result.outcome}`, {
            similarity: percent(phase.result.similarity),
          })}
          notLive={phase.result.problem === 'notLive'}
          busy={action.busy}
          onCancel={() => setPhase({ kind: 'idle' })}
          onRecord={(verdict, reason) =>
            void record({
              method: 'face',
              outcome: phase.result.outcome,
              similarity: phase.result.similarity,
              live: phase.result.live,
              real: phase.result.real,
              frames: phase.frames,
              verdict,
              reason,
            })
          }
        />
      )}
      {phase.kind === 'visual' && (
        <VerdictForm
          who={who}
          intro={t(`intake.identityCheck.causes.${phase.cause}`)}
          notLive={false}
          busy={action.busy}
          reasonOptional
          onCancel={() => setPhase({ kind: 'idle' })}
          onRecord={(verdict, reason) =>
            void record({ method: 'visual', cause: phase.cause, verdict, ...(reason ? { reason } : {}) })
          }
        />
      )}
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
    </section>
  );
}

/** The clerk's own comparison: the person is the holder or not, and why (required unless it is a plain match by eye). */
function VerdictForm({
  who,
  intro,
  notLive,
  busy,
  reasonOptional = false,
  onCancel,
  onRecord,
}: {
  who: IdentityHolder;
  intro: string;
  notLive: boolean;
  busy: boolean;
  reasonOptional?: boolean;
  onCancel: () => void;
  onRecord: (verdict: ClerkVerdict, reason: string) => void;
}) {
  const [verdict, setVerdict] = useState<ClerkVerdict | null>(null);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const reasonId = useId();
  const needsReason = !reasonOptional || verdict === 'mismatch';
  const problem =
    verdict === null
      ? t('intake.identityCheck.verdictMissing')
      : needsReason && reason.trim() === ''
        ? t('intake.identityCheck.reasonMissing')
        : null;
  return (
    <form
      className="identity-verdict"
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (problem || verdict === null) return;
        onRecord(verdict, reason.trim());
      }}
    >
      <p>{intro}</p>
      {notLive && <p className="warning">{t('intake.identityCheck.notLive')}</p>}
      <fieldset>
        <legend>{t('intake.identityCheck.verdictLegend')}</legend>
        {(['match', 'mismatch'] as const).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name={`identity-verdict-${who}`}
              value={value}
              checked={verdict === value}
              onChange={() => setVerdict(value)}
            />
            {t(`intake.identityCheck.verdicts.${value}`)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={reasonId}>
        {needsReason ? t('intake.identityCheck.reason') : t('intake.identityCheck.reasonOptional')}
      </label>
      <textarea
        id={reasonId}
        rows={2}
        maxLength={MAX_CHECK_REASON}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      {tried && problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('intake.identityCheck.record')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function describeCheck(check: IdentityCheck): string {
  const { check: input } = check;
  if (input.method === 'face') {
    const result = t(`intake.identityCheck.done.${input.outcome}`, { similarity: percent(input.similarity) });
    return input.verdict ? `${result}；${t(`intake.identityCheck.verdicts.${input.verdict}`)}` : result;
  }
  return t('intake.identityCheck.done.visual', { verdict: t(`intake.identityCheck.verdicts.${input.verdict}`) });
}

function percent(similarity: number): string {
  return `${Math.round(similarity * 100)}%`;
}

/** The counter camera, video only, for the match (the recording keeps its own stream of it). */
async function openFaceCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw Object.assign(new Error('no mediaDevices'), { name: 'NotFoundError' });
  }
  const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  const chosen = chooseCounterCamera(cameras, rememberedCounterCamera());
  return navigator.mediaDevices.getUserMedia({
    video: { ...(chosen?.deviceId ? { deviceId: { exact: chosen.deviceId } } : {}), width: { ideal: 1280 } },
    audio: false,
  });
}
