// Formal review (形式审查): runs every rule over an item and a draft and proposes
// what the window does under 收受分离 — receive and forward (收件凭证; with the 受理通知书
// "受…委托" only where the department entrusted the window), 补正 (one notice listing
// every formal problem at once, with the date to supply them by), or decline (the window
// does not serve this: it does not receive and issues nothing). Substance is never the
// window's call: what the catalog lists as 不予受理情形 and unmet 受理条件 are forwarded.
// Pure: no database, no clock of its own; the caller logs the result and any
// override in the session's event log.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import {
  type Department,
  entrustmentFor,
  fieldsInEffect,
  type FormAnswers,
  Route,
  routeFor,
  type ServiceItem,
} from '../catalog.ts';
import { ReviewOutcome, type WindowOutcome } from '../manifest.ts';
import type { DateInput, WorkingCalendar } from '../working-calendar.ts';
import { type ApplicationDraft, isHandler } from '../application.ts';
import { checkIdNumber } from './identifiers.ts';
import { Finding, isWindowFinding, ReviewRuleId, RULES } from './rules.ts';
import { type Countersign, CountersignedBy, overrideLevel } from './findings.ts';

/**
 * 补正期限 when neither the item nor the hall sets one. 行政许可法 §32 gives the
 * office 5 days to issue the one-time notice; it sets no period for the applicant.
 * We give the applicant the same 5 working days by default — halls and items that
 * follow a local rule configure theirs.
 */
export const DEFAULT_CORRECTION_DAYS = 5;

/** A written reason shorter than this is not a reason. */
export const MIN_OVERRIDE_REASON_LENGTH = 10;

export const CORRECTION_LEGAL_BASIS = '《中华人民共和国行政许可法》第三十二条第一款第（四）项';
export const CORRECTION_LAPSE = '逾期未补正的，视为放弃本次申请。';

/** The clerk sets a finding aside, in writing. */
export const FindingOverride = z.object({ findingKey: z.string(), reason: z.string() });
export type FindingOverride = z.infer<typeof FindingOverride>;

export const AppliedOverride = FindingOverride.extend({
  ruleId: ReviewRuleId,
  /** The supervisor's countersign, for findings that need one (`overrideLevel` 'supervisor'). */
  countersignedBy: CountersignedBy.optional(),
});
export type AppliedOverride = z.infer<typeof AppliedOverride>;

/**
 * 补正 resubmission: what the version it supplements found and what its notice listed.
 * `notice` is null when the window issued none (the department asked for the 补正):
 * then no finding is the window's miss.
 */
export interface PreviousReview {
  version: number;
  /** Keys of that version's blocking findings on the applicant's side (set aside or not). */
  blockingKeys: readonly string[];
  notice: ReadonlyArray<{ findingKey: string; message: string; supply: string }> | null;
}

export interface ReviewOptions {
  calendar: WorkingCalendar;
  /** When the window received the application; periods count from the next day. */
  receivedAt: DateInput;
  /** The hall's 补正期限 in working days; an item's own period wins. */
  correctionDays?: number;
  overrides?: readonly FindingOverride[];
  /** The active catalog's departments: whose 委托受理 lets the window accept in their name. */
  departments?: readonly Department[];
  /** Supervisors' countersigns kept in the draft (matched to what they signed). */
  countersigns?: readonly Countersign[];
  /** 补正 resubmission: the review of the version it supplements. */
  previous?: PreviousReview;
}

export { ReviewOutcome } from '../manifest.ts';

export const CorrectionItem = z.object({
  findingKey: z.string(),
  ruleId: ReviewRuleId,
  message: z.string(),
  supply: z.string(),
});
export type CorrectionItem = z.infer<typeof CorrectionItem>;

const Deadline = z.object({
  date: z.string(),
  workingDays: z.number(),
  calendarDays: z.number().optional(),
  provisional: z.boolean(),
});

/** 审查结论 */
export const ReviewResult = z.object({
  itemCode: z.string(),
  /** The day of receipt in the hall's time zone. */
  receivedOn: z.string(),
  outcome: ReviewOutcome,
  /** Every finding, overridden ones included (each marked by `override`, and `countersignedBy` when signed). */
  findings: z.array(
    Finding.extend({ override: FindingOverride.optional(), countersignedBy: CountersignedBy.optional() }),
  ),
  overrides: z.array(AppliedOverride),
  /**
   * Keys of the findings still waiting for a supervisor's countersign: a countersign-level
   * override, or a finding missed in the previous version's notice. Sealing refuses until none.
   */
  awaitingCountersign: z.array(z.string()),
  /** 补正 resubmission: each item of the previous version's notice, and how it stands now. */
  supplement: z
    .object({
      previousVersion: z.number(),
      items: z.array(
        z.object({
          findingKey: z.string(),
          message: z.string(),
          supply: z.string(),
          /** `supplied`: the finding is gone; `open`: it stands; `overridden`: set aside in this version. */
          status: z.enum(['supplied', 'open', 'overridden']),
        }),
      ),
    })
    .optional(),
  /** Overrides naming no finding of this review (the draft changed since); not applied. */
  unmatchedOverrides: z.array(FindingOverride),
  /**
   * Keys of the standing findings the window must fix before sealing (what the clerk
   * typed, ticked or scanned; `isWindowFinding`). The outcome is what the applicant's
   * side calls for; these never go on a notice.
   */
  windowFixes: z.array(z.string()),
  /** The department that decides, by the applicant's home region; null when none does. */
  route: Route.nullable(),
  /** Received: the department that decides, its time limits, and the window's 委托受理 when it has one. */
  decision: z
    .object({
      departmentId: z.string(),
      legalDays: z.number(),
      committedDays: z.number(),
      decisionDeadline: Deadline,
      entrustment: z.object({ document: z.string() }).optional(),
    })
    .optional(),
  correction: z
    .object({
      items: z.array(CorrectionItem),
      days: z.number(),
      deadline: Deadline,
      legalBasis: z.string(),
      lapse: z.string(),
    })
    .optional(),
  /** Why the window does not receive (it does not serve this); nothing is sealed or issued. */
  decline: z.object({ reasons: z.array(z.string()) }).optional(),
  /** Substance recorded for the department to judge: listed to the clerk and in the manifest. */
  forwarded: z.array(z.object({ message: z.string(), legalBasis: z.string().optional() })),
});
export type ReviewResult = z.infer<typeof ReviewResult>;

/** A review the window can seal: it receives, accepts as entrusted, or issues its 补正. */
export type SealableReview = ReviewResult & { outcome: WindowOutcome };

export function isSealable(review: ReviewResult): review is SealableReview {
  return review.outcome !== 'decline';
}

export function reviewApplication(item: ServiceItem, draft: ApplicationDraft, options: ReviewOptions): ReviewResult {
  if (draft.itemCode !== item.code) {
    throw new Error(`draft is for item ${draft.itemCode}, not ${item.code}`);
  }
  const { calendar } = options;
  const receivedOn =
    typeof options.receivedAt === 'string' ? options.receivedAt : calendar.localDate(options.receivedAt);
  const agent = draft.agent !== undefined;
  const fields = fieldsInEffect(item, draft.answers, agent);
  // Conditions and rules see only the answers of fields in effect: a hidden field's old answer counts for nothing.
  const answers: FormAnswers = {};
  for (const field of fields) {
    const value = draft.answers[field.key];
    if (value !== undefined) answers[field.key] = value;
  }
  const context = {
    item,
    draft,
    today: receivedOn,
    fields,
    answers,
    conditions: { answers, agent, handler: isHandler(draft) },
    applicantId: checkIdNumber(draft.applicant.idNumber, receivedOn),
  };
  const findings = markMissed(
    RULES.flatMap((rule) => rule(context)),
    options.previous,
  );

  const { applied, unmatched } = applyOverrides(findings, options.overrides ?? []);
  const overridden = new Map(applied.map((o) => [o.findingKey, o]));
  const awaitingCountersign: string[] = [];
  const marked = findings.map((f) => {
    const override = overridden.get(f.key);
    const out: ReviewResult['findings'][number] = override
      ? { ...f, override: { findingKey: override.findingKey, reason: override.reason } }
      : { ...f };
    if (!needsCountersign(f, override)) return out;
    const signed = (options.countersigns ?? []).find(
      (c) => c.findingKey === f.key && c.reason === (override?.reason ?? '') && c.message === f.message,
    );
    if (signed) {
      out.countersignedBy = signed.by;
      if (override) override.countersignedBy = signed.by;
    } else {
      awaitingCountersign.push(f.key);
    }
    return out;
  });
  const blocking = findings.filter((f) => f.severity === 'blocking' && !overridden.has(f.key));
  // The window's own slips hold the seal back; only the applicant's side decides the outcome.
  const standing = blocking.filter((f) => !isWindowFinding(f));
  const route = routeFor(item, draft.homeRegionCode);

  const result: ReviewResult = {
    itemCode: item.code,
    receivedOn,
    outcome: 'receive',
    findings: marked,
    overrides: applied,
    unmatchedOverrides: unmatched,
    windowFixes: [],
    awaitingCountersign,
    route,
    forwarded: findings
      .filter((f) => f.severity === 'forwarded')
      .map((f) =>
        f.legalBasis === undefined ? { message: f.message } : { message: f.message, legalBasis: f.legalBasis },
      ),
  };
  const declines = standing.filter((f) => f.declines);
  if (declines.length > 0) {
    result.outcome = 'decline';
    result.decline = { reasons: declines.map((f) => f.message) };
  } else if (standing.length > 0) {
    const days = item.correctionDays ?? options.correctionDays ?? DEFAULT_CORRECTION_DAYS;
    result.outcome = 'correction';
    result.correction = {
      items: standing.map((f) => ({ findingKey: f.key, ruleId: f.ruleId, message: f.message, supply: f.supply ?? '' })),
      days,
      deadline: calendar.deadline(receivedOn, days),
      legalBasis: CORRECTION_LEGAL_BASIS,
      lapse: CORRECTION_LAPSE,
    };
  }
  if (options.previous?.notice) {
    const standingKeys = new Set(standing.map((f) => f.key));
    result.supplement = {
      previousVersion: options.previous.version,
      items: options.previous.notice.map((item) => ({
        ...item,
        status: standingKeys.has(item.findingKey)
          ? 'open'
          : overridden.has(item.findingKey)
            ? 'overridden'
            : 'supplied',
      })),
    };
  }
  // A decline needs only who is declined to be right; every other outcome the whole application.
  result.windowFixes = blocking
    .filter((f) => isWindowFinding(f) && (result.outcome !== 'decline' || f.target.kind === 'identity'))
    .map((f) => f.key);
  // Without a route only the home region is wrong (a window fix, so no seal before it is right).
  const entrustment = route && entrustmentFor(item, options.departments ?? [], route.departmentId);
  if (result.outcome === 'receive' && route) {
    result.outcome = entrustment ? 'accept_entrusted' : 'receive';
    result.decision = {
      departmentId: route.departmentId,
      legalDays: item.timeLimits.legalDays,
      committedDays: item.timeLimits.committedDays,
      decisionDeadline: calendar.deadlineIn(receivedOn, item.timeLimits.committedDays, item.timeLimits.unit),
      ...(entrustment ? { entrustment: { document: entrustment.document } } : {}),
    };
  }
  return result;
}

/**
 * intake.fixAtWindow while a finding the window must fix stands: the clerk corrects
 * what was typed, ticked or scanned first, and nothing is numbered or sealed before.
 */
export function assertNoWindowFixes(review: ReviewResult): void {
  if (review.windowFixes.length === 0) return;
  const open = new Set(review.windowFixes);
  const messages = review.findings.filter((f) => open.has(f.key)).map((f) => f.message);
  throw new AppError('intake.fixAtWindow', `${open.size} finding(s) for the window to fix: ${[...open].join(', ')}`, {
    count: open.size,
    items: messages.join(''),
  });
}

/**
 * 一次性告知: in a 补正 resubmission, a blocking finding on the applicant's side that the
 * previous version's review found but its notice did not list is the window's miss (it was
 * set aside, or the notice left it out). A problem new in this version is not.
 */
function markMissed(findings: Finding[], previous: PreviousReview | undefined): Finding[] {
  if (!previous?.notice) return findings;
  const before = new Set(previous.blockingKeys);
  const noticed = new Set(previous.notice.map((item) => item.findingKey));
  return findings.map((f) =>
    f.severity === 'blocking' && !isWindowFinding(f) && before.has(f.key) && !noticed.has(f.key)
      ? { ...f, missedInNotice: true }
      : f,
  );
}

/** A countersign-level override, or a missed finding whether set aside or not. */
function needsCountersign(finding: Finding, override: AppliedOverride | undefined): boolean {
  if (finding.missedInNotice) return true;
  return override !== undefined && overrideLevel(finding) === 'supervisor';
}

/**
 * intake.countersignRequired while a finding waits for a supervisor's countersign: a
 * countersign-level override, or a problem the previous version's notice missed.
 */
export function assertCountersigned(review: ReviewResult): void {
  if (review.awaitingCountersign.length === 0) return;
  const open = new Set(review.awaitingCountersign);
  const messages = review.findings.filter((f) => open.has(f.key)).map((f) => f.message);
  throw new AppError(
    'intake.countersignRequired',
    `${open.size} finding(s) await a supervisor's countersign: ${[...open].join(', ')}`,
    { count: open.size, items: messages.join('') },
  );
}

function applyOverrides(
  findings: readonly Finding[],
  overrides: readonly FindingOverride[],
): { applied: AppliedOverride[]; unmatched: FindingOverride[] } {
  const byKey = new Map(findings.map((f) => [f.key, f]));
  const applied: AppliedOverride[] = [];
  const unmatched: FindingOverride[] = [];
  for (const override of overrides) {
    const reason = override.reason.trim();
    if ([...reason].length < MIN_OVERRIDE_REASON_LENGTH) {
      throw new AppError(
        'review.overrideReasonTooShort',
        `override of ${override.findingKey} has a reason of ${[...reason].length} characters`,
        { min: MIN_OVERRIDE_REASON_LENGTH },
      );
    }
    const target = byKey.get(override.findingKey);
    if (!target) {
      unmatched.push({ findingKey: override.findingKey, reason });
      continue;
    }
    if (!target.overridable) {
      throw new AppError('review.notOverridable', `finding ${target.key} cannot be overridden`, {
        rule: target.ruleId,
      });
    }
    applied.push({ findingKey: target.key, ruleId: target.ruleId, reason });
  }
  return { applied, unmatched };
}
