// The intake wizard for one draft: 申请人 · 填写表单 · 收取材料 · 形式审查, then
// sealing. The draft as shown is the truth being typed; every change goes to the
// core by autosave (only the changed part), so a reload resumes at the same step
// with the same values. Alt+←/Alt+→ and Alt+1…4 move between steps, Alt+R reviews
// and Alt+S seals (after a confirmation), from any field; Enter moves to the next
// field, and from the last field to the next step.
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
} from 'react';
import type { ApplicantStatus, DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import type { ServiceItem } from '../../../src-main/common/catalog.ts';
import type { IdentityHolder } from '../../../src-main/common/application.ts';
import type { IdentityCheckInput } from '../../../src-main/common/identity-check.ts';
import {
  applyPatch,
  type DraftFile,
  type DraftPatch,
  type DraftState,
  WIZARD_STEPS,
  type WizardStep,
} from '../../../src-main/common/draft.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import { hallDate } from '../../../src-main/common/hall-time.ts';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { t } from '../../../src-main/common/i18n/index.ts';
import { ApplicantStep } from './ApplicantStep.tsx';
import type { FaceMatcherPort, IdentityCheckSources } from './IdentityCheckPanel.tsx';
import { useApplicantStatus } from '../applicant/use-applicant-status.ts';
import { PairingCode } from '../applicant/PairingCode.tsx';
import { useFaceMatcher } from '../../devices/face/use-face-matcher.ts';
import { ConfirmPanel } from './ConfirmPanel.tsx';
import { DraftSaver, type SaveStatus } from './draft-saver.ts';
import { FormStep } from './FormStep.tsx';
import { MaterialsStep } from './MaterialsStep.tsx';
import { openDraft } from './open-draft.ts';
import { ReviewStep } from './ReviewStep.tsx';
import { SealedView } from './SealedView.tsx';
import { DemoReceiptPrinter } from '../printing/DemoReceiptPrinter.tsx';
import type { CardSources, StepProps } from './step-props.ts';
import { useCardDesk } from './use-card-desk.ts';
import {
  CALL_SHORTCUT,
  REVIEW_SHORTCUT,
  type ReviewCommands,
  SEAL_SHORTCUT,
  stepOfKey,
  stepShortcut,
} from './shortcuts.ts';
import { useCalls } from '../calls/calls-context.tsx';
import { EMPTY_PERSON, isEmptyPerson, needsGuardian, stepAfter } from './wizard-model.ts';
import { stepProblems } from './checks.ts';
import { SupplementRequest } from './SupplementRequest.tsx';
import { RecordingIndicator, type StopReason, useSessionRecording } from '../../recording/RecordingIndicator.tsx';
import { sensitiveTexts } from '../../recording/masking.ts';

const FIELD_SELECTOR =
  'input:not([type="hidden"]):not([type="file"]):not(:disabled), select:not(:disabled), textarea:not(:disabled)';

/**
 * The step's fields in document order (some DOMs return a selector list's matches grouped
 * by selector), without those of a part marked `data-not-a-field` (the demo's simulated
 * card reader): Enter never walks into them, nor does a step land there.
 */
function fieldsIn(container: HTMLElement | null, selector = FIELD_SELECTOR): HTMLElement[] {
  return [...(container?.querySelectorAll<HTMLElement>(selector) ?? [])]
    .filter((field) => !field.closest('[data-not-a-field]'))
    .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
}

interface WizardProps {
  draftId: string;
  initial?: DraftView | undefined;
  locked: boolean;
  onExit: () => void;
  /** The demo profile (its simulated card reader can be used from the screen). */
  demo?: boolean;
}

type Loaded = { kind: 'ready'; draft: DraftView; item: ServiceItem } | { kind: 'failed'; message: string };

export function IntakeWizard({ draftId, initial, locked, onExit, demo = false }: WizardProps) {
  const api = useApi();
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      const draft = initial ?? (await api.call('drafts.get', { id: draftId }));
      const item = await api.call('catalog.item', { code: draft.itemCode });
      return { draft, item };
    })().then(
      ({ draft, item }) => {
        if (live) setLoaded({ kind: 'ready', draft, item });
      },
      (failure: unknown) => {
        if (live) setLoaded({ kind: 'failed', message: describeError(failure) });
      },
    );
    return () => {
      live = false;
    };
    // The draft id is the wizard's identity (the queue keys it by id).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, draftId]);

  if (!loaded) {
    return (
      <section className="area" aria-labelledby="intake-title">
        <h2 id="intake-title" tabIndex={-1}>
          {t('areas.queue')}
        </h2>
        <p className="muted">{t('intake.loading')}</p>
      </section>
    );
  }
  if (loaded.kind === 'failed') {
    return (
      <section className="area" aria-labelledby="intake-title">
        <h2 id="intake-title" tabIndex={-1}>
          {t('areas.queue')}
        </h2>
        <ErrorNotice message={loaded.message} />
        <div className="actions">
          <button type="button" className="primary" autoFocus onClick={onExit}>
            {t('intake.leave')}
          </button>
        </div>
      </section>
    );
  }
  return <DraftEditor draft={loaded.draft} item={loaded.item} locked={locked} onExit={onExit} demo={demo} />;
}

function DraftEditor({
  draft,
  item,
  locked,
  onExit,
  demo,
}: {
  draft: DraftView;
  item: ServiceItem;
  locked: boolean;
  onExit: () => void;
  demo: boolean;
}) {
  const api = useApi();
  const [step, setStep] = useState<WizardStep>(draft.step);
  const [state, setState] = useState<DraftState>(draft.state);
  const [files, setFiles] = useState<DraftFile[]>(draft.files);
  // Files still on their way into the draft: 封装 waits for them (the core refuses it too).
  const [uploading, setUploading] = useState(0);
  const onUploading = useCallback((delta: 1 | -1) => setUploading((n) => n + delta), []);
  const [saveStatus, setSaveStatus] = useState<SaveStatus>({ kind: 'idle' });
  const [sealed, setSealed] = useState<SealedPacket | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const action = useAction();
  const [today] = useState(() => hallDate());
  // Every change counts up, so review knows when its result went stale.
  const [revision, setRevision] = useState(0);
  const revisionRef = useRef(0);
  const stateRef = useRef(state);
  const saverRef = useRef<DraftSaver | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const nextRef = useRef<HTMLButtonElement>(null);
  const focusNext = useCallback(() => nextRef.current?.focus(), []);
  const reviewCommands = useRef<ReviewCommands | null>(null);
  // Alt+R from another step: review runs once the review step is there.
  const reviewOnArrival = useRef(false);
  const consumeReviewOnArrival = useCallback(() => {
    const pending = reviewOnArrival.current;
    reviewOnArrival.current = false;
    return pending;
  }, []);
  // Opening the draft lands in its step, as does every step change.
  const focusStep = useRef(true);

  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  // The session is recorded while the draft is open here, and after its seal until the clerk leaves.
  const stopReason = useRef<StopReason>('left');
  // Asked for every text node the screen recorder stores: worked out once per change of the draft.
  const sensitive = useRef<{ of: DraftState; texts: string[] } | null>(null);
  const recording = useSessionRecording(
    draft.id,
    () => {
      const now = stateRef.current;
      if (sensitive.current?.of !== now) sensitive.current = { of: now, texts: sensitiveTexts(now, item) };
      return sensitive.current.texts;
    },
    () => stopReason.current,
  );

  useEffect(() => {
    const saver = new DraftSaver(
      (patch) => api.call('drafts.save', { id: draft.id, patch }).then(() => undefined),
      setSaveStatus,
    );
    saverRef.current = saver;
    // Leaving the page (reload, window closed) sends what is still queued.
    const onHide = () => void saver.flush();
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      saverRef.current = null;
      void saver.dispose();
    };
  }, [api, draft.id]);

  const bumpRevision = useCallback(() => {
    revisionRef.current += 1;
    setRevision(revisionRef.current);
  }, []);

  const update = useCallback(
    (patch: DraftPatch, when: 'typing' | 'now' = 'typing') => {
      const next = applyPatch(stateRef.current, patch).next;
      stateRef.current = next;
      setState(next);
      bumpRevision();
      saverRef.current?.change(patch, when);
    },
    [bumpRevision],
  );

  // A file added or removed makes an earlier review stale, as a typed change does.
  const onFiles = useCallback(
    (next: DraftFile[]) => {
      setFiles(next);
      bumpRevision();
    },
    [bumpRevision],
  );

  // Written by the core alone (drafts.certifyCopy, and dropped by it when pages change): taken as it says.
  const onCertified = useCallback(
    (certifiedCopies: DraftState['certifiedCopies']) => {
      const { certifiedCopies: before, ...rest } = stateRef.current;
      if (JSON.stringify(before ?? {}) === JSON.stringify(certifiedCopies ?? {})) return;
      const next = certifiedCopies ? { ...rest, certifiedCopies } : rest;
      stateRef.current = next;
      setState(next);
      bumpRevision();
    },
    [bumpRevision],
  );

  // Written by the core alone (drafts.signOnPaper, applicant.sign): taken as it says. Review does not read it.
  const onSignature = useCallback((signature: DraftState['signature']) => {
    const { signature: _before, ...rest } = stateRef.current;
    const next = signature ? { ...rest, signature } : rest;
    stateRef.current = next;
    setState(next);
  }, []);

  const flush = useCallback(async () => (await saverRef.current?.flush()) ?? false, []);

  // 视频会商: a call made or answered while this draft is open is recorded in its session,
  // and a still the approver asks for is filed into it.
  const calls = useCalls();
  const attachDraft = calls?.attachDraft;
  const { recordCall } = recording;
  useEffect(() => {
    if (!attachDraft || sealed) return;
    attachDraft(
      {
        draftId: draft.id,
        itemName: draft.itemName,
        materials: item.materials.map((m) => ({ id: m.id, name: m.name })),
        onFiled: (view) => {
          onFiles(view.files);
          onCertified(view.state.certifiedCopies);
        },
      },
      { recordCall },
    );
    return () => attachDraft(null, null);
  }, [attachDraft, sealed, draft.id, draft.itemName, item, onFiles, onCertified, recordCall]);
  const openCall = useCallback(
    () => calls?.open({ kind: 'draft', draftId: draft.id, itemName: draft.itemName }),
    [calls, draft.id, draft.itemName],
  );

  // The ID card reader: a card read fills the identity through the core (which logs the
  // reading); what was typed is saved first so the card's identity lands on top of it.
  const desk = useCardDesk(locked);
  const fillFromCard = useCallback(
    async (who: IdentityHolder, readId: string) => {
      await flush();
      const view = await api.call('drafts.useIdCard', { id: draft.id, who, readId });
      const next = { ...stateRef.current, [who]: view.state[who] };
      stateRef.current = next;
      setState(next);
      bumpRevision();
    },
    [api, draft.id, flush, bumpRevision],
  );
  // A card read that no draft has used yet fills the first empty identity on its own:
  // the applicant's, else a minor applicant's guardian's, else an agent's the clerk has ticked.
  const autoFilled = useRef<string | null>(null);
  const { run: runAutoFill, error: autoFillError } = useAction();
  useEffect(() => {
    const reading = desk.reading;
    if (!reading || locked || reading.usedBy.length > 0 || autoFilled.current === reading.readId) return;
    const current = stateRef.current;
    const who = isEmptyPerson(current.applicant)
      ? 'applicant'
      : needsGuardian(current, today) && isEmptyPerson(current.guardian?.person ?? EMPTY_PERSON)
        ? 'guardian'
        : current.agent && isEmptyPerson(current.agent)
          ? 'agent'
          : null;
    if (!who) return;
    autoFilled.current = reading.readId;
    void runAutoFill(() => fillFromCard(who, reading.readId));
  }, [desk, locked, fillFromCard, runAutoFill, today]);
  const cards: CardSources = { desk, fill: fillFromCard, demo };

  // 人证核验: recorded by the core, which alone writes the check into the draft.
  const recordIdentityCheck = useCallback(
    async (who: IdentityHolder, check: IdentityCheckInput) => {
      const view = await api.call('drafts.identityCheck', { id: draft.id, who, check });
      const next = { ...stateRef.current, identityCheck: view.state.identityCheck };
      stateRef.current = next;
      setState(next);
      bumpRevision();
    },
    [api, draft.id, bumpRevision],
  );
  // The applicant answers on their screen (consent, confirmation, signature) and the core writes
  // it into the draft: when the screen says it answered for this draft, those are read again.
  const takeApplicantAnswer = useCallback(
    (status: ApplicantStatus) => {
      const answer = status.answer;
      if (!answer || !('draftId' in answer) || answer.draftId !== draft.id) return;
      void api.call('drafts.get', { id: draft.id }).then(
        ({ state: { faceConsent, confirmation, signature } }) => {
          const next = { ...stateRef.current, faceConsent, confirmation, signature };
          stateRef.current = next;
          setState(next);
        },
        () => {}, // a lost link: the clerk asks again or compares by eye
      );
    },
    [api, draft.id],
  );
  const [applicantStatus] = useApplicantStatus(takeApplicantAnswer);
  // The face models load once the wizard is open, off the critical path of the first screen.
  const face = useFaceMatcher();
  const loadFace = face.load;
  useEffect(() => {
    loadFace().catch(() => {}); // unavailable: the panel offers the comparison by eye
  }, [loadFace]);
  const faceUnavailable = face.status === 'unavailable';
  const { setReference, matchFrame } = face;
  const matcher: FaceMatcherPort | null = useMemo(
    () =>
      faceUnavailable
        ? null
        : {
            setReference: async (photo) => 'ok' in (await setReference(photo)),
            matchFrame: async (frame) => {
              const r = await matchFrame(frame);
              return {
                outcome: r.outcome,
                problem: r.problem,
                similarity: r.similarity ?? 0,
                live: r.live ?? 0,
                real: r.real ?? 0,
              };
            },
          },
    [faceUnavailable, setReference, matchFrame],
  );
  const paired = applicantStatus?.paired === true && !applicantStatus.lost;
  const identityCheck: IdentityCheckSources = useMemo(
    () => ({
      record: recordIdentityCheck,
      consent: {
        screen: paired,
        ask: async () => {
          await api.call('applicant.askConsent', { draftId: draft.id });
        },
        pairing: <PairingCode paired={paired} />,
      },
      matcher,
    }),
    [recordIdentityCheck, paired, api, draft.id, matcher],
  );

  // Steps the clerk tried to leave with something to fix: their problems all show.
  const [checked, setChecked] = useState<ReadonlySet<WizardStep>>(() => new Set());
  // Counts up on each refused move, so the focus goes to the first problem each time.
  const [refusals, setRefusals] = useState(0);

  /**
   * Moves to `next`. 下一步 (the button, Alt+→, Enter from the last field) leaves a step only
   * when it has nothing to fix, else stays and shows every problem; a jump (the step bar,
   * Alt+1…4, review) goes where it was sent, and the steps it passed show theirs on return.
   * Review and sealing check it all again. Returns false when it stayed.
   */
  const goTo = useCallback(
    (next: WizardStep | undefined, how: 'next' | 'jump' = 'jump'): boolean => {
      if (!next || next === step) return false;
      const passed = WIZARD_STEPS.slice(WIZARD_STEPS.indexOf(step), Math.max(0, WIZARD_STEPS.indexOf(next)));
      const wrong = passed.filter((at) => stepProblems(at, item, stateRef.current, today).length > 0);
      if (wrong.length > 0) setChecked((current) => new Set([...current, ...wrong]));
      if (how === 'next' && wrong.includes(step)) {
        setRefusals((n) => n + 1);
        return false;
      }
      focusStep.current = true;
      setStep(next);
      saverRef.current?.change({ step: next }, 'now');
      return true;
    },
    [step, item, today],
  );

  // A refused move: the focus goes to the first field marked wrong.
  useEffect(() => {
    if (refusals === 0) return;
    bodyRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refusals]);

  useEffect(() => {
    if (!focusStep.current) return;
    focusStep.current = false;
    const body = bodyRef.current;
    const first = fieldsIn(body, `${FIELD_SELECTOR}, button:not(:disabled)`)[0];
    (first ?? body?.querySelector<HTMLElement>('h3'))?.focus();
  }, [step]);

  // A layout effect: the keys are live from the first paint of the step, so an Alt+3 pressed
  // as soon as the item's title shows never falls through to the shell's area keys.
  useLayoutEffect(() => {
    if (locked || sealed) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) return;
      const stepKey = stepOfKey(event.code);
      if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
        goTo(stepAfter(step, event.key === 'ArrowRight' ? 1 : -1), 'next');
      } else if (stepKey) {
        goTo(stepKey);
      } else if (event.code === REVIEW_SHORTCUT.code) {
        if (step === 'review') reviewCommands.current?.review();
        else {
          reviewOnArrival.current = true;
          if (!goTo('review')) reviewOnArrival.current = false;
        }
      } else if (event.code === SEAL_SHORTCUT.code) {
        if (step === 'review') reviewCommands.current?.seal();
        else goTo('review');
      } else if (event.code === CALL_SHORTCUT.code && calls) {
        openCall();
      } else return;
      // Taken here, before the shell's Alt+digit (areas) sees it.
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [locked, sealed, step, goTo, calls, openCall]);

  /** Enter moves to the next field; from the step's last field to the next step. */
  const onStepKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Enter' || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.nativeEvent.isComposing) return;
    const target = event.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
    if (target instanceof HTMLInputElement && (target.type === 'file' || target.type === 'search')) return;
    const fields = fieldsIn(bodyRef.current).filter(
      (field) =>
        field === target ||
        !(
          field instanceof HTMLInputElement &&
          field.type === 'radio' &&
          field.name === (target as HTMLInputElement).name
        ),
    );
    event.preventDefault();
    const next = fields[fields.indexOf(target) + 1];
    if (next) next.focus();
    else goTo(stepAfter(step, 1), 'next');
  };

  // A failed save keeps the clerk here, with the save notice and its retry.
  const leave = async () => {
    action.clearError();
    if (await flush()) onExit();
  };

  const discard = () =>
    action.run(async () => {
      await saverRef.current?.dispose();
      await api.call('drafts.discard', { id: draft.id });
      stopReason.current = 'discarded';
      openDraft.clear();
      onExit();
    });

  const onSealed = (packet: SealedPacket) => {
    stopReason.current = 'sealed';
    openDraft.clear();
    setSealed(packet);
    // 一次一评: the visit is over, the applicant's screen asks for the rating.
    if (paired) api.call('applicant.askRating', { packetId: packet.packetId }).catch(() => {});
  };

  const heading = (
    <div className="area-head">
      <div>
        <h2 id="intake-title" tabIndex={-1}>
          {draft.itemName}
        </h2>
        <p className="muted">{t('intake.itemLine', { code: item.code })}</p>
      </div>
      <div className="area-head-states">
        {calls && !sealed && (
          <button
            type="button"
            className="call-open"
            aria-keyshortcuts={CALL_SHORTCUT.label}
            title={t('calls.openHint', { keys: CALL_SHORTCUT.label })}
            onClick={openCall}
          >
            {t('calls.open')}
            <kbd aria-hidden="true">{CALL_SHORTCUT.label}</kbd>
          </button>
        )}
        <RecordingIndicator status={recording.status} onSwitchCamera={recording.switchCamera} />
        {!sealed && <SaveIndicator status={saveStatus} onRetry={() => void flush()} />}
      </div>
    </div>
  );

  if (sealed) {
    return (
      <section className="area intake" aria-labelledby="intake-title">
        {heading}
        <SealedView packet={sealed} onBack={onExit} />
        {demo && <DemoReceiptPrinter />}
      </section>
    );
  }

  const showAll = checked.has(step);
  const stepProps: StepProps = { item, state, update, flush, today, showAll };
  const toFix = showAll ? stepProblems(step, item, state, today).length : 0;
  const index = WIZARD_STEPS.indexOf(step);
  const prev = stepAfter(step, -1);
  const next = stepAfter(step, 1);

  return (
    <section className="area intake" aria-labelledby="intake-title">
      {heading}
      {draft.previous && <SupplementRequest previous={draft.previous} late={draft.state.lateSupplement} />}
      <nav className="step-bar" aria-label={t('intake.stepNav')}>
        <ol>
          {WIZARD_STEPS.map((id, i) => (
            <li key={id} className={i < index ? 'step-done' : undefined}>
              <button
                type="button"
                aria-current={id === step ? 'step' : undefined}
                aria-keyshortcuts={stepShortcut(id)}
                title={t('intake.stepShortcut', { step: t(`intake.steps.${id}`), keys: stepShortcut(id) })}
                onClick={() => goTo(id)}
              >
                <span className="step-number" aria-hidden="true">
                  {i + 1}
                </span>
                {t(`intake.steps.${id}`)}
              </button>
            </li>
          ))}
        </ol>
      </nav>

      <div className="step-body" ref={bodyRef} onKeyDown={onStepKeyDown}>
        <h3 id="intake-step" tabIndex={-1}>
          {t(`intake.steps.${step}`)}
        </h3>
        {step === 'applicant' && <ApplicantStep {...stepProps} cards={cards} identityCheck={identityCheck} />}
        {step === 'form' && <FormStep {...stepProps} />}
        {step === 'materials' && (
          <MaterialsStep
            {...stepProps}
            draftId={draft.id}
            files={files}
            onFiles={onFiles}
            currentState={() => stateRef.current}
            focusAfterLast={focusNext}
            onUploading={onUploading}
            onCertified={onCertified}
          />
        )}
        {step === 'review' && (
          <ReviewStep
            {...stepProps}
            draftId={draft.id}
            revision={revision}
            currentRevision={() => revisionRef.current}
            uploading={uploading}
            onSealed={onSealed}
            commandsRef={reviewCommands}
            consumeReviewOnArrival={consumeReviewOnArrival}
            onSignature={onSignature}
          />
        )}
      </div>

      {toFix > 0 && (
        <p className="notice notice-error" role="alert">
          {t('intake.checks.stepBlocked', { count: toFix })}
        </p>
      )}
      <ErrorNotice message={action.error ?? autoFillError} />
      <div className="wizard-actions">
        <div className="actions">
          <button type="button" disabled={!prev} aria-keyshortcuts="Alt+ArrowLeft" onClick={() => goTo(prev)}>
            {t('intake.prev')}
            <kbd aria-hidden="true">Alt+←</kbd>
          </button>
          {next && (
            <button
              type="button"
              ref={nextRef}
              className="primary"
              aria-keyshortcuts="Alt+ArrowRight"
              onClick={() => goTo(next, 'next')}
            >
              {t('intake.next')}
              <kbd aria-hidden="true">Alt+→</kbd>
            </button>
          )}
        </div>
        <div className="actions">
          <button type="button" onClick={() => void leave()}>
            {t('intake.leave')}
          </button>
          <button type="button" className="danger" onClick={() => setConfirmDiscard(true)}>
            {t('intake.discard')}
          </button>
        </div>
      </div>
      {confirmDiscard && (
        <ConfirmPanel
          message={t('intake.discardConfirm')}
          confirm={t('intake.discardYes')}
          danger
          onConfirm={() => void discard()}
          onCancel={() => setConfirmDiscard(false)}
        />
      )}
    </section>
  );
}

function SaveIndicator({ status, onRetry }: { status: SaveStatus; onRetry: () => void }) {
  if (status.kind === 'failed') {
    return (
      <div className="save-state save-failed" role="alert">
        <span>{t('intake.save.failed', { message: describeError(status.error) })}</span>
        <button type="button" onClick={onRetry}>
          {t('intake.save.retry')}
        </button>
      </div>
    );
  }
  const text =
    status.kind === 'saving'
      ? t('intake.save.saving')
      : status.kind === 'pending'
        ? t('intake.save.pending')
        : status.kind === 'saved'
          ? t('intake.save.saved')
          : '';
  return (
    <p className="save-state muted" role="status">
      {text}
    </p>
  );
}
