// The rules of formal review (形式审查): completeness and form only, never the
// substance, which the approving department judges. Each rule looks at the item and
// the draft and returns findings worded for the clerk and the applicant alike; a
// finding names what it concerns and, for 补正, what to bring.
import {
  type ConditionContext,
  evaluateCondition,
  type FormAnswers,
  type FormField,
  type Material,
  type MaterialCounts,
  isMaterialDue,
  routeFor,
  type ServiceItem,
} from '../catalog.ts';
import { DELIVERY_NAMES, deliveryOptions, missingPostalParts, type PostalAddress } from '../delivery.ts';
import {
  type ApplicationDraft,
  type CollectedMaterial,
  documentOf,
  type PersonIdentity,
  validToOf,
} from '../application.ts';
import { LONG_TERM } from '../id-card.ts';
import { t } from '../i18n/index.ts';
import { ADULT_AGE, ageOn, checkCardHolder } from './card-checks.ts';
import {
  checkDocumentNumber,
  checkIdNumber,
  type IdNumberCheck,
  type IdNumberProblem,
  isCalendarDate,
  isCreditCode,
  isPhoneNumber,
  isPostalCode,
  isRegionCode,
} from './identifiers.ts';

export { Finding, FindingTarget, isWindowFinding, REVIEW_RULES, ReviewRuleId, WINDOW_RULES } from './findings.ts';
import { type Finding, type FindingTarget, overrideFlags, type ReviewRuleId } from './findings.ts';

export interface RuleContext {
  item: ServiceItem;
  draft: ApplicationDraft;
  /** The day of review in the hall's time zone, YYYY-MM-DD. */
  today: string;
  /** The fields in effect, in form order, and the answers they hold. */
  fields: FormField[];
  answers: FormAnswers;
  conditions: ConditionContext;
  applicantId: IdNumberCheck;
}

export type Rule = (ctx: RuleContext) => Finding[];

/** Media types a department's systems take for scanned materials. */
export const ACCEPTED_MEDIA_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/webp',
  'image/bmp',
] as const;

// ── helpers ──────────────────────────────────────────────────────────────────

interface FindingOptions {
  severity?: Finding['severity'];
  declines?: boolean;
  supply?: string;
  legalBasis?: string;
  /** false: never set aside (besides the ABSOLUTE_RULES, which never are). */
  overridable?: boolean;
}

function finding(
  ruleId: ReviewRuleId,
  subject: string,
  target: FindingTarget,
  message: string,
  options: FindingOptions = {},
): Finding {
  const severity = options.severity ?? 'blocking';
  const flags = overrideFlags(ruleId, severity);
  const result: Finding = {
    key: `${ruleId}:${subject}`,
    ruleId,
    severity,
    declines: options.declines ?? false,
    target,
    message,
    ...flags,
  };
  if (options.overridable === false) {
    result.overridable = false;
    delete result.countersign;
  }
  if (options.supply !== undefined) result.supply = options.supply;
  if (options.legalBasis !== undefined) result.legalBasis = options.legalBasis;
  return result;
}

const SEX = { male: '男', female: '女' } as const;
const SERVICE_OBJECT = { person: '自然人', company: '法人或其他组织' } as const;

const ID_PROBLEM: Record<IdNumberProblem, string> = {
  format: '应为18位，最后一位是数字或X',
  region: '前两位地区码无效',
  birthDate: '其中的出生日期无效',
  futureBirthDate: '其中的出生日期晚于今天',
  checkDigit: '校验码不符，可能有数字录入错误',
};

export function describeCounts(counts: Partial<MaterialCounts>): string {
  const parts: string[] = [];
  if (counts.original) parts.push(`原件${counts.original}份`);
  if (counts.copy) parts.push(`复印件${counts.copy}份`);
  if (counts.electronic) parts.push(`电子件${counts.electronic}份`);
  return parts.join('、') || '0份';
}

/**
 * What the applicant hands over: originals and copies. Electronic copies are the
 * window's scans of them, so nothing addressed to the applicant counts 电子件.
 */
export function describePaper(counts: Partial<MaterialCounts>): string {
  return describeCounts({ original: counts.original ?? 0, copy: counts.copy ?? 0 });
}

/** Electronic copies count only when a file was captured for them. */
function provided(collected: CollectedMaterial | undefined): MaterialCounts {
  if (!collected) return { original: 0, copy: 0, electronic: 0 };
  return {
    original: collected.original,
    copy: collected.copy,
    electronic: collected.files.length > 0 ? collected.electronic : 0,
  };
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

const sameName = (a: string, b: string) => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/**
 * Missing or short materials: one finding per material, under the given rule. What the
 * applicant must bring (the paper, or the thing itself for a material due only as a scan)
 * is the applicant's; a scan not yet made of what was handed in is the window's
 * (`material.scan`), never on a notice.
 */
function materialFindings(
  ruleIds: { missing: ReviewRuleId; count: ReviewRuleId },
  material: Material,
  collected: CollectedMaterial | undefined,
  why: string,
): Finding[] {
  const target: FindingTarget = { kind: 'material', id: material.id, name: material.name };
  const got = provided(collected);
  const due = material.counts;
  const paperDue = due.original + due.copy > 0;
  if (got.original + got.copy + got.electronic === 0) {
    return [
      finding(ruleIds.missing, material.id, target, `缺少申请材料《${material.name}》${why}。`, {
        supply: `《${material.name}》${paperDue ? describePaper(due) : ''}`,
      }),
    ];
  }
  const out: Finding[] = [];
  const missingOriginal = Math.max(0, due.original - got.original);
  const missingCopy = Math.max(0, due.copy - got.copy);
  if (missingOriginal + missingCopy > 0) {
    out.push(
      finding(
        ruleIds.count,
        material.id,
        target,
        `《${material.name}》份数不足：应交${describePaper(due)}，实交${describePaper(got)}。`,
        { supply: `《${material.name}》${describePaper({ original: missingOriginal, copy: missingCopy })}` },
      ),
    );
  }
  if (got.electronic < due.electronic) {
    out.push(
      finding(
        'material.scan',
        material.id,
        target,
        `《${material.name}》的电子件尚未采集齐全：应采集${due.electronic}份，已采集${got.electronic}份。请用高拍仪扫描或上传后再封装。`,
      ),
    );
  }
  return out;
}

// ── rules ────────────────────────────────────────────────────────────────────

const scope: Rule = ({ item, draft, conditions }) => {
  const out: Finding[] = [];
  const itemTarget: FindingTarget = { kind: 'item' };
  if (!isRegionCode(draft.homeRegionCode)) {
    out.push(
      finding(
        'scope.homeRegion',
        'item',
        itemTarget,
        '业务属地（户籍地、参保地等）的行政区划代码未填写或不正确，无法确定承办部门。',
        { overridable: false },
      ),
    );
  } else if (!routeFor(item, draft.homeRegionCode)) {
    out.push(
      finding(
        'scope.region',
        'item',
        itemTarget,
        `申请人的业务属地（${draft.homeRegionCode}）不在本窗口“${item.name}”的通办范围内，本窗口不收件，请引导申请人向业务属地的有权部门或其他通办窗口申请。`,
        { declines: true, overridable: false },
      ),
    );
  }
  if (!item.serviceObjects.includes(draft.applicantKind)) {
    const objects = item.serviceObjects.map((o) => SERVICE_OBJECT[o]).join('、');
    out.push(
      finding(
        'scope.serviceObject',
        'item',
        itemTarget,
        `本事项的服务对象为${objects}，申请人为${SERVICE_OBJECT[draft.applicantKind]}，本窗口不收件，请引导申请人选择对应事项或向有权部门申请。`,
        { declines: true },
      ),
    );
  }
  // Substance: recorded for the department, which alone may refuse on it (收受分离).
  for (const condition of item.refusalConditions) {
    if (!evaluateCondition(condition.when, conditions)) continue;
    out.push(
      finding(
        'scope.refusalCondition',
        condition.id,
        itemTarget,
        `窗口记录：${condition.reason}是否属于不予受理情形，由审批部门审查决定。`,
        {
          severity: 'forwarded',
          legalBasis: condition.legalBasis,
          overridable: false,
        },
      ),
    );
  }
  return out;
};

const acceptance: Rule = ({ item, draft }) =>
  item.acceptanceConditions.flatMap((condition) => {
    const target: FindingTarget = { kind: 'condition', id: condition.id, text: condition.text };
    const state = draft.conditions[condition.id];
    if (state === 'met') return [];
    if (state === 'notMet') {
      return [
        finding(
          'acceptance.notMet',
          condition.id,
          target,
          `窗口核对认为可能不符合受理条件“${condition.text}”，由审批部门审查决定。`,
          {
            severity: 'forwarded',
            legalBasis: `“${item.name}”办事指南所列受理条件；${item.legalBasis[0]}`,
            overridable: false,
          },
        ),
      ];
    }
    return [
      finding('acceptance.unconfirmed', condition.id, target, `受理条件“${condition.text}”尚未经窗口人员确认。`),
    ];
  });

const materials: Rule = ({ item, draft, conditions }) => {
  const out: Finding[] = [];
  const collected = new Map(draft.materials.map((m) => [m.materialId, m]));
  for (const material of item.materials) {
    // Agent materials are judged by the agent rules, which say why they are due.
    if (material.requirement.kind === 'agent' || !isMaterialDue(material, conditions)) continue;
    const why = material.requirement.kind === 'conditional' ? `（${material.requirement.description}须提交）` : '';
    out.push(
      ...materialFindings(
        { missing: 'material.missing', count: 'material.count' },
        material,
        collected.get(material.id),
        why,
      ),
    );
  }
  const known = new Map(item.materials.map((m) => [m.id, m]));
  for (const got of draft.materials) {
    const material = known.get(got.materialId);
    if (!material) {
      out.push(
        finding(
          'material.unknown',
          got.materialId,
          { kind: 'material', id: got.materialId, name: got.materialId },
          `收取的材料（${got.materialId}）不在本事项的材料清单中，可能是事项目录已更新，请核对。`,
          { severity: 'warning' },
        ),
      );
    }
    got.files.forEach((file, index) => {
      if ((ACCEPTED_MEDIA_TYPES as readonly string[]).includes(file.mediaType)) return;
      const name = material?.name ?? got.materialId;
      out.push(
        finding(
          'material.fileType',
          `${got.materialId}#${index}`,
          { kind: 'material', id: got.materialId, name },
          `《${name}》的电子件“${file.name}”不是图片或 PDF 文件，无法随件报送。`,
          { overridable: false },
        ),
      );
    });
  }
  return out;
};

const fields: Rule = ({ fields: inEffect, answers, today }) => {
  const out: Finding[] = [];
  for (const field of inEffect) {
    const value = answers[field.key];
    const target: FindingTarget = { kind: 'field', key: field.key, label: field.label };
    const add = (ruleId: ReviewRuleId, message: string) =>
      out.push(finding(ruleId, field.key, target, message));
    if (isEmpty(value)) {
      if (field.required) add('field.required', `“${field.label}”为必填项，尚未填写。`);
      continue;
    }
    const formatProblem = typeProblem(field, value);
    if (formatProblem) {
      add('field.format', `“${field.label}”${formatProblem}。`);
      continue;
    }
    const v = field.validation;
    if (typeof value === 'string') {
      const text = value.trim();
      if (v?.pattern && !new RegExp(`^(?:${v.pattern})$`, 'u').test(text)) {
        add(
          'field.pattern',
          `“${field.label}”${v.patternMessage ? `填写有误：${v.patternMessage}` : '不符合规定格式'}。`,
        );
      }
      const length = [...text].length;
      if (v?.maxLength !== undefined && length > v.maxLength) {
        add('field.length', `“${field.label}”不能超过${v.maxLength}个字（现为${length}个字）。`);
      } else if (v?.minLength !== undefined && length < v.minLength) {
        add('field.length', `“${field.label}”至少需要${v.minLength}个字。`);
      }
      if (field.type === 'date' && v?.notFuture && text > today)
        add('field.notFuture', `“${field.label}”不能晚于今天。`);
      if (field.type === 'idNumber') {
        const check = checkIdNumber(text, today);
        if (!check.ok) add('field.idNumber', `“${field.label}”不是有效的公民身份号码：${ID_PROBLEM[check.problem]}。`);
      }
      if (field.type === 'phone' && !isPhoneNumber(text)) {
        add('field.phone', `“${field.label}”不是有效的电话号码（手机号码为11位，固定电话请带区号）。`);
      }
      if (field.type === 'regionCode' && !isRegionCode(text)) {
        add('field.regionCode', `“${field.label}”不是有效的6位行政区划代码。`);
      }
      if (field.type === 'postalCode' && !isPostalCode(text))
        add('field.postalCode', `“${field.label}”应为6位数字邮政编码。`);
      if (field.type === 'creditCode' && !isCreditCode(text)) {
        add('field.creditCode', `“${field.label}”不是有效的18位统一社会信用代码。`);
      }
    }
    if (typeof value === 'number') {
      if (v?.min !== undefined && value < v.min) add('field.range', `“${field.label}”不能小于${v.min}。`);
      if (v?.max !== undefined && value > v.max) add('field.range', `“${field.label}”不能大于${v.max}。`);
    }
  }
  return out;
};

/** What is wrong with the value's kind for the field type, or null. */
function typeProblem(field: FormField, value: unknown): string | null {
  switch (field.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : '应填写数字';
    case 'boolean':
      return typeof value === 'boolean' ? null : '应选择“是”或“否”';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value.trim()) ? null : '应为有效日期（年-月-日）';
    case 'select':
      return typeof value === 'string' && field.options?.some((o) => o.value === value) ? null : '应从给定选项中选择';
    default:
      return typeof value === 'string' ? null : '应填写文字';
  }
}

const identity: Rule = ({ draft, applicantId, today }) => {
  const out: Finding[] = [];
  const target: FindingTarget = { kind: 'identity', who: 'applicant' };
  const { applicant } = draft;
  if (applicant.name.trim() === '') {
    out.push(finding('identity.name', 'applicant', target, '申请人姓名未登记。', { supply: '申请人有效身份证件' }));
  }
  // A card read by the reader is checked as the card it is (its kind's number, its validity
  // on the day of review); a typed identity by its document's own number rule and expiry.
  const card = checkCardHolder(applicant, today, 'applicant');
  out.push(...(card ? card.findings : typedApplicantFindings(applicant, applicantId, today)));
  if (draft.applicantKind === 'company') {
    const company = draft.company;
    const problem =
      !company || company.name.trim() === ''
        ? '名称未登记'
        : !isCreditCode(company.creditCode)
          ? '统一社会信用代码无效'
          : null;
    if (problem) {
      out.push(
        finding('identity.company', 'company', { kind: 'identity', who: 'company' }, `申请单位${problem}。`, {
          supply: '申请单位营业执照或登记证书',
        }),
      );
    }
  }
  return out;
};

const formMatchesIdentity: Rule = ({ fields: inEffect, answers, draft, applicantId }) => {
  const out: Finding[] = [];
  for (const field of inEffect) {
    const value = answers[field.key];
    if (!field.prefill || typeof value !== 'string' || value.trim() === '') continue;
    const target: FindingTarget = { kind: 'field', key: field.key, label: field.label };
    const add = (ruleId: ReviewRuleId, message: string) =>
      out.push(finding(ruleId, field.key, target, message, { supply: `按身份证件更正“${field.label}”` }));
    const text = value.trim();
    switch (field.prefill) {
      case 'idCard.name':
        if (draft.applicant.name.trim() !== '' && !sameName(text, draft.applicant.name)) {
          add(
            'consistency.name',
            `表单“${field.label}”（${text}）与申请人身份证件上的姓名（${draft.applicant.name}）不一致。`,
          );
        }
        break;
      case 'idCard.idNumber':
        if (
          draft.applicant.idNumber.trim() !== '' &&
          text.toUpperCase() !== draft.applicant.idNumber.trim().toUpperCase()
        ) {
          add('consistency.idNumber', `表单“${field.label}”与申请人身份证件上的公民身份号码不一致。`);
        }
        break;
      case 'idCard.sex':
        if (applicantId.ok && text !== applicantId.sex) {
          add('consistency.sex', `表单“${field.label}”与公民身份号码所示性别（${SEX[applicantId.sex]}）不一致。`);
        }
        break;
      case 'idCard.birthDate':
        if (applicantId.ok && text !== applicantId.birthDate) {
          add(
            'consistency.birthDate',
            `表单“${field.label}”与公民身份号码所示出生日期（${applicantId.birthDate}）不一致。`,
          );
        }
        break;
      case 'company.name':
        if (draft.company && !sameName(text, draft.company.name)) {
          add('consistency.company', `表单“${field.label}”与申请单位登记名称（${draft.company.name}）不一致。`);
        }
        break;
      case 'company.creditCode':
        if (draft.company && text.toUpperCase() !== draft.company.creditCode.trim().toUpperCase()) {
          add('consistency.company', `表单“${field.label}”与申请单位的统一社会信用代码不一致。`);
        }
        break;
      default:
        // Addresses and ethnicity may rightly differ from the card (current address, later change).
        break;
    }
  }
  return out;
};

const agent: Rule = ({ item, draft, today }) => {
  const person = draft.agent;
  if (!person) return [];
  const target: FindingTarget = { kind: 'identity', who: 'agent' };
  if (!item.agentAllowed) {
    return [
      finding('agent.notAllowed', 'agent', target, `“${item.name}”须由申请人本人办理，不接受他人代办。`, {
        supply: '申请人本人到场办理',
      }),
    ];
  }
  const out: Finding[] = [];
  const problem = agentIdentityProblem(person, draft.applicant, today);
  if (problem) {
    out.push(
      finding('agent.identity', 'agent', target, problem.message, {
        supply: '代办人有效身份证件',
        ...(problem.invalidNumber ? { overridable: false } : {}),
      }),
    );
  }
  out.push(...(checkCardHolder(person, today, 'agent')?.findings ?? typedIdentityFindings(person, today, 'agent')));
  const age = ageOf(person, today);
  if (age !== undefined && age < ADULT_AGE) {
    out.push(
      finding('agent.minor', 'agent', target, `代办人未满十八周岁（${age} 周岁），不能代为办理，请由成年人代办。`, {
        supply: '成年代办人及其有效身份证件',
      }),
    );
  }
  const collected = new Map(draft.materials.map((m) => [m.materialId, m]));
  for (const material of item.materials) {
    if (material.requirement.kind !== 'agent') continue;
    const ruleId: ReviewRuleId = material.role === 'authorisation' ? 'agent.authorisation' : 'agent.identityDocument';
    out.push(
      ...materialFindings(
        { missing: ruleId, count: ruleId },
        material,
        collected.get(material.id),
        '（由代办人代为申请的须提交）',
      ),
    );
  }
  return out;
};

/** What is wrong with the agent's identity; an invalid number is never set aside (like the applicant's). */
function agentIdentityProblem(
  agent: PersonIdentity,
  applicant: PersonIdentity,
  today: string,
): { message: string; invalidNumber?: true } | null {
  if (agent.name.trim() === '') return { message: '代办人姓名未登记。' };
  const sameAsApplicant = agent.idNumber.trim().toUpperCase() === applicant.idNumber.trim().toUpperCase();
  const same = { message: '代办人与申请人为同一人，请按本人申请办理。' };
  // A card's own checks come as card findings (the agent rule adds them).
  if (checkCardHolder(agent, today, 'agent')) return sameAsApplicant ? same : null;
  const problem = typedIdentityProblem(agent, today);
  if (problem) return { message: `代办人的${problem}。`, invalidNumber: true };
  if (sameAsApplicant) return same;
  return null;
}

/**
 * 监护人: a minor applicant of a person's item applies through a guardian (民法典 §§19–20,
 * 23), who must be of age and show a valid identity and the guardianship (户口簿, 出生医学
 * 证明 or the document that appointed him). Missing, it is the applicant's to bring.
 */
const guardian: Rule = ({ draft, today }) => {
  if (draft.applicantKind !== 'person') return [];
  const target: FindingTarget = { kind: 'identity', who: 'guardian' };
  const person = draft.guardian?.person;
  if (!person) {
    const age = ageOf(draft.applicant, today);
    if (age === undefined || age >= ADULT_AGE) return [];
    return [
      finding(
        'guardian.missing',
        'guardian',
        target,
        `申请人未满十八周岁（${age} 周岁），应由其监护人陪同办理，监护人未登记。`,
        { supply: '监护人有效身份证件及监护关系证明（户口簿、出生医学证明或监护人指定文书）' },
      ),
    ];
  }
  const out: Finding[] = [];
  const card = checkCardHolder(person, today, 'guardian');
  const typedProblem = card ? null : typedIdentityProblem(person, today);
  const problem = person.name.trim() === '' ? '监护人姓名未登记。' : typedProblem && `监护人的${typedProblem}。`;
  if (problem) {
    // A number that fails its document's rule is never set aside, like the applicant's.
    const absolute = typedProblem !== null && person.name.trim() !== '';
    out.push(
      finding('guardian.identity', 'guardian', target, problem, {
        supply: '监护人有效身份证件',
        ...(absolute ? { overridable: false } : {}),
      }),
    );
  }
  out.push(...(card ? card.findings : typedIdentityFindings(person, today, 'guardian')));
  const age = ageOf(person, today);
  if (age !== undefined && age < ADULT_AGE) {
    out.push(
      finding('guardian.minor', 'guardian', target, `登记的监护人未满十八周岁（${age} 周岁），不能担任监护人。`, {
        supply: '成年监护人有效身份证件及监护关系证明',
      }),
    );
  }
  return out;
};

/**
 * The person at the window for a company: its legal representative, or an 经办人 who
 * shows the company's 授权委托书 — the item's material with the role `authorisation`. An
 * item that lists none takes no one acting for the applicant (`agentAllowed` false, which
 * the catalog ties to it), so only the legal representative may apply.
 */
const companyOperator: Rule = ({ item, draft }) => {
  if (draft.applicantKind !== 'company') return [];
  const target: FindingTarget = { kind: 'identity', who: 'applicant' };
  if (draft.operatorRole === undefined) {
    return [
      finding(
        'company.operatorRole',
        'applicant',
        target,
        '未登记到场办理人员是申请单位的法定代表人还是经办人。',
      ),
    ];
  }
  if (draft.operatorRole === 'legalRepresentative') return [];
  const authorisation = item.materials.find((m) => m.role === 'authorisation');
  if (!authorisation) {
    return [
      finding('agent.notAllowed', 'handler', target, `“${item.name}”须由申请单位的法定代表人本人办理，不接受经办人代为办理。`, {
        supply: '法定代表人本人到场办理',
      }),
    ];
  }
  const collected = draft.materials.find((m) => m.materialId === authorisation.id);
  return materialFindings(
    { missing: 'company.authorisation', count: 'company.authorisation' },
    authorisation,
    collected,
    '（经办人不是法定代表人的，须提交申请单位出具的授权委托书）',
  );
};

// ── identities ───────────────────────────────────────────────────────────────

/** A typed applicant's identity: its number by its document's rule, what a citizen number states, its expiry. */
function typedApplicantFindings(applicant: PersonIdentity, applicantId: IdNumberCheck, today: string): Finding[] {
  const target: FindingTarget = { kind: 'identity', who: 'applicant' };
  const supply = '申请人有效身份证件';
  const out = typedIdentityFindings(applicant, today, 'applicant');
  if (documentOf(applicant) !== 'resident') {
    const problem = typedIdentityProblem(applicant, today);
    if (problem) out.unshift(finding('identity.idNumber', 'applicant', target, `申请人的${problem}。`, { supply }));
  } else if (!applicantId.ok) {
    const message = `申请人的公民身份号码无效：${ID_PROBLEM[applicantId.problem]}。`;
    out.unshift(finding('identity.idNumber', 'applicant', target, message, { supply }));
  } else {
    const mismatches: string[] = [];
    if (applicant.sex && applicant.sex !== applicantId.sex) mismatches.push('性别');
    if (applicant.birthDate && applicant.birthDate !== applicantId.birthDate) mismatches.push('出生日期');
    if (mismatches.length > 0) {
      const message = `申请人身份证件登记的${mismatches.join('、')}与公民身份号码不符，请核验证件真伪或重新读卡。`;
      out.unshift(finding('identity.consistency', 'applicant', target, message, { supply }));
    }
  }
  return out;
}

/**
 * What is wrong with a typed identity's document number (by its kind's rule) or, for a
 * passport, its issuing country; worded to follow "申请人的" / "代办人的". Null when nothing is.
 */
function typedIdentityProblem(person: PersonIdentity, today: string): string | null {
  const document = documentOf(person);
  const numberName = t(`identity.numberNames.${document}`);
  if (person.idNumber.trim() === '') return `${numberName}未登记`;
  const check = checkDocumentNumber(document, person.idNumber, today);
  if (!check.ok) {
    const why =
      document === 'resident'
        ? ID_PROBLEM[check.problem]
        : check.problem === 'format'
          ? t(`identity.numberShapes.${document}`)
          : t(`identity.numberProblems.${check.problem}`);
    return `${numberName}无效：${why}`;
  }
  if (document === 'passport' && !person.nationality) return '护照签发国（国籍）未登记';
  return null;
}

/**
 * The expiry of a document typed by hand, on the day of review: an expired document is no
 * valid identity. The rule is the card's (`card.expired`), so both weigh the same.
 */
function typedIdentityFindings(person: PersonIdentity, today: string, who: 'applicant' | 'guardian' | 'agent'): Finding[] {
  const validTo = validToOf(person);
  if (validTo === undefined || validTo === LONG_TERM || validTo >= today) return [];
  return [
    finding(
      'card.expired',
      who,
      { kind: 'identity', who },
      t('idCard.findings.expired', { validTo }),
      { supply: t('idCard.findings.supply') },
    ),
  ];
}

/**
 * A person's age in full years on `today`: from the birth date the identity states, else
 * from its number where the number encodes one; undefined when neither says.
 */
export function ageOf(person: PersonIdentity, today: string): number | undefined {
  if (person.birthDate && isCalendarDate(person.birthDate) && person.birthDate <= today) {
    return ageOn(person.birthDate, today);
  }
  const check = checkDocumentNumber(documentOf(person), person.idNumber, today);
  return check.ok && check.birthDate ? ageOn(check.birthDate, today) : undefined;
}

const POSTAL_PARTS: Record<keyof PostalAddress, string> = { recipient: '收件人', phone: '联系电话', address: '邮寄地址' };

/**
 * 办理结果送达方式: chosen among what the item offers when it offers more than one, and a
 * posted result needs a whole address. The clerk asks and fills it in: a window finding.
 */
const resultDelivery: Rule = ({ item, draft }) => {
  const options = deliveryOptions(item);
  const target: FindingTarget = { kind: 'item' };
  const chosen = draft.delivery && options.includes(draft.delivery.method) ? draft.delivery : undefined;
  if (!chosen) {
    if (options.length === 1 && options[0] !== 'post') return [];
    const names = options.map((o) => DELIVERY_NAMES[o]).join('、');
    return [
      finding('delivery.choice', 'method', target, `请询问申请人办理结果的送达方式（${names}）并选定。`, {
        overridable: false,
      }),
    ];
  }
  if (chosen.method !== 'post') return [];
  const missing = missingPostalParts(chosen.post).map((part) => POSTAL_PARTS[part]);
  if (chosen.post.phone.trim() !== '' && !isPhoneNumber(chosen.post.phone.trim())) missing.push('有效的联系电话');
  if (missing.length === 0) return [];
  return [
    finding('delivery.choice', 'post', target, `邮寄送达需填写${missing.join('、')}。`, { overridable: false }),
  ];
};

/** In the order findings are listed on a notice: scope, conditions, materials, form, identity, guardian, agent, delivery. */
export const RULES: readonly Rule[] = [
  scope,
  acceptance,
  materials,
  fields,
  identity,
  companyOperator,
  formMatchesIdentity,
  guardian,
  agent,
  resultDelivery,
];
