// What formal review finds (审查意见) and the rules it can name, apart from the rules
// themselves so that checks elsewhere (a card just read) speak the same findings.
import { z } from 'zod';

/** Every rule, with the title a supervisor sees in lists. */
export const REVIEW_RULES = {
  'scope.homeRegion': '业务属地已确定',
  'scope.region': '业务属地在通办范围内',
  'scope.serviceObject': '申请人属于服务对象',
  'scope.refusalCondition': '不予受理情形已记录并转审批部门判断',
  'acceptance.unconfirmed': '受理条件已逐项确认',
  'acceptance.notMet': '受理条件存疑已记录并转审批部门判断',
  'material.missing': '必要材料齐全',
  'material.count': '材料份数符合要求',
  'material.fileType': '电子件为图片或 PDF',
  'material.scan': '电子件已由窗口采集',
  'material.unknown': '材料属于本事项',
  'field.required': '必填项已填写',
  'field.format': '填写内容格式正确',
  'field.pattern': '填写内容符合规定格式',
  'field.length': '填写内容长度符合要求',
  'field.range': '数值在规定范围内',
  'field.notFuture': '日期不晚于今天',
  'field.idNumber': '公民身份号码有效',
  'field.phone': '联系电话有效',
  'field.regionCode': '行政区划代码有效',
  'field.postalCode': '邮政编码有效',
  'field.creditCode': '统一社会信用代码有效',
  'identity.name': '申请人姓名已登记',
  'identity.idNumber': '申请人公民身份号码有效',
  'identity.consistency': '身份证件信息与号码一致',
  'identity.company': '市场主体信息有效',
  'company.operatorRole': '已登记到场人员为法定代表人或经办人',
  'company.authorisation': '经办人已提交单位授权委托书',
  'guardian.missing': '未成年申请人由监护人陪同办理',
  'guardian.identity': '监护人身份有效',
  'guardian.minor': '监护人已成年',
  'consistency.name': '表单姓名与身份证件一致',
  'consistency.idNumber': '表单身份号码与身份证件一致',
  'consistency.sex': '表单性别与身份号码一致',
  'consistency.birthDate': '表单出生日期与身份号码一致',
  'consistency.company': '表单市场主体信息与登记信息一致',
  'agent.notAllowed': '本事项允许代办',
  'agent.identity': '代办人身份有效',
  'agent.minor': '代办人已成年',
  'agent.authorisation': '代办人已提交授权委托书',
  'agent.identityDocument': '代办人已提交身份证件',
  // A card just read (review/card-checks.ts); the reader reports them beside the identity.
  'card.number': '证件号码校验通过',
  'card.birthDate': '证件出生日期与号码一致',
  'card.sex': '证件性别与号码一致',
  'card.expired': '证件在有效期内',
  'card.notYetValid': '证件已生效',
  'card.minor': '证件持有人已成年',
  'print.characters': '文书中的字符均可打印',
  'delivery.choice': '办理结果送达方式已选定',
} as const;
export type ReviewRuleId = keyof typeof REVIEW_RULES;
export const ReviewRuleId = z.enum(Object.keys(REVIEW_RULES) as [ReviewRuleId, ...ReviewRuleId[]]);

/**
 * Rules whose findings are the window's own to fix: what the clerk typed, ticked or
 * scanned. They are shown where they were made and hold the seal back; they never
 * reach a 补正 notice, which lists only what the applicant must bring.
 */
export const WINDOW_RULES: ReadonlySet<ReviewRuleId> = new Set<ReviewRuleId>([
  'scope.homeRegion',
  'acceptance.unconfirmed',
  'material.fileType',
  'material.scan',
  'field.required',
  'field.format',
  'field.pattern',
  'field.length',
  'field.range',
  'field.notFuture',
  'field.idNumber',
  'field.phone',
  'field.regionCode',
  'field.postalCode',
  'field.creditCode',
  'identity.name',
  'identity.idNumber',
  'identity.consistency',
  'identity.company',
  'company.operatorRole',
  'consistency.name',
  'consistency.idNumber',
  'consistency.sex',
  'consistency.birthDate',
  'consistency.company',
  'delivery.choice',
]);

/**
 * Never set aside, whoever asks: a number that fails its check digit is no one's number,
 * and a card out of its validity is no identity document (see also each finding's
 * `overridable`, which rules set to false for their own absolute cases).
 */
export const ABSOLUTE_RULES: ReadonlySet<ReviewRuleId> = new Set<ReviewRuleId>([
  'identity.idNumber',
  'field.idNumber',
  'card.number',
  'card.expired',
  'card.notYetValid',
]);

/**
 * Blocking findings of these rules are set aside only with a supervisor's countersign on
 * the spot: receiving without a required material, or against what the item says of who
 * may apply and on whose behalf. Warnings stay the clerk's.
 */
export const COUNTERSIGN_RULES: ReadonlySet<ReviewRuleId> = new Set<ReviewRuleId>([
  'scope.serviceObject',
  'material.missing',
  'material.count',
  'agent.notAllowed',
  'agent.identity',
  'agent.authorisation',
  'agent.identityDocument',
  'agent.minor',
  'guardian.missing',
  'guardian.identity',
  'guardian.minor',
  'company.authorisation',
  'card.birthDate',
  'card.sex',
]);

/** How a new finding of a rule may be set aside (`finding()` and the card checks use it). */
export function overrideFlags(
  ruleId: ReviewRuleId,
  severity: 'blocking' | 'warning' | 'forwarded',
): { overridable: boolean; countersign?: true } {
  if (ABSOLUTE_RULES.has(ruleId)) return { overridable: false };
  return severity === 'blocking' && COUNTERSIGN_RULES.has(ruleId)
    ? { overridable: true, countersign: true }
    : { overridable: true };
}

/**
 * Who may set a finding aside: `never` no one, `clerk` the clerk with a written reason,
 * `supervisor` the clerk with a reason and a supervisor's countersign on the spot.
 */
export type OverrideLevel = 'never' | 'clerk' | 'supervisor';

export function overrideLevel(finding: Pick<Finding, 'overridable' | 'countersign' | 'missedInNotice'>): OverrideLevel {
  if (!finding.overridable) return 'never';
  return finding.countersign || finding.missedInNotice ? 'supervisor' : 'clerk';
}

/** Whether the window fixes this finding itself (never the applicant, never on a notice). */
export function isWindowFinding(finding: { ruleId: ReviewRuleId }): boolean {
  return WINDOW_RULES.has(finding.ruleId);
}

export const FindingTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('item') }),
  z.object({ kind: z.literal('condition'), id: z.string(), text: z.string() }),
  z.object({ kind: z.literal('material'), id: z.string(), name: z.string() }),
  z.object({ kind: z.literal('field'), key: z.string(), label: z.string() }),
  z.object({ kind: z.literal('identity'), who: z.enum(['applicant', 'guardian', 'agent', 'company']) }),
]);
export type FindingTarget = z.infer<typeof FindingTarget>;

/** 审查意见 */
export const Finding = z.object({
  /** Stable within a review: `ruleId:subject`; an override names it. */
  key: z.string(),
  ruleId: ReviewRuleId,
  /**
   * Blocking findings stop the window from receiving (补正, or `declines`); warnings are
   * shown and recorded only; `forwarded` is substance the department judges (收受分离):
   * recorded in the manifest and shown, it never blocks and never becomes a window refusal.
   */
  severity: z.enum(['blocking', 'warning', 'forwarded']),
  /**
   * The window does not serve this (item, region, kind of applicant): it does not receive,
   * and issues nothing in its own name. Otherwise a blocking finding is a 补正.
   */
  declines: z.boolean(),
  target: FindingTarget,
  message: z.string(),
  /** 补正: what the applicant is to supply or fix. */
  supply: z.string().optional(),
  /** For forwarded matters: the provision the catalog names, recorded for the department. */
  legalBasis: z.string().optional(),
  /** Whether a clerk may set the finding aside with a written reason (false: never, see ABSOLUTE_RULES). */
  overridable: z.boolean(),
  /** Setting it aside needs a supervisor's countersign as well (COUNTERSIGN_RULES); absent: false. */
  countersign: z.boolean().optional(),
  /**
   * 一次性告知: a 补正 resubmission still has a problem the first version's review found
   * but its notice did not list — the window's miss. A supervisor confirms it before sealing,
   * whether it is set aside or goes on this version's notice; the manifest flags it.
   */
  missedInNotice: z.boolean().optional(),
  /** `print.characters`: the characters no font of the documents has (the clerk confirms them when sealing). */
  characters: z.array(z.string()).optional(),
});
export type Finding = z.infer<typeof Finding>;

/** Who countersigned and when (主管会签), as the review and the manifest show it. */
export const CountersignedBy = z.object({
  supervisorId: z.number().int(),
  username: z.string().max(64),
  displayName: z.string().max(64),
  /** Epoch ms. */
  at: z.number(),
});
export type CountersignedBy = z.infer<typeof CountersignedBy>;

/**
 * A supervisor's countersign on the spot, kept in the draft by the core alone (a save
 * cannot write it). It holds for exactly what was signed: this draft's finding, its
 * message as shown, and the override's reason ('' for a missed finding that stands and
 * goes on this version's notice). Changing any of them voids it.
 */
export const Countersign = z
  .object({
    findingKey: z.string().min(1).max(200),
    reason: z.string().max(500),
    message: z.string().max(2000),
    by: CountersignedBy,
  })
  .strict();
export type Countersign = z.infer<typeof Countersign>;
