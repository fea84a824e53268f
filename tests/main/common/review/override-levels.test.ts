// Who may set a finding aside (findings.ts `overrideLevel`): never (an invalid ID number,
// a card out of its validity), the clerk with a written reason, or the clerk with a
// supervisor's countersign on the spot; and 一次性告知 — in a 补正 resubmission, a problem
// the first version's review found but its notice did not list is the window's miss.
import { describe, expect, it } from 'vitest';
import { checkCard } from '../../../../src-main/common/review/card-checks.ts';
import {
  ABSOLUTE_RULES,
  COUNTERSIGN_RULES,
  type Countersign,
  overrideLevel,
  REVIEW_RULES,
  type ReviewRuleId,
} from '../../../../src-main/common/review/findings.ts';
import { assertCountersigned, type PreviousReview } from '../../../../src-main/common/review/review.ts';
import { appErrorOf } from '../../store/helpers.ts';
import { AGENT_ID, completeDraft, items, review, withAgent } from './drafts.ts';

const reason = '结婚证原件已当面核验，电子证照库可查，复印件由窗口留存。';
const SUPERVISOR = { supervisorId: 7, username: 'zhuguan', displayName: '王主管', at: 1_773_100_000_000 };

function shortOfCopies() {
  const draft = completeDraft();
  draft.materials.find((m) => m.materialId === 'marriage-certificate')!.copy = 0;
  return draft;
}
const COUNT_KEY = 'material.count:marriage-certificate';

describe('three levels of override', () => {
  it('never sets aside an invalid ID number or a card out of its validity', () => {
    const card = {
      cardType: 'resident' as const,
      idNumber: '110105199003071230', // wrong check digit
      birthDate: '1990-03-07',
      sex: 'male' as const,
      validFrom: '2006-04-01',
      validTo: '2016-04-01',
    };
    const findings = checkCard(card, '2026-03-10').findings;
    expect(findings.map((f) => [f.ruleId, overrideLevel(f)])).toEqual([
      ['card.number', 'never'],
      ['card.expired', 'never'],
    ]);
    const notYet = checkCard(
      { ...card, idNumber: '110105199003071239', validFrom: '2026-04-01', validTo: '2046-04-01' },
      '2026-03-10',
    );
    expect(notYet.findings.map((f) => [f.ruleId, overrideLevel(f)])).toEqual([['card.notYetValid', 'never']]);

    const typed = completeDraft();
    typed.applicant = { name: '张伟', idNumber: '110105199003071230', source: 'manual' };
    const finding = review(typed).findings.find((f) => f.ruleId === 'identity.idNumber')!;
    expect(overrideLevel(finding)).toBe('never');
    const error = appErrorOf(() => review(typed, items().person, { overrides: [{ findingKey: finding.key, reason }] }));
    expect(error.code).toBe('review.notOverridable');
  });

  it('never sets aside an agent’s invalid number either, but other agent problems with a countersign', () => {
    const draft = withAgent(completeDraft());
    draft.agent = { name: '李娜', idNumber: `${AGENT_ID.slice(0, 17)}0`, source: 'manual' };
    const invalid = review(draft).findings.find((f) => f.key === 'agent.identity:agent')!;
    expect(overrideLevel(invalid)).toBe('never');

    draft.agent = { name: '', idNumber: AGENT_ID, source: 'manual' };
    expect(overrideLevel(review(draft).findings.find((f) => f.key === 'agent.identity:agent')!)).toBe('supervisor');
  });

  it('asks a countersign for a missing or short material; a warning stays the clerk’s', () => {
    expect(overrideLevel(review(shortOfCopies()).findings.find((f) => f.key === COUNT_KEY)!)).toBe('supervisor');
    const draft = completeDraft();
    draft.materials.push({ materialId: 'old-form', original: 1, copy: 0, electronic: 0, files: [] });
    const unknown = review(draft).findings.find((f) => f.ruleId === 'material.unknown')!;
    expect(unknown.severity).toBe('warning');
    expect(overrideLevel(unknown)).toBe('clerk');
  });

  it('names every absolute and countersign rule among the rules, and none in both', () => {
    for (const rule of [...ABSOLUTE_RULES, ...COUNTERSIGN_RULES]) expect(REVIEW_RULES).toHaveProperty(rule);
    expect([...ABSOLUTE_RULES].filter((r: ReviewRuleId) => COUNTERSIGN_RULES.has(r))).toEqual([]);
  });
});

describe('a supervisor’s countersign', () => {
  const message = () => review(shortOfCopies()).findings.find((f) => f.key === COUNT_KEY)!.message;
  const signed = (change: Partial<Countersign> = {}): Countersign => ({
    findingKey: COUNT_KEY,
    reason,
    message: message(),
    by: SUPERVISOR,
    ...change,
  });

  it('holds the seal back until the override is countersigned, saying what in Chinese', () => {
    const result = review(shortOfCopies(), items().person, { overrides: [{ findingKey: COUNT_KEY, reason }] });
    expect(result.outcome).toBe('receive');
    expect(result.awaitingCountersign).toEqual([COUNT_KEY]);
    const error = appErrorOf(() => assertCountersigned(result));
    expect(error.code).toBe('intake.countersignRequired');
    expect(error.params).toEqual({ count: 1, items: message() });
  });

  it('is recorded with the override when it signed exactly this finding and reason', () => {
    const result = review(shortOfCopies(), items().person, {
      overrides: [{ findingKey: COUNT_KEY, reason }],
      countersigns: [signed()],
    });
    expect(result.awaitingCountersign).toEqual([]);
    expect(result.overrides).toEqual([
      { findingKey: COUNT_KEY, ruleId: 'material.count', reason, countersignedBy: SUPERVISOR },
    ]);
    expect(result.findings.find((f) => f.key === COUNT_KEY)?.countersignedBy).toEqual(SUPERVISOR);
    expect(() => assertCountersigned(result)).not.toThrow();
  });

  it('does not carry over to another reason or a changed finding', () => {
    const overrides = [{ findingKey: COUNT_KEY, reason }];
    const otherReason = review(shortOfCopies(), items().person, {
      overrides,
      countersigns: [signed({ reason: `${reason}另附说明。` })],
    });
    expect(otherReason.awaitingCountersign).toEqual([COUNT_KEY]);
    const changed = review(shortOfCopies(), items().person, {
      overrides,
      countersigns: [signed({ message: '《结婚证》份数不足：应交原件1份，实交0份。' })],
    });
    expect(changed.awaitingCountersign).toEqual([COUNT_KEY]);
  });

  it('is not asked for a clerk-level override or a finding left standing', () => {
    const draft = shortOfCopies();
    draft.answers.phone = '';
    const result = review(draft, items().person, {
      overrides: [{ findingKey: 'field.required:phone', reason: '申请人无手机，留存其子女联系电话于备注。' }],
    });
    expect(result.awaitingCountersign).toEqual([]);
    expect(result.outcome).toBe('correction');
  });
});

describe('一次性告知: a 补正 resubmission and the first version’s notice', () => {
  const MISSING = 'material.missing:marriage-certificate';
  const v1 = (notice: PreviousReview['notice'], blockingKeys = [COUNT_KEY]): PreviousReview => ({
    version: 1,
    blockingKeys,
    notice,
  });

  it('flags a problem the first review found but the notice did not list, and asks a supervisor to confirm it', () => {
    // Version 1 set the short copies aside and listed something else; they are still short.
    const result = review(shortOfCopies(), items().person, {
      previous: v1([{ findingKey: 'material.missing:other', message: '缺少其他材料。', supply: '其他材料' }]),
    });
    const finding = result.findings.find((f) => f.key === COUNT_KEY)!;
    expect(finding.missedInNotice).toBe(true);
    expect(result.outcome).toBe('correction');
    expect(result.awaitingCountersign).toEqual([COUNT_KEY]);
    expect(result.supplement).toEqual({
      previousVersion: 1,
      items: [
        { findingKey: 'material.missing:other', message: '缺少其他材料。', supply: '其他材料', status: 'supplied' },
      ],
    });

    const confirmed = review(shortOfCopies(), items().person, {
      previous: v1([]),
      countersigns: [{ findingKey: COUNT_KEY, reason: '', message: finding.message, by: SUPERVISOR }],
    });
    expect(confirmed.awaitingCountersign).toEqual([]);
    expect(confirmed.findings.find((f) => f.key === COUNT_KEY)?.countersignedBy).toEqual(SUPERVISOR);
  });

  it('does not flag what the notice listed: it shows whether each item is now supplied', () => {
    const listed = { findingKey: COUNT_KEY, message: '《结婚证》份数不足。', supply: '《结婚证》复印件1份' };
    const stillShort = review(shortOfCopies(), items().person, { previous: v1([listed]) });
    expect(stillShort.findings.find((f) => f.key === COUNT_KEY)?.missedInNotice).toBeUndefined();
    expect(stillShort.awaitingCountersign).toEqual([]);
    expect(stillShort.supplement?.items.map((i) => i.status)).toEqual(['open']);
    const supplied = review(completeDraft(), items().person, { previous: v1([listed]) });
    expect(supplied.supplement?.items.map((i) => i.status)).toEqual(['supplied']);
  });

  it('does not flag a problem new in this version', () => {
    const draft = completeDraft();
    draft.materials = draft.materials.filter((m) => m.materialId !== 'marriage-certificate');
    const result = review(draft, items().person, { previous: v1([], [COUNT_KEY]) });
    expect(result.findings.find((f) => f.key === MISSING)?.missedInNotice).toBeUndefined();
    expect(result.awaitingCountersign).toEqual([]);
  });

  it('flags nothing when the window issued no notice (the department asked for the 补正)', () => {
    const result = review(shortOfCopies(), items().person, { previous: v1(null) });
    expect(result.findings.some((f) => f.missedInNotice)).toBe(false);
    expect(result.supplement).toBeUndefined();
  });
});
