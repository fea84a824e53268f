// Each rule of formal review, as a specification: a complete application passes
// every rule; each row breaks the application in one way and names the rule that
// must catch it, the outcome it leads to and what the finding says.
import { printFindings, unprintableOf } from '../../../../src-main/common/review/printing.ts';
import { describe, expect, it } from 'vitest';
import type { ServiceItem } from '../../../../src-main/common/catalog.ts';
import type { ApplicationDraft } from '../../../../src-main/common/application.ts';
import { REVIEW_RULES, type ReviewRuleId } from '../../../../src-main/common/review/rules.ts';
import { personItem } from '../../catalog/fixtures.ts';
import {
  AGENT_ID,
  APPLICANT_ID,
  COMPANY_CODE,
  RECEIVED,
  companyDraft,
  completeDraft,
  items,
  review,
  withAgent,
} from './drafts.ts';

const answer = (key: string, value: string | number | boolean | null) => (d: ApplicationDraft) => {
  d.answers[key] = value;
};
const material = (id: string, change: (m: ApplicationDraft['materials'][number]) => void) => (d: ApplicationDraft) => {
  change(d.materials.find((m) => m.materialId === id)!);
};

interface RuleCase {
  rule: ReviewRuleId;
  when: string;
  change: (draft: ApplicationDraft) => void;
  /** `window`: the window fixes it before sealing (`windowFixes`); it never reaches a notice. */
  outcome: 'correction' | 'decline' | 'receive' | 'window';
  /** Warnings by default when the application is still received, else blocking; forwarded substance says so. */
  severity?: 'forwarded';
  says: string;
  supply?: string;
  item?: () => ServiceItem;
  base?: () => ApplicationDraft;
}

/** A 14-year-old applicant (born 2012-03-07), the form saying the same. */
const MINOR_ID = '110105201203071233';
const minorApplicant = (d: ApplicationDraft) => {
  d.applicant = { name: '张小伟', idNumber: MINOR_ID, sex: 'male', birthDate: '2012-03-07', source: 'manual' };
  Object.assign(d.answers, { applicantName: '张小伟', applicantIdNumber: MINOR_ID, birthDate: '2012-03-07' });
};
const withGuardian =
  (person: Partial<ApplicationDraft['applicant']> = {}) =>
  (d: ApplicationDraft) => {
    minorApplicant(d);
    d.guardian = {
      relation: 'parent',
      person: { name: '张伟', idNumber: APPLICANT_ID, validTo: 'longTerm', source: 'manual', ...person },
    };
  };

const cases: RuleCase[] = [
  {
    rule: 'scope.homeRegion',
    when: 'the home region code is not a region code',
    change: (d) => void (d.homeRegionCode = '99'),
    outcome: 'window',
    says: '无法确定承办部门',
  },
  {
    rule: 'scope.region',
    when: 'no department of the item serves the home region',
    change: (d) => void (d.homeRegionCode = '310115'),
    outcome: 'decline',
    says: '不在本窗口“户口迁移（夫妻投靠）”的通办范围内',
  },
  {
    rule: 'scope.serviceObject',
    when: 'a company applies for an item for natural persons',
    change: (d) => {
      d.applicantKind = 'company';
      d.company = { name: '某公司', creditCode: COMPANY_CODE };
      d.operatorRole = 'legalRepresentative';
    },
    outcome: 'decline',
    says: '本事项的服务对象为自然人',
  },
  {
    rule: 'scope.refusalCondition',
    when: 'the answers reveal a refusal condition of the item (substance: forwarded, not refused)',
    change: answer('doneElsewhere', true),
    outcome: 'receive',
    severity: 'forwarded',
    says: '不得重复申请。是否属于不予受理情形，由审批部门审查决定',
  },
  {
    rule: 'acceptance.unconfirmed',
    when: 'the clerk has not confirmed an acceptance condition',
    change: (d) => void delete d.conditions.policy,
    outcome: 'window',
    says: '受理条件“符合迁入地落户政策”尚未经窗口人员确认',
  },
  {
    rule: 'acceptance.notMet',
    when: 'the clerk found an acceptance condition not met (substance: forwarded, not refused)',
    change: (d) => void (d.conditions.policy = 'notMet'),
    outcome: 'receive',
    severity: 'forwarded',
    says: '可能不符合受理条件“符合迁入地落户政策”，由审批部门审查决定',
  },
  {
    rule: 'material.missing',
    when: 'a triggered conditional material is missing',
    change: (d) => void (d.materials = d.materials.filter((m) => m.materialId !== 'marriage-certificate')),
    outcome: 'correction',
    says: '缺少申请材料《结婚证》（已婚的须提交）',
    supply: '《结婚证》原件1份、复印件1份',
  },
  {
    rule: 'material.missing',
    when: 'a required material is missing',
    change: (d) => void (d.materials = d.materials.filter((m) => m.materialId !== 'applicant-id-card')),
    outcome: 'correction',
    says: '缺少申请材料《申请人居民身份证》。',
  },
  {
    rule: 'material.count',
    when: 'fewer copies are handed in than are due',
    change: material('marriage-certificate', (m) => void (m.copy = 0)),
    outcome: 'correction',
    says: '《结婚证》份数不足：应交原件1份、复印件1份，实交原件1份。',
    supply: '《结婚证》复印件1份',
  },
  {
    rule: 'material.scan',
    when: 'an electronic copy is counted but no file was captured',
    change: material('applicant-id-card', (m) => void (m.files = [])),
    outcome: 'window',
    says: '《申请人居民身份证》的电子件尚未采集齐全：应采集1份，已采集0份',
  },
  {
    rule: 'material.fileType',
    when: 'a captured file is neither an image nor a PDF',
    change: material('marriage-certificate', (m) =>
      m.files.push({ name: '结婚证.docx', mediaType: 'application/msword', size: 9 }),
    ),
    outcome: 'window',
    says: '“结婚证.docx”不是图片或 PDF 文件',
  },
  {
    rule: 'material.unknown',
    when: 'a material is handed in that the item does not list (a warning only)',
    change: (d) => void d.materials.push({ materialId: 'old-form', original: 1, copy: 0, electronic: 0, files: [] }),
    outcome: 'receive',
    says: '不在本事项的材料清单中',
  },
  {
    rule: 'field.required',
    when: 'a required field is empty',
    change: answer('phone', ' '),
    outcome: 'window',
    says: '“联系电话”为必填项，尚未填写',
  },
  {
    rule: 'field.required',
    when: 'a field required under a condition that holds is empty',
    change: answer('spouseName', null),
    outcome: 'window',
    says: '“配偶姓名”为必填项',
  },
  {
    rule: 'field.format',
    when: 'a number field holds text',
    change: answer('children', '两个'),
    outcome: 'window',
    says: '“随迁子女人数”应填写数字',
  },
  {
    rule: 'field.format',
    when: 'a date field holds an impossible date',
    change: answer('marriageDate', '2020-02-30'),
    outcome: 'window',
    says: '“结婚登记日期”应为有效日期（年-月-日）',
  },
  {
    rule: 'field.format',
    when: 'a select field holds a value that is not an option',
    change: answer('sex', '男'),
    outcome: 'window',
    says: '“性别”应从给定选项中选择',
  },
  {
    rule: 'field.format',
    when: 'a yes/no field holds text',
    change: answer('married', 'yes'),
    outcome: 'window',
    says: '“已婚”应选择“是”或“否”',
  },
  {
    rule: 'field.pattern',
    when: 'a field does not match its pattern',
    change: answer('bankAccount', '6222 0202'),
    outcome: 'window',
    says: '“银行卡号”填写有误：银行卡号为12至19位数字',
  },
  {
    rule: 'field.length',
    when: 'a text is longer than allowed',
    change: answer('remark', '一'.repeat(21)),
    outcome: 'window',
    says: '“备注”不能超过20个字（现为21个字）',
  },
  {
    rule: 'field.length',
    when: 'a text is shorter than required',
    change: answer('remark', '无'),
    outcome: 'window',
    says: '“备注”至少需要4个字',
  },
  {
    rule: 'field.range',
    when: 'a number is above its maximum',
    change: answer('children', 7),
    outcome: 'window',
    says: '“随迁子女人数”不能大于6',
  },
  {
    rule: 'field.notFuture',
    when: 'a date of an event is after the day of review',
    change: answer('marriageDate', '2026-03-11'),
    outcome: 'window',
    says: '“结婚登记日期”不能晚于今天',
  },
  {
    rule: 'field.notFuture',
    when: 'a birth date is in the future',
    change: answer('birthDate', '2030-01-01'),
    outcome: 'window',
    says: '“出生日期”不能晚于今天',
  },
  {
    rule: 'field.idNumber',
    when: 'an ID number on the form has a wrong check digit',
    change: answer('applicantIdNumber', '110105199003071230'),
    outcome: 'window',
    says: '“公民身份号码”不是有效的公民身份号码：校验码不符',
  },
  {
    rule: 'field.phone',
    when: 'a phone number is one digit short',
    change: answer('phone', '1380013800'),
    outcome: 'window',
    says: '“联系电话”不是有效的电话号码',
  },
  {
    rule: 'field.regionCode',
    when: 'a region code names no province',
    change: answer('fromRegion', '990101'),
    outcome: 'window',
    says: '“迁出地”不是有效的6位行政区划代码',
  },
  {
    rule: 'field.postalCode',
    when: 'a postal code has five digits',
    change: answer('postalCode', '51800'),
    outcome: 'window',
    says: '“邮政编码”应为6位数字邮政编码',
  },
  {
    rule: 'field.creditCode',
    when: 'a credit code has a wrong check character',
    change: answer('employerCode', '91350100M000100Y44'),
    outcome: 'window',
    says: '“工作单位统一社会信用代码”不是有效的18位统一社会信用代码',
  },
  {
    rule: 'identity.name',
    when: 'the applicant’s name is not registered',
    change: (d) => void (d.applicant.name = ''),
    outcome: 'window',
    says: '申请人姓名未登记',
  },
  {
    rule: 'identity.idNumber',
    when: 'the applicant’s ID number typed by hand is invalid',
    change: (d) => {
      d.applicant = { name: '张伟', idNumber: '110105199003071230', source: 'manual' };
      d.answers.applicantIdNumber = '110105199003071230';
    },
    outcome: 'window',
    says: '申请人的公民身份号码无效：校验码不符',
  },
  {
    rule: 'identity.consistency',
    when: 'the card’s sex and birth date disagree with its ID number',
    change: (d) => {
      d.applicant.sex = 'female';
      d.applicant.birthDate = '1990-03-08';
    },
    outcome: 'window',
    says: '申请人身份证件登记的性别、出生日期与公民身份号码不符',
  },
  {
    rule: 'identity.company',
    when: 'a company applicant’s credit code is invalid',
    item: () => items().company,
    base: companyDraft,
    change: (d) => {
      d.company!.creditCode = '91350100M000100Y44';
      d.answers.creditCode = '91350100M000100Y44';
    },
    outcome: 'window',
    says: '申请单位统一社会信用代码无效',
  },
  {
    rule: 'consistency.name',
    when: 'the name on the form is not the name on the card',
    change: answer('applicantName', '张玮'),
    outcome: 'window',
    says: '表单“申请人姓名”（张玮）与申请人身份证件上的姓名（张伟）不一致',
  },
  {
    rule: 'consistency.idNumber',
    when: 'the ID number on the form is someone else’s',
    change: answer('applicantIdNumber', AGENT_ID),
    outcome: 'window',
    says: '表单“公民身份号码”与申请人身份证件上的公民身份号码不一致',
  },
  {
    rule: 'consistency.sex',
    when: 'the sex on the form contradicts the ID number',
    change: answer('sex', 'female'),
    outcome: 'window',
    says: '表单“性别”与公民身份号码所示性别（男）不一致',
  },
  {
    rule: 'consistency.birthDate',
    when: 'the birth date on the form contradicts the ID number',
    change: answer('birthDate', '1990-07-03'),
    outcome: 'window',
    says: '表单“出生日期”与公民身份号码所示出生日期（1990-03-07）不一致',
  },
  {
    rule: 'consistency.company',
    when: 'the company name on the form is not the registered one',
    item: () => items().company,
    base: companyDraft,
    change: answer('businessName', '王芳超市'),
    outcome: 'window',
    says: '与申请单位登记名称（北京市朝阳区王芳便利店）不一致',
  },
  {
    rule: 'agent.notAllowed',
    when: 'an agent applies for an item that must be applied for in person',
    item: () => {
      const ownMaterials = (personItem().materials as Array<{ role?: string }>).filter((m) => !m.role);
      return items({ person: { agentAllowed: false, materials: ownMaterials } }).person;
    },
    base: () => withAgent(completeDraft()),
    change: () => undefined,
    outcome: 'correction',
    says: '须由申请人本人办理，不接受他人代办',
    supply: '申请人本人到场办理',
  },
  {
    rule: 'agent.identity',
    when: 'the agent’s ID number is invalid',
    base: () => withAgent(completeDraft()),
    change: (d) => void (d.agent!.idNumber = '440306198506124520'),
    outcome: 'correction',
    says: '代办人的公民身份号码无效：校验码不符',
  },
  {
    rule: 'agent.identity',
    when: 'the agent is the applicant',
    base: () => withAgent(completeDraft()),
    change: (d) => void (d.agent!.idNumber = APPLICANT_ID),
    outcome: 'correction',
    says: '代办人与申请人为同一人',
  },
  {
    rule: 'agent.authorisation',
    when: 'an agent applies without an authorisation letter',
    base: () => withAgent(completeDraft()),
    change: (d) => void (d.materials = d.materials.filter((m) => m.materialId !== 'authorisation-letter')),
    outcome: 'correction',
    says: '缺少申请材料《授权委托书》（由代办人代为申请的须提交）',
    supply: '《授权委托书》原件1份',
  },
  {
    rule: 'agent.identityDocument',
    when: 'an agent applies without showing their ID card',
    base: () => withAgent(completeDraft()),
    change: (d) => void (d.materials = d.materials.filter((m) => m.materialId !== 'agent-id-card')),
    outcome: 'correction',
    says: '缺少申请材料《代办人居民身份证》',
  },
  {
    rule: 'agent.minor',
    when: 'the agent is not of age',
    base: () => withAgent(completeDraft()),
    change: (d) => void (d.agent = { name: '李小娜', idNumber: '11010520090307123X', source: 'manual' }),
    outcome: 'correction',
    says: '代办人未满十八周岁（17 周岁），不能代为办理',
    supply: '成年代办人及其有效身份证件',
  },
  {
    rule: 'guardian.missing',
    when: 'a minor applies without a guardian',
    change: minorApplicant,
    outcome: 'correction',
    says: '申请人未满十八周岁（14 周岁），应由其监护人陪同办理',
    supply: '监护人有效身份证件及监护关系证明（户口簿、出生医学证明或监护人指定文书）',
  },
  {
    rule: 'guardian.identity',
    when: 'the guardian’s ID number is invalid',
    change: withGuardian({ idNumber: '110105199003071230' }),
    outcome: 'correction',
    says: '监护人的公民身份号码无效：校验码不符',
  },
  {
    rule: 'guardian.minor',
    when: 'the guardian is not of age',
    change: withGuardian({ idNumber: '11010520090307123X' }),
    outcome: 'correction',
    says: '登记的监护人未满十八周岁（17 周岁）',
  },
  {
    rule: 'company.operatorRole',
    when: 'it is not said whether the company’s legal representative or an 经办人 is at the window',
    base: companyDraft,
    item: () => items().company,
    change: (d) => void delete d.operatorRole,
    outcome: 'window',
    says: '未登记到场办理人员是申请单位的法定代表人还是经办人',
  },
  {
    rule: 'company.authorisation',
    when: 'a company’s 经办人 applies without the company’s authorisation letter',
    base: companyDraft,
    item: () => items().company,
    change: (d) => void (d.operatorRole = 'handler'),
    outcome: 'correction',
    says: '缺少申请材料《授权委托书》（经办人不是法定代表人的，须提交申请单位出具的授权委托书）',
    supply: '《授权委托书》原件1份',
  },
  {
    rule: 'delivery.choice',
    when: 'the item offers more than one delivery of its result and none is chosen',
    item: () => items({ person: { result: { name: '准予迁入证明', delivery: ['window', 'post'] } } }).person,
    change: (d) => void delete d.delivery,
    outcome: 'window',
    says: '请询问申请人办理结果的送达方式（窗口领取、邮寄送达）并选定',
  },
];

describe('formal review: a complete application', () => {
  it('passes every rule and is received for the department, routed by the longest region prefix', () => {
    const result = review(completeDraft());
    expect(result.findings).toEqual([]);
    expect(result.outcome).toBe('receive');
    expect(result.route).toEqual({ regionPrefix: '4403', departmentId: 'sz' });
    // Committed 10 working days from Tuesday 10 March, the day of receipt not counted.
    expect(result.decision).toEqual({
      departmentId: 'sz',
      legalDays: 20,
      committedDays: 10,
      decisionDeadline: { date: '2026-03-24', workingDays: 10, provisional: false },
    });
  });

  it('passes as well with an agent who brings the letter and their ID, and for a company applicant', () => {
    expect(review(withAgent(completeDraft())).findings).toEqual([]);
    expect(review(companyDraft(), items().company).outcome).toBe('receive');
  });

  it('every rule has a specification below (the card rules, card.*, in card-checks.test.ts)', () => {
    const covered = new Set(cases.map((c) => c.rule));
    // print.characters is the core's, which knows the fonts: specified under 'characters the documents cannot print'.
    covered.add('print.characters');
    // card.* are checks of a card just read: specified in card-checks.test.ts.
    const draftRules = Object.keys(REVIEW_RULES).filter((rule) => !rule.startsWith('card.'));
    expect(draftRules.filter((rule) => !covered.has(rule as ReviewRuleId))).toEqual([]);
  });
});

describe('characters the documents cannot print (print.characters, added by the core)', () => {
  it('names the guardian’s name as where a character stands, under the guardian', () => {
    expect(printFindings([{ field: 'guardian.name', characters: ['\u{30EDE}'] }], 'person')).toEqual([
      expect.objectContaining({
        key: 'print.characters:guardian.name',
        target: { kind: 'identity', who: 'guardian' },
        message: expect.stringMatching(/^监护人姓名中的“\u{30EDE}”（U\+30EDE）/u),
      }),
    ]);
  });

  it('warns once per place, names each character with its code point, and leaves the outcome alone', () => {
    const findings = printFindings(
      [
        { field: 'applicant.name', characters: ['\u{F0000}', '\u{30EDE}'] },
        { field: 'clerk', characters: ['\u{F0000}'] },
      ],
      'company',
    );
    expect(findings).toEqual([
      expect.objectContaining({
        key: 'print.characters:applicant.name',
        severity: 'warning',
        declines: false,
        overridable: false,
        target: { kind: 'identity', who: 'company' },
        message:
          '申请单位名称中的“\u{F0000}”（U+F0000）、“\u{30EDE}”（U+30EDE）在文书字体中没有字形，打印出的文书上将是空白方框',
      }),
      expect.objectContaining({ key: 'print.characters:clerk', target: { kind: 'item' } }),
    ]);
    expect(unprintableOf(findings)).toEqual(['\u{F0000}', '\u{30EDE}']);
  });
});

describe.each(cases)('formal review rule $rule', (spec) => {
  it(`finds it when ${spec.when}`, () => {
    const draft = (spec.base ?? completeDraft)();
    spec.change(draft);
    const result = review(draft, spec.item?.());
    const found = result.findings.filter((f) => f.ruleId === spec.rule);
    expect(found.length, JSON.stringify(result.findings, null, 1)).toBeGreaterThan(0);
    expect(found.map((f) => f.message).join('\n')).toContain(spec.says);
    if (spec.supply) expect(found.map((f) => f.supply)).toContain(spec.supply);
    expect(found[0]!.severity).toBe(spec.severity ?? (spec.outcome === 'receive' ? 'warning' : 'blocking'));
    if (spec.outcome === 'window') {
      // The clerk's slip: held back from sealing, never an item the applicant must supply.
      expect(result.windowFixes).toEqual(expect.arrayContaining(found.map((f) => f.key)));
      const corrections = (result.correction?.items ?? []).map((i) => i.findingKey);
      expect(corrections.filter((key) => found.some((f) => f.key === key))).toEqual([]);
      expect(found.every((f) => f.supply === undefined || !/电子件/.test(f.supply))).toBe(true);
    } else {
      expect(result.outcome).toBe(spec.outcome);
      expect(result.windowFixes).toEqual([]);
    }
  });
});

describe('formal review: what does not trigger a rule', () => {
  it('does not ask for conditional materials or fields whose condition does not hold, and ignores hidden answers', () => {
    const draft = completeDraft();
    draft.answers.married = false;
    draft.answers.marriageDate = 'not a date'; // hidden now: not validated
    draft.materials = draft.materials.filter((m) => m.materialId !== 'marriage-certificate');
    expect(review(draft).findings).toEqual([]);
  });

  it('asks for the conditional material once its condition holds', () => {
    const draft = completeDraft();
    draft.answers.children = 2;
    expect(review(draft).findings.map((f) => f.key)).toEqual(['material.missing:children-birth-certificate']);
  });

  it('accepts optional fields left empty, a landline, a date of today and an ID number with lowercase x', () => {
    const draft = completeDraft();
    Object.assign(draft.answers, { postalCode: '', employerCode: null, bankAccount: '', remark: '' });
    draft.answers.phone = '0755-88888888';
    draft.answers.marriageDate = RECEIVED;
    draft.applicant = { name: '王芳', idNumber: '11010519491231002x', source: 'manual' };
    Object.assign(draft.answers, {
      applicantName: '王 芳',
      applicantIdNumber: '11010519491231002X',
      sex: 'female',
      birthDate: '1949-12-31',
    });
    expect(review(draft).findings).toEqual([]);
  });

  it('does not ask an applicant without an agent for a letter of authorisation', () => {
    const result = review(completeDraft());
    expect(result.findings.some((f) => f.ruleId.startsWith('agent.'))).toBe(false);
  });
});

describe('formal review: identity documents other than the resident card', () => {
  // The form's own ID number fields are for resident cards; these look at the identity rules only.
  const identityFindings = (person: ApplicationDraft['applicant']) => {
    const draft = completeDraft();
    draft.applicant = person;
    return review(draft).findings.filter((f) => f.target.kind === 'identity');
  };
  const typed = (document: ApplicationDraft['applicant']['document'], idNumber: string, more = {}) =>
    ({ name: 'John Smith', idNumber, document, source: 'manual', validTo: '2030-01-01', ...more }) as const;

  it('takes a passport with its issuing country, a 通行证 of either kind and a 2023 permanent residence card', () => {
    expect(identityFindings(typed('passport', 'E12345678', { nationality: 'CHN' }))).toEqual([]);
    expect(identityFindings(typed('passport', 'X1234567', { nationality: 'USA' }))).toEqual([]);
    expect(identityFindings(typed('hkMacauPass', 'H12345678'))).toEqual([]);
    expect(identityFindings(typed('hkMacauPass', 'M1234567801'))).toEqual([]);
    expect(identityFindings(typed('taiwanPass', '12345678'))).toEqual([]);
    expect(identityFindings(typed('foreignPermanent2023', '911840198506120015'))).toEqual([]);
    expect(identityFindings(typed('foreignPermanent', 'USA110085061201'))).toEqual([]);
  });

  it('checks each number by its own rule and says what the number should look like', () => {
    const says = (person: ApplicationDraft['applicant']) => identityFindings(person).map((f) => f.message);
    expect(says(typed('passport', 'E1-2345', { nationality: 'CHN' }))).toEqual([
      '申请人的护照号码无效：应为 5 至 17 位字母或数字。',
    ]);
    expect(says(typed('hkMacauPass', 'H1234567'))).toEqual([
      '申请人的通行证号码无效：应为 H（香港）或 M（澳门）加 8 位数字。',
    ]);
    expect(says(typed('taiwanPass', 'T1234567'))).toEqual(['申请人的通行证号码无效：应为 8 位数字。']);
    expect(says(typed('foreignPermanent2023', '911840198506120016'))).toEqual([
      '申请人的永久居留身份证号码无效：校验码不符，可能有录入错误。',
    ]);
    expect(says(typed('hkMacauTaiwan', APPLICANT_ID))).toEqual([
      '申请人的居住证号码无效：应为 18 位，以 810000（香港）、820000（澳门）或 830000（台湾）开头。',
    ]);
    expect(says(typed('passport', 'E12345678'))).toEqual(['申请人的护照签发国（国籍）未登记。']);
  });

  it('finds an expired typed document blocking, under the card’s rule; 长期 never expires', () => {
    const expired = identityFindings(typed('passport', 'E12345678', { nationality: 'CHN', validTo: '2026-03-09' }));
    expect(expired).toEqual([
      expect.objectContaining({
        key: 'card.expired:applicant',
        ruleId: 'card.expired',
        severity: 'blocking',
        message: expect.stringContaining('证件已于 2026-03-09 过期'),
      }),
    ]);
    expect(identityFindings(typed('taiwanPass', '12345678', { validTo: RECEIVED }))).toEqual([]);
    expect(identityFindings(typed('taiwanPass', '12345678', { validTo: 'longTerm' }))).toEqual([]);
  });

  it('takes a guardian or an agent with a passport, and needs no guardian for an adult or a company’s operator', () => {
    const draft = completeDraft();
    draft.applicant = { name: '张小伟', idNumber: MINOR_ID, source: 'manual' };
    draft.guardian = {
      relation: 'parent',
      person: { name: 'Anna Smith', idNumber: 'P1234567', document: 'passport', nationality: 'GBR', source: 'manual' },
    };
    expect(review(draft).findings.filter((f) => f.ruleId.startsWith('guardian.'))).toEqual([]);
    expect(review(completeDraft()).findings.some((f) => f.ruleId.startsWith('guardian.'))).toBe(false);
    const company = companyDraft();
    company.applicant = { name: '张小伟', idNumber: MINOR_ID, source: 'manual' };
    expect(review(company, items().company).findings.some((f) => f.ruleId.startsWith('guardian.'))).toBe(false);
  });

  it('lets only the legal representative apply for a company when the item takes no one acting for it', () => {
    const item = items({ company: { agentAllowed: false, materials: [companyMaterial()] } }).company;
    const draft = { ...companyDraft(), operatorRole: 'handler' as const };
    expect(review(draft, item).findings).toEqual([
      expect.objectContaining({
        key: 'agent.notAllowed:handler',
        message: '“个体工商户变更登记”须由申请单位的法定代表人本人办理，不接受经办人代为办理。',
      }),
    ]);
    expect(review({ ...draft, operatorRole: 'legalRepresentative' }, item).outcome).toBe('receive');
  });
});

function companyMaterial() {
  return {
    id: 'business-licence',
    name: '营业执照',
    requirement: { kind: 'required' },
    counts: { original: 1 },
    medium: 'paper',
    sourceChannel: 'government',
    reviewPoints: ['统一社会信用代码一致'],
  };
}
