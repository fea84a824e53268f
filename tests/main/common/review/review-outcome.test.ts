// What formal review proposes under 收受分离 — receive (or accept as entrusted), 补正,
// or decline to receive — with the deadline and texts the notices print, what is
// forwarded to the department as substance, and how a clerk's written override changes
// the proposal.
import { describe, expect, it } from 'vitest';
import { verifyCatalogFile } from '../../../../src-main/catalog/catalog-file.ts';
import { ApplicationDraft } from '../../../../src-main/common/application.ts';
import { noticesFor, ReviewOutcome, SealedOutcome } from '../../../../src-main/common/manifest.ts';
import {
  CORRECTION_LEGAL_BASIS,
  DEFAULT_CORRECTION_DAYS,
  isSealable,
  MIN_OVERRIDE_REASON_LENGTH,
  assertNoWindowFixes,
  reviewApplication,
} from '../../../../src-main/common/review/review.ts';
import { appErrorOf } from '../../store/helpers.ts';
import { demoKey, seedText } from '../../catalog/fixtures.ts';
import { APPLICANT_ID, calendar, companyDraft, completeDraft, items, review } from './drafts.ts';

/** Three problems at once: a missing certificate, an empty phone, an unconfirmed condition. */
function draftWithThreeProblems() {
  const draft = completeDraft();
  draft.materials = draft.materials.filter((m) => m.materialId !== 'marriage-certificate');
  draft.answers.phone = '';
  delete draft.conditions.policy;
  return draft;
}

describe('补正: one notice listing every problem', () => {
  it('lists what the applicant must bring, under 行政许可法 §32; the clerk’s own slips are the window’s to fix', () => {
    const result = review(draftWithThreeProblems());
    expect(result.outcome).toBe('correction');
    expect(result.correction?.items.map((i) => [i.ruleId, i.supply])).toEqual([
      ['material.missing', '《结婚证》原件1份、复印件1份'],
    ]);
    // An unticked condition and an empty phone are fixed at the counter, before sealing.
    expect(result.windowFixes).toEqual(['acceptance.unconfirmed:policy', 'field.required:phone']);
    expect(result.correction?.legalBasis).toBe(CORRECTION_LEGAL_BASIS);
    expect(result.correction?.lapse).toContain('视为放弃');
  });

  it('holds the seal back while the window has something to fix, saying what in Chinese', () => {
    const error = appErrorOf(() => assertNoWindowFixes(review(draftWithThreeProblems())));
    expect(error.code).toBe('intake.fixAtWindow');
    expect(error.params).toEqual({
      count: 2,
      items: '受理条件“符合迁入地落户政策”尚未经窗口人员确认。“联系电话”为必填项，尚未填写。',
    });
    expect(() => assertNoWindowFixes(review(completeDraft()))).not.toThrow();
  });

  it('declines a region it does not serve with the form unfinished, but not with the applicant’s identity wrong', () => {
    const draft = draftWithThreeProblems();
    draft.homeRegionCode = '310115'; // not served: the window does not receive
    expect(review(draft)).toMatchObject({ outcome: 'decline', windowFixes: [] });
    draft.applicant = { ...draft.applicant, name: '' };
    expect(review(draft).windowFixes).toEqual(['identity.name:applicant']);
  });

  it('gives 5 working days by default to supply them, counted from the day after receipt', () => {
    const result = review(draftWithThreeProblems());
    expect(DEFAULT_CORRECTION_DAYS).toBe(5);
    // Tuesday 10 March 2026 + 5 working days = Tuesday 17 March.
    expect(result.correction?.deadline).toEqual({ date: '2026-03-17', workingDays: 5, provisional: false });
  });

  it('takes the hall’s period, and an item’s own period over the hall’s', () => {
    expect(review(draftWithThreeProblems(), items().person, { correctionDays: 10 }).correction?.days).toBe(10);
    const strict = items({ person: { correctionDays: 3 } }).person;
    expect(review(draftWithThreeProblems(), strict, { correctionDays: 10 }).correction?.deadline.date).toBe(
      '2026-03-13',
    );
  });

  it('counts the period across the Spring Festival, make-up Saturday included', () => {
    const result = review(draftWithThreeProblems(), items().person, { receivedAt: '2026-02-13' });
    // 14 Feb (make-up Saturday), then 24, 25, 26, 27 Feb.
    expect(result.correction?.deadline.date).toBe('2026-02-27');
  });

  it('does not list warnings on the notice', () => {
    const draft = draftWithThreeProblems();
    draft.materials.push({ materialId: 'old-form', original: 1, copy: 0, electronic: 0, files: [] });
    const result = review(draft);
    expect(result.findings.some((f) => f.severity === 'warning')).toBe(true);
    expect(result.correction?.items.some((i) => i.ruleId === 'material.unknown')).toBe(false);
  });
});

describe('the window receives; substance goes to the department (收受分离)', () => {
  it('receives a complete application and names the department that decides, issuing no 受理 of its own', () => {
    const result = review(completeDraft());
    expect(result.outcome).toBe('receive');
    expect(noticesFor('receive')).toEqual(['receipt']);
    expect(result.decision).toMatchObject({ departmentId: 'sz', committedDays: expect.any(Number) });
    expect(result.decision?.entrustment).toBeUndefined();
  });

  it('counts the committed time limit in calendar days where the catalog says so', () => {
    const working = review(completeDraft()).decision!.decisionDeadline;
    expect(working.calendarDays).toBeUndefined();
    const person = items({ person: { timeLimits: { legalDays: 60, committedDays: 30, unit: 'calendar' } } }).person;
    // Received Tuesday 2026-03-10: 30 calendar days on is Thursday 2026-04-09.
    expect(review(completeDraft(), person).decision!.decisionDeadline).toMatchObject({
      date: '2026-04-09',
      calendarDays: 30,
    });
  });

  it('accepts in the department’s name only where the department entrusted the window in writing', () => {
    const departments = [
      { id: 'sz', name: '深圳市公安局', entrustedAcceptance: { document: '深公委〔2026〕3号' } },
      { id: 'bj', name: '北京市公安局' },
    ];
    const result = review(completeDraft(), items().person, { departments });
    expect(result.outcome).toBe('accept_entrusted');
    expect(result.decision?.entrustment).toEqual({ document: '深公委〔2026〕3号' });
    expect(noticesFor('accept_entrusted')).toEqual(['receipt', 'acceptance']);

    // Another department's entrustment does not cover this application (routed to sz).
    expect(review(completeDraft(), items().person, { departments: [departments[1]!] }).outcome).toBe('receive');
  });

  it('takes an entrustment set on the item, whichever department it routes to', () => {
    const item = items({ person: { entrustedAcceptance: { document: '委托受理协议第7号' } } }).person;
    const result = review(completeDraft(), item);
    expect(result.outcome).toBe('accept_entrusted');
    expect(result.decision?.entrustment).toEqual({ document: '委托受理协议第7号' });
  });

  it('records a catalog 不予受理情形 and forwards it with its legal basis, never refusing on it', () => {
    const draft = completeDraft();
    draft.answers.doneElsewhere = true;
    const result = review(draft);
    expect(result.outcome).toBe('receive');
    expect(result.decline).toBeUndefined();
    expect(result.forwarded).toEqual([
      {
        message: expect.stringContaining('同一事项已在其他窗口受理'),
        legalBasis: '《中华人民共和国户口登记条例》第十条',
      },
    ]);
    const finding = result.findings.find((f) => f.ruleId === 'scope.refusalCondition');
    expect(finding).toMatchObject({ severity: 'forwarded', declines: false, overridable: false });
  });

  it('forwards a 受理条件 the clerk found unmet, for the department to judge', () => {
    const draft = completeDraft();
    draft.conditions.policy = 'notMet';
    const result = review(draft);
    expect(result.outcome).toBe('receive');
    expect(result.forwarded).toEqual([
      {
        message: expect.stringContaining('符合迁入地落户政策'),
        legalBasis: expect.stringContaining('办事指南所列受理条件'),
      },
    ]);
  });

  it('still asks for formal corrections beside a forwarded matter', () => {
    const draft = draftWithThreeProblems();
    draft.answers.doneElsewhere = true;
    const result = review(draft);
    expect(result.outcome).toBe('correction');
    expect(result.correction?.items.some((i) => i.ruleId === 'scope.refusalCondition')).toBe(false);
    expect(result.forwarded).toHaveLength(1);
  });

  it('declines to receive for a region the window does not serve, with no legal notice and nothing to correct', () => {
    const draft = draftWithThreeProblems();
    draft.homeRegionCode = '310115';
    const result = review(draft);
    expect(result.outcome).toBe('decline');
    expect(isSealable(result)).toBe(false);
    expect(result.correction).toBeUndefined();
    expect(result.decision).toBeUndefined();
    expect(result.decline?.reasons).toEqual([expect.stringContaining('不在本窗口“户口迁移（夫妻投靠）”的通办范围内')]);
    expect(result.decline?.reasons[0]).toContain('本窗口不收件');
    expect(result.decline?.reasons[0]).not.toContain('行政许可法');
  });

  it('declines an applicant of a kind the item does not serve', () => {
    const draft = companyDraft();
    const result = review({ ...draft, itemCode: 'TEST-HK-0001' });
    expect(result.outcome).toBe('decline');
    expect(result.decline?.reasons.some((r) => r.includes('服务对象'))).toBe(true);
  });

  it('keeps the outcomes of packets sealed before readable, with the documents they printed', () => {
    expect(SealedOutcome.parse('accept')).toBe('accept');
    expect(SealedOutcome.parse('refuse')).toBe('refuse');
    expect(noticesFor('accept')).toEqual(['receipt', 'acceptance']);
    expect(noticesFor('refuse')).toEqual(['refusal']);
    expect(ReviewOutcome.safeParse('refuse').success).toBe(false);
  });
});

describe('overriding a finding with a written reason', () => {
  const reason = '结婚证原件已当面核验，电子证照库可查，复印件由窗口留存。';

  it('sets the finding aside, keeps it in the result marked with the reason, and changes the proposal', () => {
    const draft = completeDraft();
    draft.materials.find((m) => m.materialId === 'marriage-certificate')!.copy = 0;
    const key = 'material.count:marriage-certificate';
    expect(review(draft).outcome).toBe('correction');

    const result = review(draft, items().person, { overrides: [{ findingKey: key, reason }] });
    expect(result.outcome).toBe('receive');
    expect(result.overrides).toEqual([{ findingKey: key, ruleId: 'material.count', reason }]);
    expect(result.findings.find((f) => f.key === key)?.override).toEqual({ findingKey: key, reason });
  });

  it('leaves the other findings standing', () => {
    const result = review(draftWithThreeProblems(), items().person, {
      overrides: [{ findingKey: 'field.required:phone', reason: '申请人无手机，留存其子女联系电话于备注。' }],
    });
    expect(result.outcome).toBe('correction');
    expect(result.correction?.items.map((i) => i.findingKey)).toEqual(['material.missing:marriage-certificate']);
    expect(result.windowFixes).toEqual(['acceptance.unconfirmed:policy']);
  });

  it('refuses an override without a real reason', () => {
    const error = appErrorOf(() =>
      review(draftWithThreeProblems(), items().person, {
        overrides: [{ findingKey: 'field.required:phone', reason: '  已核实  ' }],
      }),
    );
    expect(error.code).toBe('review.overrideReasonTooShort');
    expect(error.params).toEqual({ min: MIN_OVERRIDE_REASON_LENGTH });
  });

  it('refuses to override what the packet cannot carry or route', () => {
    const draft = completeDraft();
    draft.homeRegionCode = '310115';
    const error = appErrorOf(() =>
      review(draft, items().person, { overrides: [{ findingKey: 'scope.region:item', reason }] }),
    );
    expect(error.code).toBe('review.notOverridable');
    expect(error.params).toEqual({ rule: 'scope.region' });
  });

  it('reports, without applying, an override that names no finding of this review', () => {
    const result = review(completeDraft(), items().person, {
      overrides: [{ findingKey: 'field.required:phone', reason }],
    });
    expect(result.outcome).toBe('receive');
    expect(result.overrides).toEqual([]);
    expect(result.unmatchedOverrides).toEqual([{ findingKey: 'field.required:phone', reason }]);
  });
});

describe('review of a seed item', () => {
  const seed = verifyCatalogFile(seedText(), [demoKey()]).catalog;
  const item = seed.items.find((i) => i.name === '户口迁移（夫妻投靠）')!;

  it('asks for the marriage certificate and the spouse’s household register, and an agent’s letter', () => {
    const draft = ApplicationDraft.parse({
      itemCode: item.code,
      applicantKind: 'person',
      applicant: { name: '张伟', idNumber: APPLICANT_ID, source: 'idCard' },
      agent: { name: '李娜', idNumber: '440306198506124522', source: 'idCard' },
      homeRegionCode: '440305',
      answers: { applicantName: '张伟', applicantIdNumber: APPLICANT_ID, withChildren: false },
    });
    const result = reviewApplication(item, draft, { calendar, receivedAt: new Date(Date.UTC(2026, 2, 10, 2)) });
    expect(result.receivedOn).toBe('2026-03-10');
    expect(result.outcome).toBe('correction');
    const supplies = result.correction!.items.map((i) => i.supply);
    expect(supplies).toContain('《结婚证》原件1份、复印件1份');
    expect(supplies).toContain('《配偶居民户口簿》原件1份、复印件1份');
    expect(supplies).toContain('《授权委托书》原件1份');
    // Scanning is the window's job: nothing the applicant is asked for is an 电子件.
    expect(supplies.filter((s) => s.includes('电子件'))).toEqual([]);
    expect(supplies.some((s) => s.includes('随迁子女'))).toBe(false);
  });

  it('refuses to review a draft against another item', () => {
    expect(() => reviewApplication(item, completeDraft(), { calendar, receivedAt: '2026-03-10' })).toThrow(
      /TEST-HK-0001/,
    );
  });
});
