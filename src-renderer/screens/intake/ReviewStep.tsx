// 形式审查: the clerk confirms the acceptance conditions, runs review in the core
// and sees the proposed outcome with every finding, grouped by what it concerns.
// A finding may be set aside only with a written reason (saved in the draft and
// logged by the core); then review runs again. Some never may be (an invalid ID number,
// a card out of its validity); some only with a supervisor's countersign on the spot
// (CountersignDialog), as must a problem the last 补正 notice missed (一次性告知). Sealing asks once more, naming the
// outcome and the documents it will issue — and, when review found characters the
// documents cannot print, naming those too: the clerk confirms them (the core refuses
// to seal without), with the focus on 取消.
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import type { ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { noticesFor } from '../../../src-main/common/manifest.ts';
import { describeCharacters, unprintableOf } from '../../../src-main/common/review/printing.ts';
import { isSealable, MIN_OVERRIDE_REASON_LENGTH } from '../../../src-main/common/review/review.ts';
import { type FindingTarget, isWindowFinding } from '../../../src-main/common/review/rules.ts';
import { overrideLevel } from '../../../src-main/common/review/findings.ts';
import { hallDateTime } from '../../../src-main/common/hall-time.ts';
import { CountersignDialog } from './CountersignDialog.tsx';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { documentTitle } from '../../components/FileView.tsx';
import { TextAreaField } from '../../components/Field.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { t } from '../../../src-main/common/i18n/index.ts';
import { ConfirmPanel } from './ConfirmPanel.tsx';
import { ApplicantScreenPanel } from '../applicant/ApplicantScreenPanel.tsx';
import { SignatureSummary } from './SignatureSummary.tsx';
import type { DraftSignature } from '../../../src-main/common/signature.ts';
import { REVIEW_SHORTCUT, type ReviewCommands, SEAL_SHORTCUT } from './shortcuts.ts';
import type { StepProps } from './step-props.ts';

type ReviewFinding = ReviewResult['findings'][number];

interface ReviewProps extends StepProps {
  draftId: string;
  /** Changes so far; a review older than this is stale. */
  revision: number;
  currentRevision: () => number;
  /** Material files still uploading: no seal until they are in. */
  uploading: number;
  onSealed: (packet: SealedPacket) => void;
  /** Set here for the draft's Alt+R / Alt+S. */
  commandsRef: RefObject<ReviewCommands | null>;
  /** True once when Alt+R brought the clerk here from another step. */
  consumeReviewOnArrival: () => boolean;
  /** The core wrote the applicant's signature (drafts.signOnPaper here; applicant.sign from the applicant screen). */
  onSignature: (signature: DraftSignature | undefined) => void;
}

const reasonLength = (reason: string) => [...reason.trim()].length;

export function ReviewStep({
  item,
  state,
  update,
  flush,
  draftId,
  revision,
  currentRevision,
  uploading,
  onSealed,
  commandsRef,
  consumeReviewOnArrival,
  onSignature,
}: ReviewProps) {
  const api = useApi();
  const [review, setReview] = useState<{ result: ReviewResult; revision: number } | null>(null);
  // Reviewing and sealing share one error line. A change while a review runs starts
  // another at once (concurrent); each answer keeps the revision it saw, so an older one shows as stale.
  const action = useAction();
  const running = action.busyWith('review');
  const sealing = action.busyWith('seal');
  const error = action.error;
  const [confirming, setConfirming] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  // A review the clerk asked for ends with the focus on what comes next.
  const focusOutcome = useRef(false);

  const run = (moveFocus = false) =>
    action.run(
      async () => {
        setConfirming(false);
        if (!(await flush())) return; // the save notice says why; nothing was reviewed
        const at = currentRevision();
        const result = await api.call('drafts.review', { id: draftId });
        focusOutcome.current = moveFocus;
        setReview({ result, revision: at });
      },
      { tag: 'review', concurrent: true },
    );

  const seal = (confirmUnprintable: string[]) =>
    action.run(
      async () => {
        if (!(await flush())) return;
        onSealed(
          await api.call('drafts.seal', {
            id: draftId,
            ...(confirmUnprintable.length > 0 ? { confirmUnprintable } : {}),
          }),
        );
      },
      { tag: 'seal', onFailure: () => setConfirming(false) },
    );

  const stale = review !== null && review.revision !== revision;
  const result = review?.result;
  // The window's own slips are fixed before sealing (the core refuses it too).
  const windowFixes = result?.windowFixes.length ?? 0;
  // So does an override or a missed notice item without its supervisor's countersign.
  const awaiting = result?.awaitingCountersign.length ?? 0;
  const canSeal =
    result !== undefined && !stale && !running && !sealing && uploading === 0 && windowFixes === 0 && awaiting === 0;
  const uploadsHintId = useId();
  const unprintable = result ? unprintableOf(result.findings) : [];

  useEffect(() => {
    commandsRef.current = {
      review: () => {
        if (!running && !sealing) void run(true);
      },
      seal: () => {
        if (canSeal) setConfirming(true);
      },
    };
    return () => {
      commandsRef.current = null;
    };
  });

  useEffect(() => {
    if (consumeReviewOnArrival()) void run(true);
    // Once, on arriving at the step.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // After review: the first finding still in the way, else 封装.
  useEffect(() => {
    if (!focusOutcome.current || !review) return;
    focusOutcome.current = false;
    const root = rootRef.current;
    (
      root?.querySelector<HTMLElement>('.finding-standing') ?? root?.querySelector<HTMLElement>('.seal-button')
    )?.focus();
  }, [review]);

  const setCondition = (id: string, value: 'met' | 'notMet') => {
    update({ conditions: { [id]: value } }, 'now');
    if (review) void run();
  };

  const setOverride = (findingKey: string, reason: string | null) => {
    const others = state.overrides.filter((o) => o.findingKey !== findingKey);
    update({ overrides: reason === null ? others : [...others, { findingKey, reason: reason.trim() }] }, 'now');
    // Setting one aside closes its form, which held the focus: move on from there.
    void run(reason !== null);
  };

  return (
    <div className="step-review" ref={rootRef}>
      <fieldset className="panel">
        <legend>{t('intake.review.conditionsTitle')}</legend>
        {item.acceptanceConditions.length === 0 ? (
          <p className="muted">{t('intake.review.noConditions')}</p>
        ) : (
          <>
            <p className="field-hint">{t('intake.review.conditionsHint')}</p>
            <ul className="conditions">
              {item.acceptanceConditions.map((condition) => (
                <ConditionRow
                  key={condition.id}
                  text={condition.text}
                  value={state.conditions[condition.id]}
                  onChange={(value) => setCondition(condition.id, value)}
                />
              ))}
            </ul>
          </>
        )}
      </fieldset>

      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={running || sealing}
          aria-keyshortcuts={REVIEW_SHORTCUT.label}
          onClick={() => void run(true)}
        >
          {t('intake.review.run')}
          <kbd aria-hidden="true">{REVIEW_SHORTCUT.label}</kbd>
        </button>
      </div>
      {running && (
        <p className="muted" role="status">
          {t('intake.review.running')}
        </p>
      )}
      <ErrorNotice message={error} />
      {stale && !running && <p className="notice notice-warn">{t('intake.review.stale')}</p>}

      {result && (
        <Outcome
          result={result}
          stale={stale}
          draftId={draftId}
          onOverride={(key, reason) => setOverride(key, reason)}
          onUndo={(key) => setOverride(key, null)}
          onCountersigned={(signed) => setReview({ result: signed, revision: currentRevision() })}
        />
      )}

      {result && !stale && windowFixes > 0 && (
        <p className="notice notice-warn" role="status">
          {t('intake.review.windowFixes', { count: windowFixes })}
        </p>
      )}
      {result && !stale && awaiting > 0 && (
        <p className="notice notice-warn" role="status">
          {t('intake.review.awaitingCountersign', { count: awaiting })}
        </p>
      )}
      {/* What the applicant checks on their screen before the seal (or why they could not). */}
      {result && !stale && isSealable(result) && <ApplicantScreenPanel draftId={draftId} />}
      <SignatureSummary draftId={draftId} signature={state.signature} onSignature={onSignature} />
      {/* A declined application is not received: nothing to seal, no document to issue. */}
      {result && !stale && isSealable(result) && (
        <div className="seal-row">
          {!confirming && (
            <button
              type="button"
              className="primary seal-button"
              disabled={running || sealing || uploading > 0 || windowFixes > 0 || awaiting > 0}
              aria-describedby={uploading > 0 ? uploadsHintId : undefined}
              aria-keyshortcuts={SEAL_SHORTCUT.label}
              onClick={() => setConfirming(true)}
            >
              {t('intake.review.seal')}
              <kbd aria-hidden="true">{SEAL_SHORTCUT.label}</kbd>
            </button>
          )}
          {confirming && (
            <ConfirmPanel
              message={[
                t('intake.review.sealConfirm', {
                  outcome: t(`outcomes.${result.outcome}`),
                  documents: noticesFor(result.outcome)
                    .map((kind) => `《${documentTitle(kind)}》`)
                    .join('、'),
                }),
                ...(unprintable.length > 0
                  ? [t('intake.review.sealConfirmUnprintable', { characters: describeCharacters(unprintable) })]
                  : []),
              ].join('')}
              confirm={t('intake.review.sealYes')}
              danger={unprintable.length > 0}
              busy={sealing}
              onConfirm={() => void seal(unprintable)}
              onCancel={() => setConfirming(false)}
            />
          )}
          {sealing && (
            <p className="muted" role="status">
              {t('intake.review.sealing')}
            </p>
          )}
          {uploading > 0 && !sealing && (
            <p className="muted" role="status" id={uploadsHintId}>
              {t('intake.review.sealWaitsForUploads', { count: uploading })}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function ConditionRow({
  text,
  value,
  onChange,
}: {
  text: string;
  value: 'met' | 'notMet' | undefined;
  onChange: (value: 'met' | 'notMet') => void;
}) {
  const id = useId();
  return (
    <li>
      <div role="radiogroup" aria-labelledby={`${id}-text`} className="condition">
        <span id={`${id}-text`} className="condition-text">
          {text}
        </span>
        {(['met', 'notMet'] as const).map((option) => (
          <span key={option} className="radio">
            <input
              id={`${id}-${option}`}
              type="radio"
              name={id}
              checked={value === option}
              onChange={() => onChange(option)}
            />
            <label htmlFor={`${id}-${option}`}>{t(`intake.review.${option}`)}</label>
          </span>
        ))}
      </div>
    </li>
  );
}

/** Findings grouped by what they concern, in the order review lists them. */
function groupFindings(
  findings: readonly ReviewFinding[],
): Array<{ key: string; title: string; findings: ReviewFinding[] }> {
  const groups = new Map<string, { key: string; title: string; findings: ReviewFinding[] }>();
  for (const finding of findings) {
    const { key, title } = groupOf(finding.target);
    const group = groups.get(key) ?? { key, title, findings: [] };
    group.findings.push(finding);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function groupOf(target: FindingTarget): { key: string; title: string } {
  switch (target.kind) {
    case 'item':
      return { key: 'item', title: t('intake.review.groups.item') };
    case 'condition':
      return { key: 'condition', title: t('intake.review.groups.condition') };
    case 'identity':
      return { key: `identity:${target.who}`, title: t(`intake.review.groups.${target.who}`) };
    case 'material':
      return { key: `material:${target.id}`, title: t('intake.review.groups.material', { name: target.name }) };
    case 'field':
      return { key: `field:${target.key}`, title: t('intake.review.groups.field', { label: target.label }) };
  }
}

function Outcome({
  result,
  stale,
  draftId,
  onOverride,
  onUndo,
  onCountersigned,
}: {
  result: ReviewResult;
  stale: boolean;
  draftId: string;
  onOverride: (findingKey: string, reason: string) => void;
  onUndo: (findingKey: string) => void;
  onCountersigned: (review: ReviewResult) => void;
}) {
  const id = useId();
  const deadline = result.decision?.decisionDeadline ?? result.correction?.deadline;
  return (
    <section
      className={`panel outcome-panel outcome-panel-${result.outcome}${stale ? ' outcome-stale' : ''}`}
      aria-labelledby={`${id}-title`}
    >
      <h4 id={`${id}-title`}>{t('intake.review.outcomeTitle', { outcome: t(`outcomes.${result.outcome}`) })}</h4>
      <p>{t(`intake.review.outcomeHints.${result.outcome}`)}</p>
      {result.decision && (
        <p className="deadline">
          {t(
            result.decision.decisionDeadline.calendarDays === undefined
              ? 'intake.review.decisionDeadline'
              : 'intake.review.decisionDeadlineCalendar',
            { date: result.decision.decisionDeadline.date, days: result.decision.committedDays },
          )}
        </p>
      )}
      {result.forwarded.length > 0 && (
        <>
          <p>{t('intake.review.forwardedTitle', { count: result.forwarded.length })}</p>
          <ul className="forwarded">
            {result.forwarded.map((f) => (
              <li key={f.message}>{f.message}</li>
            ))}
          </ul>
        </>
      )}
      {result.correction && (
        <p className="deadline">
          {t('intake.review.correctionDeadline', {
            date: result.correction.deadline.date,
            days: result.correction.days,
          })}
        </p>
      )}
      {deadline?.provisional && <p className="muted">{t('intake.review.provisional')}</p>}
      {result.supplement && <SupplementItems supplement={result.supplement} />}
      {result.unmatchedOverrides.length > 0 && (
        <p className="muted">{t('intake.review.unmatched', { count: result.unmatchedOverrides.length })}</p>
      )}

      <h4>{t('intake.review.findingsTitle', { count: result.findings.length })}</h4>
      {result.findings.length === 0 && <p className="muted">{t('intake.review.noFindings')}</p>}
      {groupFindings(result.findings).map((group) => (
        <section key={group.key} className="finding-group" aria-label={group.title}>
          <h5>{group.title}</h5>
          <ul className="findings">
            {group.findings.map((finding) => (
              <FindingRow
                key={finding.key}
                finding={finding}
                disabled={stale}
                draftId={draftId}
                awaitingCountersign={result.awaitingCountersign.includes(finding.key)}
                onOverride={(reason) => onOverride(finding.key, reason)}
                onUndo={() => onUndo(finding.key)}
                onCountersigned={onCountersigned}
              />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

/** 补正 resubmission: each item the last notice listed, and whether it is supplied now. */
function SupplementItems({ supplement }: { supplement: NonNullable<ReviewResult['supplement']> }) {
  const id = useId();
  return (
    <section className="supplement-items" aria-labelledby={`${id}-title`}>
      <h5 id={`${id}-title`}>{t('intake.review.supplement.title', { version: supplement.previousVersion })}</h5>
      <ul>
        {supplement.items.map((item) => (
          <li key={item.findingKey} className={`supplement-${item.status}`}>
            <span className={`tag tag-${item.status === 'open' ? 'blocking' : 'warning'}`}>
              {t(`intake.review.supplement.status.${item.status}`)}
            </span>{' '}
            {item.supply || item.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FindingRow({
  finding,
  disabled,
  draftId,
  awaitingCountersign,
  onOverride,
  onUndo,
  onCountersigned,
}: {
  finding: ReviewFinding;
  disabled: boolean;
  draftId: string;
  awaitingCountersign: boolean;
  onOverride: (reason: string) => void;
  onUndo: () => void;
  onCountersigned: (review: ReviewResult) => void;
}) {
  const [open, setOpen] = useState(false);
  const [signing, setSigning] = useState(false);
  const level = overrideLevel(finding);
  const [reason, setReason] = useState('');
  const atWindow = finding.severity === 'blocking' && isWindowFinding(finding);
  const severity = finding.declines ? 'declines' : atWindow ? 'window' : finding.severity;
  // Still in the way of 受理: where the focus lands after review.
  const standing = finding.severity === 'blocking' && !finding.override;
  const length = reasonLength(reason);
  const enough = length >= MIN_OVERRIDE_REASON_LENGTH;

  return (
    <li
      className={`finding finding-${severity}${finding.override ? ' finding-overridden' : ''}${standing ? ' finding-standing' : ''}`}
      tabIndex={standing ? -1 : undefined}
    >
      <span className={`tag tag-${severity}`}>{t(`intake.review.severity.${severity}`)}</span>
      {finding.missedInNotice && <span className="tag tag-missed">{t('intake.review.missedTag')}</span>}
      <span className="finding-message">{finding.message}</span>
      {finding.missedInNotice && <span className="finding-supply">{t('intake.review.missedInNotice')}</span>}
      {finding.severity === 'blocking' && level === 'never' && !finding.declines && (
        <span className="finding-supply">{t('intake.review.neverOverridable')}</span>
      )}
      {finding.supply && !finding.declines && !atWindow && !finding.override && (
        <span className="finding-supply">{t('intake.review.supply', { supply: finding.supply })}</span>
      )}
      {finding.severity === 'forwarded' && finding.legalBasis && (
        <span className="finding-supply">{finding.legalBasis}</span>
      )}
      {finding.override && (
        <div className="override">
          <span>{t('intake.review.overridden', { reason: finding.override.reason })}</span>
          <button type="button" disabled={disabled} onClick={onUndo}>
            {t('intake.review.undoOverride')}
          </button>
        </div>
      )}
      {!finding.override && finding.overridable && finding.severity === 'blocking' && !open && (
        <div className="override">
          <button type="button" disabled={disabled} onClick={() => setOpen(true)}>
            {t('intake.review.override')}
          </button>
          {level === 'supervisor' && <span className="muted">{t('intake.review.needsCountersign')}</span>}
        </div>
      )}
      {finding.countersignedBy && (
        <p className="countersigned">
          {t('intake.review.countersigned', {
            name: finding.countersignedBy.displayName,
            username: finding.countersignedBy.username,
            time: hallDateTime(finding.countersignedBy.at),
          })}
        </p>
      )}
      {awaitingCountersign && !signing && (
        <div className="override">
          <button type="button" disabled={disabled} onClick={() => setSigning(true)}>
            {t('intake.review.countersign.open')}
          </button>
        </div>
      )}
      {awaitingCountersign && signing && (
        <CountersignDialog
          draftId={draftId}
          findingKey={finding.key}
          message={finding.message}
          onSigned={(review) => {
            setSigning(false);
            onCountersigned(review);
          }}
          onCancel={() => setSigning(false)}
        />
      )}
      {!finding.override && open && (
        <div
          className="override override-form"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              setOpen(false);
            }
          }}
        >
          <TextAreaField
            label={t('intake.review.overrideReason')}
            autoFocus
            maxLength={500}
            value={reason}
            hint={t('intake.review.overrideHint', { min: MIN_OVERRIDE_REASON_LENGTH, count: length })}
            onChange={(event) => setReason(event.target.value)}
          />
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={!enough || disabled}
              onClick={() => {
                setOpen(false);
                onOverride(reason);
              }}
            >
              {t('intake.review.overrideConfirm')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
