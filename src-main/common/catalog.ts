// The service-item catalog (事项目录) as the department side publishes it: one
// schema for the file, the store, the intake form and formal review. Parsing a
// Catalog also checks its internal consistency, so any Catalog value in the app
// is known to be whole (unique codes, conditions that name real fields, committed
// time limit within the legal one, routes to known departments).
import { z } from 'zod';

// ── conditions ───────────────────────────────────────────────────────────────

/** A form answer as stored in a draft: text-like fields hold strings, dates `YYYY-MM-DD`. */
export type AnswerValue = string | number | boolean | null;
export type FormAnswers = Record<string, AnswerValue>;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
type Scalar = z.infer<typeof Scalar>;

/**
 * Facts a condition may name besides form fields. `$agent`: an agent (代办人)
 * applies on the applicant's behalf.
 */
export const CONDITION_FACTS = ['$agent'] as const;
export type ConditionFact = (typeof CONDITION_FACTS)[number];

const FieldRef = z.string().regex(/^(\$agent|[a-z][A-Za-z0-9]*)$/, 'must be a field key or $agent');

/** 条件: a small JSON language over form answers, evaluated by `evaluateCondition` only. */
export type Condition =
  | { field: string; equals: Scalar }
  | { field: string; in: Scalar[] }
  | { field: string; truthy: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ field: FieldRef, equals: Scalar }).strict(),
    z.object({ field: FieldRef, in: z.array(Scalar).min(1) }).strict(),
    z.object({ field: FieldRef, truthy: z.boolean() }).strict(),
    z.object({ all: z.array(Condition).min(1) }).strict(),
    z.object({ any: z.array(Condition).min(1) }).strict(),
    z.object({ not: Condition }).strict(),
  ]),
);

/** What a condition sees: the answers of the fields in effect, and the facts. */
export interface ConditionContext {
  answers: FormAnswers;
  agent: boolean;
  /**
   * A company's 经办人 (not its legal representative) applies for it: the item's
   * 授权委托书 (the agent material with the role `authorisation`) is due as well.
   */
  handler?: boolean;
}

/** An empty string, null, absent, false and 0 are falsy; everything else is truthy. */
export function isTruthy(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  return value !== false && value !== 0;
}

export function evaluateCondition(condition: Condition, context: ConditionContext): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, context));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, context));
  if ('not' in condition) return !evaluateCondition(condition.not, context);
  const value: AnswerValue | undefined =
    condition.field === '$agent' ? context.agent : context.answers[condition.field];
  if ('equals' in condition) return value === condition.equals;
  if ('in' in condition) return value !== undefined && value !== null && condition.in.includes(value);
  return isTruthy(value) === condition.truthy;
}

/** Every field or fact a condition names, for consistency checks. */
export function conditionRefs(condition: Condition): Array<{ field: string; values: Scalar[] }> {
  if ('all' in condition) return condition.all.flatMap(conditionRefs);
  if ('any' in condition) return condition.any.flatMap(conditionRefs);
  if ('not' in condition) return conditionRefs(condition.not);
  if ('equals' in condition) return [{ field: condition.field, values: [condition.equals] }];
  if ('in' in condition) return [{ field: condition.field, values: condition.in }];
  return [{ field: condition.field, values: [] }];
}

// ── form fields ──────────────────────────────────────────────────────────────

export const FIELD_TYPES = [
  'text',
  'textarea',
  'number',
  'date',
  'select',
  'boolean',
  /** 公民身份号码 (GB 11643, check digit verified) */
  'idNumber',
  /** mobile or landline */
  'phone',
  /** 行政区划代码 (GB/T 2260, six digits) */
  'regionCode',
  /** 邮政编码 */
  'postalCode',
  /** 统一社会信用代码 (GB 32100, check character verified) */
  'creditCode',
] as const;
export const FieldType = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof FieldType>;

/** Where the intake form takes a field's first value from. */
export const PREFILL_SOURCES = [
  'idCard.name',
  'idCard.idNumber',
  'idCard.sex',
  'idCard.ethnicity',
  'idCard.birthDate',
  'idCard.address',
  'company.name',
  'company.creditCode',
] as const;
export const PrefillSource = z.enum(PREFILL_SOURCES);
export type PrefillSource = z.infer<typeof PrefillSource>;

const TEXT_TYPES: readonly FieldType[] = ['text', 'textarea'];

export const FieldValidation = z
  .object({
    /** A JavaScript regular expression the whole answer must match (anchored by us). */
    pattern: z.string().min(1).optional(),
    /** What to tell the applicant when the pattern fails, e.g. "请填写 19 位银行卡号". */
    patternMessage: z.string().min(1).optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().positive().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Dates: not after the day of review (birth dates, dates of events that happened). */
    notFuture: z.boolean().optional(),
  })
  .strict();
export type FieldValidation = z.infer<typeof FieldValidation>;

export const SelectOption = z.object({ value: z.string().min(1), label: z.string().min(1) }).strict();
export type SelectOption = z.infer<typeof SelectOption>;

/** 表单字段: one entry of the application form. */
export const FormField = z
  .object({
    key: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'must be camelCase ASCII'),
    label: z.string().min(1),
    type: FieldType,
    required: z.boolean().default(false),
    hint: z.string().optional(),
    validation: FieldValidation.optional(),
    options: z.array(SelectOption).min(1).optional(),
    prefill: PrefillSource.optional(),
    /** The field is in effect (shown, validated, required) only when this holds. */
    when: Condition.optional(),
  })
  .strict()
  .superRefine((field, ctx) => {
    const problem = (message: string, path: PropertyKey[] = []) => ctx.addIssue({ code: 'custom', message, path });
    if (field.type === 'select' && !field.options) problem('a select field needs options', ['options']);
    if (field.type !== 'select' && field.options) problem('only select fields have options', ['options']);
    if (field.options && new Set(field.options.map((o) => o.value)).size !== field.options.length) {
      problem('option values must be unique', ['options']);
    }
    const v = field.validation;
    if (!v) return;
    if (v.pattern !== undefined) {
      try {
        new RegExp(v.pattern, 'u');
      } catch {
        problem('pattern is not a valid regular expression', ['validation', 'pattern']);
      }
    }
    if ((v.min !== undefined || v.max !== undefined) && field.type !== 'number') {
      problem('min/max apply to number fields only', ['validation']);
    }
    if ((v.minLength !== undefined || v.maxLength !== undefined) && !TEXT_TYPES.includes(field.type)) {
      problem('minLength/maxLength apply to text fields only', ['validation']);
    }
    if (v.notFuture && field.type !== 'date') problem('notFuture applies to date fields only', ['validation']);
    if (v.min !== undefined && v.max !== undefined && v.min > v.max) problem('min is above max', ['validation']);
    if (v.minLength !== undefined && v.maxLength !== undefined && v.minLength > v.maxLength) {
      problem('minLength is above maxLength', ['validation']);
    }
  });
export type FormField = z.output<typeof FormField>;

// ── materials ────────────────────────────────────────────────────────────────

/** 份数: how many originals (原件), copies (复印件) and electronic files (电子件) are due. */
export const MaterialCounts = z
  .object({
    original: z.number().int().min(0).default(0),
    copy: z.number().int().min(0).default(0),
    electronic: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((c) => c.original + c.copy + c.electronic > 0, 'at least one original, copy or electronic file is due');
export type MaterialCounts = z.output<typeof MaterialCounts>;

/** 必要性: always; only when a condition over the answers holds; only when an agent applies. */
export const MaterialRequirement = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('required') }).strict(),
  z
    .object({
      kind: z.literal('conditional'),
      when: Condition,
      /** The condition in words, printed in guides and notices, e.g. "夫妻投靠的". */
      description: z.string().min(1),
    })
    .strict(),
  z.object({ kind: z.literal('agent') }).strict(),
]);
export type MaterialRequirement = z.infer<typeof MaterialRequirement>;

/** Materials with a role in the agent rules: 授权委托书 and 代办人身份证件. */
export const MaterialRole = z.enum(['authorisation', 'agentIdentity']);
export type MaterialRole = z.infer<typeof MaterialRole>;

/** 材料来源渠道 */
export const SourceChannel = z.enum(['applicant', 'government', 'intermediary', 'other']);
export type SourceChannel = z.infer<typeof SourceChannel>;

/**
 * What becomes of a material's originals once checked: 核验后退还 (handed back at the
 * counter), 窗口留存 (kept at the window), or 寄递 (posted to the department with the
 * day's mailing list).
 */
export const OriginalHandling = z.enum(['returned', 'kept', 'posted']);
export type OriginalHandling = z.infer<typeof OriginalHandling>;

/** 申请材料 */
export const Material = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be kebab-case ASCII'),
    name: z.string().min(1),
    requirement: MaterialRequirement,
    role: MaterialRole.optional(),
    counts: MaterialCounts,
    /** Where its originals go after the check; only meaningful when originals are due. */
    originalHandling: OriginalHandling.default('returned'),
    /** 纸质 / 电子 / 均可 */
    medium: z.enum(['paper', 'electronic', 'either']),
    sourceChannel: SourceChannel,
    /** e.g. "户籍所在地公安机关出具" */
    sourceNote: z.string().optional(),
    /** 审查要点: what the clerk checks, shown beside the material. */
    reviewPoints: z.array(z.string().min(1)).min(1),
    /** 样表 / 模板 / 填写说明 */
    sample: z.string().optional(),
    /**
     * The material is an identity card (居民身份证 and the like). Where the item asks for a
     * copy of it (`counts.copy` > 0), its front and back, taken on the document camera, are
     * set on one page at true size; otherwise its pages are never laid out as a copy.
     */
    idCard: z.literal(true).optional(),
    /** 关联电子证照: when present, the licence may replace the paper material. */
    electronicLicence: z
      .object({ name: z.string().min(1), typeCode: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict();
export type Material = z.output<typeof Material>;

// ── the item ─────────────────────────────────────────────────────────────────

/** GB/T 39554.1 事项编码, or the publisher's own code where one is not yet assigned. */
export const ItemCode = z.string().regex(/^[0-9A-Z][0-9A-Z-]{3,63}$/, 'must be 4–64 of 0-9 A-Z and -');

/**
 * What a time limit counts: 工作日 (the default) or 自然日 — the housing fund's "3日"
 * and the ID card's "60日" are calendar days.
 */
export const DayUnit = z.enum(['working', 'calendar']);
export type DayUnit = z.infer<typeof DayUnit>;

/** 办理时限, in `unit` days; 0 means 即办. */
export const TimeLimits = z
  .object({
    /** 法定办结时限 */
    legalDays: z.number().int().min(0),
    /** 承诺办结时限 */
    committedDays: z.number().int().min(0),
    unit: DayUnit.default('working'),
  })
  .strict()
  .refine((t) => t.committedDays <= t.legalDays, {
    message: 'committed time limit exceeds the legal one',
    path: ['committedDays'],
  });
export type TimeLimits = z.infer<typeof TimeLimits>;

/** 属地路由: applicants whose home region starts with the prefix go to this department. */
export const Route = z
  .object({
    regionPrefix: z.string().regex(/^\d{2}(\d{2}(\d{2})?)?$/, 'must be 2, 4 or 6 digits (province, city, county)'),
    departmentId: z.string().min(1),
  })
  .strict();
export type Route = z.infer<typeof Route>;

/** 受理条件: confirmed one by one by the clerk. */
export const AcceptanceCondition = z
  .object({ id: z.string().regex(/^[a-z][a-z0-9-]*$/), text: z.string().min(1) })
  .strict();
export type AcceptanceCondition = z.infer<typeof AcceptanceCondition>;

/**
 * 不予受理情形 that the answers may reveal. Judging them is substantive, the department's
 * call (收受分离): the window records a matching one in the manifest with its legal basis
 * and forwards the packet, never refusing on it.
 */
export const RefusalCondition = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    when: Condition,
    reason: z.string().min(1),
    legalBasis: z.string().min(1),
  })
  .strict();
export type RefusalCondition = z.infer<typeof RefusalCondition>;

/** One fee and the case it applies to: the ID card's 换领 costs 20元, its 损坏换领 40元. */
export const Fee = z
  .object({
    /** e.g. 到期换领工本费 */
    name: z.string().min(1),
    amountYuan: z.number().min(0).max(1_000_000),
    /** When it applies, in words, e.g. "证件损坏换领的". */
    condition: z.string().min(1).optional(),
    legalBasis: z.string().min(1).optional(),
  })
  .strict();
export type Fee = z.infer<typeof Fee>;

/** 收费: `description` is what the guide prints; `items` the fees one by one, where fixed. */
export const Fees = z
  .object({ charged: z.boolean(), description: z.string().min(1), items: z.array(Fee).default([]) })
  .strict()
  .refine((fees) => fees.charged || fees.items.every((fee) => fee.amountYuan === 0), {
    message: 'an item that charges nothing lists no fee above 0',
    path: ['items'],
  });
export type Fees = z.output<typeof Fees>;

/** 办件类型: 即办件 decided on receipt, 承诺件 within the committed time limit. */
export const Handling = z.enum(['immediate', 'promised']);
export type Handling = z.infer<typeof Handling>;

/** How a result reaches the applicant: 窗口领取, 邮寄 (EMS), 电子送达. */
export const ResultDelivery = z.enum(['window', 'post', 'electronic']);
export type ResultDelivery = z.infer<typeof ResultDelivery>;

/** 办理结果: what the applicant finally receives and how it may be delivered. */
export const ItemResult = z
  .object({
    /** e.g. 社会保障卡, 准予迁入证明, 不动产登记证明 */
    name: z.string().min(1),
    delivery: z.array(ResultDelivery).min(1),
  })
  .strict();
export type ItemResult = z.infer<typeof ItemResult>;

/** 特别程序 (检验、检测、鉴定、专家评审、听证 …): time not counted in the time limit. */
export const SpecialProcedure = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1).optional(),
    /** The longest it may take, in calendar days, when the catalog states one. */
    maxDays: z.number().int().min(1).max(365).optional(),
  })
  .strict();
export type SpecialProcedure = z.infer<typeof SpecialProcedure>;

export const ServiceObject = z.enum(['person', 'company']);
export type ServiceObject = z.infer<typeof ServiceObject>;

/**
 * 事项类型: names the department's outcome after 受理 — 行政许可 准予 / 不予许可, 行政确认
 * 予以 / 不予确认, 行政给付 准予 / 不予给付, 公共服务 (and other) 办结 / 不予办理.
 */
export const ITEM_TYPES = ['permit', 'confirmation', 'payment', 'publicService', 'other'] as const;
export const ItemType = z.enum(ITEM_TYPES);
export type ItemType = z.infer<typeof ItemType>;

/**
 * 委托受理: the department's written authorisation for the window to accept in its name
 * (the window then issues the 受理通知书 "受…委托"). Without one the window only receives.
 */
export const Entrustment = z
  .object({
    /** The authorising instrument as printed, e.g. 委托书文号 or agreement name. */
    document: z.string().min(1).max(100),
  })
  .strict();
export type Entrustment = z.infer<typeof Entrustment>;

/** 通办模式: 异地代收代办 (proxy) or 多地联办 (joint). */
export const ServiceMode = z.enum(['proxy', 'joint']);
export type ServiceMode = z.infer<typeof ServiceMode>;

/** 政务服务事项 */
export const ServiceItem = z
  .object({
    code: ItemCode,
    name: z.string().min(2),
    /** 别名 / 关键词 found by search, e.g. 社保卡. */
    keywords: z.array(z.string().min(1)).default([]),
    /** 子项编码 */
    subItemCode: z.string().optional(),
    /** 业务办理项编码 */
    handlingItemCode: z.string().optional(),
    /** 设定依据 */
    legalBasis: z.array(z.string().min(1)).min(1),
    /** 主管部门 (sector), e.g. 人力资源社会保障部门 */
    competentAuthority: z.string().min(1),
    /** 实施主体, e.g. 参保地社会保险经办机构 */
    implementingAuthority: z.string().min(1),
    mode: ServiceMode,
    /** 事项类型; a catalog from before it was listed reads as 公共服务 (办结 / 不予办理). */
    itemType: ItemType.default('publicService'),
    /** 委托受理 for this item, whichever department its route names; a department's own entrustment covers all its items. */
    entrustedAcceptance: Entrustment.optional(),
    /** 服务对象 */
    serviceObjects: z.array(ServiceObject).min(1),
    routing: z.array(Route).min(1),
    acceptanceConditions: z.array(AcceptanceCondition).default([]),
    refusalConditions: z.array(RefusalCondition).default([]),
    timeLimits: TimeLimits,
    /** 补正期限 in working days, when the item sets one; otherwise the hall's default. */
    correctionDays: z.number().int().min(1).max(60).optional(),
    /** 收费 */
    fees: Fees,
    /** 即办 / 承诺; agrees with the committed time limit (即办: 0 days). */
    handling: Handling.default('promised'),
    /** 办理结果 and its delivery. */
    result: ItemResult.optional(),
    /**
     * Who does what under 收受分离: the receiving window's tasks and the competent
     * department's, as the guide shows them to the clerk.
     */
    duties: z
      .object({ window: z.array(z.string().min(1)).min(1), department: z.array(z.string().min(1)).min(1) })
      .strict()
      .optional(),
    /**
     * 容缺受理: these secondary materials may be missing at intake when the applicant
     * commits in writing to supply them (the department's list).
     */
    tolerantAcceptance: z
      .object({ materials: z.array(z.string().min(1)).min(1), note: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** 告知承诺制: the applicant's written commitment replaces these proofs. */
    notificationCommitment: z
      .object({ materials: z.array(z.string().min(1)).min(1), note: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** 特别程序, outside the time limit. */
    specialProcedures: z.array(SpecialProcedure).default([]),
    /** 到办事现场次数 */
    visits: z.number().int().min(0).max(5),
    /** 是否可委托代办 */
    agentAllowed: z.boolean().default(true),
    /** 办理流程 */
    process: z.array(z.string().min(1)).default([]),
    contact: z
      .object({ consultPhone: z.string().optional(), complaintPhone: z.string().optional() })
      .strict()
      .optional(),
    fields: z.array(FormField).min(1),
    materials: z.array(Material).min(1),
  })
  .strict();
export type ServiceItem = z.output<typeof ServiceItem>;

/**
 * 救济途径 against the department's decisions: the 行政复议机关 (since the 2023 行政复议法,
 * normally the people's government at the department's level, e.g. 成都市锦江区人民政府)
 * and the court with jurisdiction.
 */
export const Remedies = z
  .object({ reconsiderationBody: z.string().min(1).max(80), court: z.string().min(1).max(80) })
  .strict();
export type Remedies = z.infer<typeof Remedies>;

/** 审批部门 a route may name; its endpoint lives in the hall config under the same id. */
export const Department = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().min(1),
    /** 委托受理 for every item this department decides. */
    entrustedAcceptance: Entrustment.optional(),
    /** The department's consultation phone (咨询电话), printed on the receipt before the item's and the hall's. */
    consultPhone: z.string().min(1).max(30).optional(),
    /** Where its decisions may be challenged; catalogs before it was listed name none. */
    remedies: Remedies.optional(),
  })
  .strict();
export type Department = z.infer<typeof Department>;

export const CATALOG_FORMAT = 1;

const CatalogShape = z
  .object({
    format: z.literal(CATALOG_FORMAT),
    /** Increases with every publication; an older or equal version is never installed. */
    version: z.number().int().positive(),
    /** ISO 8601 date-time of publication. */
    issuedAt: z.iso.datetime({ offset: true }),
    /** 发布单位 */
    publisher: z.string().min(1),
    note: z.string().optional(),
    departments: z.array(Department).min(1),
    items: z.array(ServiceItem).min(1),
  })
  .strict();

/** 事项目录: one published version. */
export const Catalog = CatalogShape.superRefine((catalog, ctx) => {
  for (const problem of consistencyProblems(catalog)) {
    ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  }
});
export type Catalog = z.output<typeof Catalog>;

// ── consistency ──────────────────────────────────────────────────────────────

interface Problem {
  path: PropertyKey[];
  message: string;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const value of values) (seen.has(value) ? dup : seen).add(value);
  return [...dup];
}

function consistencyProblems(catalog: z.output<typeof CatalogShape>): Problem[] {
  const problems: Problem[] = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ path, message });

  for (const code of duplicates(catalog.items.map((i) => i.code))) add(['items'], `item code ${code} appears twice`);
  for (const id of duplicates(catalog.departments.map((d) => d.id)))
    add(['departments'], `department ${id} appears twice`);
  const departmentIds = new Set(catalog.departments.map((d) => d.id));

  catalog.items.forEach((item, i) => {
    const at = (...path: PropertyKey[]) => ['items', i, ...path];
    const label = `item ${item.code}`;
    for (const key of duplicates(item.fields.map((f) => f.key)))
      add(at('fields'), `${label}: field ${key} appears twice`);
    for (const id of duplicates(item.materials.map((m) => m.id)))
      add(at('materials'), `${label}: material ${id} appears twice`);
    for (const id of duplicates(item.acceptanceConditions.map((c) => c.id))) {
      add(at('acceptanceConditions'), `${label}: acceptance condition ${id} appears twice`);
    }
    for (const id of duplicates(item.refusalConditions.map((c) => c.id))) {
      add(at('refusalConditions'), `${label}: refusal condition ${id} appears twice`);
    }
    for (const prefix of duplicates(item.routing.map((r) => r.regionPrefix))) {
      add(at('routing'), `${label}: region prefix ${prefix} is routed twice`);
    }
    item.routing.forEach((route, r) => {
      if (!departmentIds.has(route.departmentId)) {
        add(at('routing', r, 'departmentId'), `${label}: unknown department ${route.departmentId}`);
      }
    });

    const fields = new Map(item.fields.map((f) => [f.key, f]));
    const checkCondition = (condition: Condition, path: PropertyKey[], allowed: ReadonlySet<string>) => {
      for (const ref of conditionRefs(condition)) {
        if ((CONDITION_FACTS as readonly string[]).includes(ref.field)) continue;
        const field = fields.get(ref.field);
        if (!field || !allowed.has(ref.field)) {
          add(path, `${label}: condition names unknown or later field ${ref.field}`);
          continue;
        }
        for (const value of ref.values) {
          if (field.type === 'select' && !field.options?.some((o) => o.value === value)) {
            add(
              path,
              `${label}: condition compares ${ref.field} with ${String(value)}, which is not one of its options`,
            );
          }
          if (field.type === 'boolean' && typeof value !== 'boolean') {
            add(path, `${label}: condition compares boolean field ${ref.field} with a non-boolean`);
          }
        }
      }
    };

    // A field's condition may name only fields before it, so whether a field is in
    // effect is decided in one pass, in order, without cycles.
    const earlier = new Set<string>();
    item.fields.forEach((field, f) => {
      if (field.when) checkCondition(field.when, at('fields', f, 'when'), earlier);
      earlier.add(field.key);
    });
    const allFields = new Set(fields.keys());
    item.materials.forEach((material, m) => {
      if (material.requirement.kind === 'conditional') {
        checkCondition(material.requirement.when, at('materials', m, 'requirement', 'when'), allFields);
      }
      const agentMaterial = material.requirement.kind === 'agent';
      if (agentMaterial !== (material.role !== undefined)) {
        add(at('materials', m), `${label}: material ${material.id}: agent materials and only they carry a role`);
      }
      if (agentMaterial && !item.agentAllowed) {
        add(at('materials', m), `${label}: material ${material.id} is for agents but the item allows no agent`);
      }
    });
    item.refusalConditions.forEach((condition, c) => {
      checkCondition(condition.when, at('refusalConditions', c, 'when'), allFields);
    });
    if ((item.handling === 'immediate') !== (item.timeLimits.committedDays === 0)) {
      add(at('handling'), `${label}: 即办 (immediate) items and only they have a committed time limit of 0 days`);
    }
    const materialIds = new Map(item.materials.map((m) => [m.id, m]));
    for (const key of ['tolerantAcceptance', 'notificationCommitment'] as const) {
      item[key]?.materials.forEach((id, k) => {
        const material = materialIds.get(id);
        if (!material) add(at(key, 'materials', k), `${label}: ${key} names unknown material ${id}`);
        else if (material.role !== undefined) {
          add(at(key, 'materials', k), `${label}: ${key} may not waive an agent's material (${id})`);
        }
      });
    }
    if (item.agentAllowed && !item.materials.some((m) => m.role === 'authorisation')) {
      add(at('materials'), `${label}: allows an agent but lists no authorisation letter (role "authorisation")`);
    }
  });
  return problems;
}

/** Region routing by longest prefix of the applicant's home region code. */
export function routeFor(item: ServiceItem, homeRegionCode: string): Route | null {
  let best: Route | null = null;
  for (const route of item.routing) {
    if (
      homeRegionCode.startsWith(route.regionPrefix) &&
      (!best || route.regionPrefix.length > best.regionPrefix.length)
    ) {
      best = route;
    }
  }
  return best;
}

/** The fields in effect for these answers, in form order (a hidden field's answer is ignored). */
export function fieldsInEffect(item: ServiceItem, answers: FormAnswers, agent: boolean): FormField[] {
  const visible: FormAnswers = {};
  const result: FormField[] = [];
  for (const field of item.fields) {
    if (field.when && !evaluateCondition(field.when, { answers: visible, agent })) continue;
    result.push(field);
    const value = answers[field.key];
    if (value !== undefined) visible[field.key] = value;
  }
  return result;
}

/** Is this material due for these answers? */
export function isMaterialDue(material: Material, context: ConditionContext): boolean {
  switch (material.requirement.kind) {
    case 'required':
      return true;
    case 'conditional':
      return evaluateCondition(material.requirement.when, context);
    case 'agent':
      return context.agent || (material.role === 'authorisation' && context.handler === true);
  }
}

/** A department's public key the hall trusts (shipped, or configured by an installer). */
export const TrustedKey = z
  .object({
    keyId: z.string().min(1).max(128),
    algorithm: z.literal('ed25519'),
    /** Who holds the private key, e.g. 演示审批部门. */
    owner: z.string().min(1),
    publicKeyJwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1) }).strict(),
    note: z.string().optional(),
  })
  .strict();
export type TrustedKey = z.infer<typeof TrustedKey>;

/** An installed catalog version, as installers and supervisors see it. */
export const CatalogSummary = z.object({
  version: z.number(),
  publisher: z.string(),
  issuedAt: z.string(),
  signerKeyId: z.string(),
  sha256: z.string(),
  itemCount: z.number(),
  installedAt: z.number(),
  installedBy: z.string(),
  active: z.boolean(),
});
export type CatalogSummary = z.infer<typeof CatalogSummary>;

/** The 委托受理 under which the window may accept for this item and department: the item's own, else the department's. */
export function entrustmentFor(
  item: ServiceItem,
  departments: readonly Department[],
  departmentId: string,
): Entrustment | undefined {
  return item.entrustedAcceptance ?? departments.find((d) => d.id === departmentId)?.entrustedAcceptance;
}
