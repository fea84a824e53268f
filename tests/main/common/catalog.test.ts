import { describe, expect, it } from 'vitest';
import {
  Catalog,
  type Condition,
  evaluateCondition,
  fieldsInEffect,
  isMaterialDue,
  routeFor,
} from '../../../src-main/common/catalog.ts';
import { catalogJson, companyItem, personItem } from '../catalog/fixtures.ts';

const answers = { married: true, children: 0, purpose: 'work', spouseName: '', note: '  ' };
const holds = (condition: Condition, agent = false) => evaluateCondition(condition, { answers, agent });

describe('condition language', () => {
  it('compares a field with a value', () => {
    expect(holds({ field: 'purpose', equals: 'work' })).toBe(true);
    expect(holds({ field: 'purpose', equals: 'study' })).toBe(false);
    expect(holds({ field: 'married', equals: true })).toBe(true);
  });

  it('tests membership in a list', () => {
    expect(holds({ field: 'purpose', in: ['study', 'work'] })).toBe(true);
    expect(holds({ field: 'purpose', in: ['study'] })).toBe(false);
    expect(holds({ field: 'absent', in: ['x'] })).toBe(false);
  });

  it('tests truthiness: empty text, blank text, zero, false and absent are falsy', () => {
    expect(holds({ field: 'married', truthy: true })).toBe(true);
    expect(holds({ field: 'children', truthy: true })).toBe(false);
    expect(holds({ field: 'spouseName', truthy: false })).toBe(true);
    expect(holds({ field: 'note', truthy: false })).toBe(true);
    expect(holds({ field: 'absent', truthy: false })).toBe(true);
  });

  it('combines with all, any and not', () => {
    expect(
      holds({
        all: [
          { field: 'married', truthy: true },
          { field: 'purpose', equals: 'work' },
        ],
      }),
    ).toBe(true);
    expect(
      holds({
        all: [
          { field: 'married', truthy: true },
          { field: 'purpose', equals: 'study' },
        ],
      }),
    ).toBe(false);
    expect(
      holds({
        any: [
          { field: 'children', truthy: true },
          { field: 'purpose', equals: 'work' },
        ],
      }),
    ).toBe(true);
    expect(holds({ not: { field: 'married', truthy: true } })).toBe(false);
  });

  it('knows whether an agent (代办人) applies', () => {
    expect(holds({ field: '$agent', truthy: true }, true)).toBe(true);
    expect(holds({ field: '$agent', truthy: true }, false)).toBe(false);
  });

  it('rejects unknown operators and malformed conditions in a catalog', () => {
    const item = personItem();
    const fields = (item.fields as Array<Record<string, unknown>>).map((f) =>
      f.key === 'spouseName' ? { ...f, when: { field: 'married', greaterThan: 1 } } : f,
    );
    const result = Catalog.safeParse(catalogJson(1, [{ ...item, fields }]));
    expect(result.success).toBe(false);
  });
});

describe('catalog schema', () => {
  it('accepts a complete catalog and fills defaults', () => {
    const catalog = Catalog.parse(catalogJson());
    const [person] = catalog.items;
    expect(person!.agentAllowed).toBe(true);
    expect(person!.fields.find((f) => f.key === 'postalCode')!.required).toBe(false);
    expect(person!.materials.find((m) => m.id === 'children-birth-certificate')!.counts).toEqual({
      original: 0,
      copy: 1,
      electronic: 0,
    });
  });

  const problemsOf = (catalog: unknown) => {
    const result = Catalog.safeParse(catalog);
    if (result.success) throw new Error('catalog was accepted');
    return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  };

  it('refuses two items with the same code', () => {
    expect(problemsOf(catalogJson(1, [personItem(), personItem()]))).toContain('item code TEST-HK-0001 appears twice');
  });

  it('refuses a committed time limit longer than the legal one', () => {
    const item = personItem({ timeLimits: { legalDays: 5, committedDays: 10 } });
    expect(problemsOf(catalogJson(1, [item]))).toContain('committed time limit exceeds the legal one');
  });

  it('refuses a condition that names a field the item does not have', () => {
    const item = personItem();
    const materials = (item.materials as Array<Record<string, unknown>>).map((m) =>
      m.id === 'marriage-certificate'
        ? { ...m, requirement: { kind: 'conditional', when: { field: 'spouse', truthy: true }, description: '已婚的' } }
        : m,
    );
    expect(problemsOf(catalogJson(1, [{ ...item, materials }]))).toContain('unknown or later field spouse');
  });

  it('refuses a field condition that names a later field, so visibility is decided in one pass', () => {
    const item = personItem();
    const fields = (item.fields as Array<Record<string, unknown>>).map((f) =>
      f.key === 'spouseName' ? { ...f, when: { field: 'children', truthy: true } } : f,
    );
    expect(problemsOf(catalogJson(1, [{ ...item, fields }]))).toContain('unknown or later field children');
  });

  it('refuses a condition comparing a select field with a value that is not an option', () => {
    const item = personItem();
    const fields = (item.fields as Array<Record<string, unknown>>).map((f) =>
      f.key === 'spouseName' ? { ...f, when: { field: 'sex', equals: '男' } } : f,
    );
    expect(problemsOf(catalogJson(1, [{ ...item, fields }]))).toContain('which is not one of its options');
  });

  it('refuses duplicate field keys, material ids and routes', () => {
    const item = personItem();
    const fields = item.fields as unknown[];
    const materials = item.materials as unknown[];
    const routing = item.routing as unknown[];
    const problems = problemsOf(
      catalogJson(1, [
        {
          ...item,
          fields: [...fields, fields[0]],
          materials: [...materials, materials[0]],
          routing: [...routing, routing[0]],
        },
      ]),
    );
    expect(problems).toContain('field applicantName appears twice');
    expect(problems).toContain('material applicant-id-card appears twice');
    expect(problems).toContain('region prefix 11 is routed twice');
  });

  it('refuses a route to a department the catalog does not list', () => {
    const item = personItem({ routing: [{ regionPrefix: '31', departmentId: 'sh' }] });
    expect(problemsOf(catalogJson(1, [item]))).toContain('unknown department sh');
  });

  it('requires an authorisation letter when the item allows an agent, and no agent materials when it does not', () => {
    const item = personItem();
    const withoutLetter = (item.materials as Array<Record<string, unknown>>).filter((m) => m.role !== 'authorisation');
    expect(problemsOf(catalogJson(1, [{ ...item, materials: withoutLetter }]))).toContain(
      'allows an agent but lists no authorisation letter',
    );
    expect(problemsOf(catalogJson(1, [personItem({ agentAllowed: false })]))).toContain('allows no agent');
  });

  it('refuses a select without options and validation that does not fit the field type', () => {
    const item = personItem();
    const fields = [
      ...(item.fields as unknown[]),
      { key: 'kind', label: '类别', type: 'select' },
      { key: 'count', label: '数量', type: 'number', validation: { maxLength: 3 } },
      { key: 'when1', label: '日期', type: 'text', validation: { notFuture: true } },
      { key: 'code1', label: '代码', type: 'text', validation: { pattern: '([' } },
    ];
    const problems = problemsOf(catalogJson(1, [{ ...item, fields }]));
    expect(problems).toContain('a select field needs options');
    expect(problems).toContain('minLength/maxLength apply to text fields only');
    expect(problems).toContain('notFuture applies to date fields only');
    expect(problems).toContain('pattern is not a valid regular expression');
  });

  it('counts time limits in working days unless the item says calendar days', () => {
    const parsed = Catalog.parse(
      catalogJson(1, [
        personItem(),
        companyItem({ timeLimits: { legalDays: 60, committedDays: 30, unit: 'calendar' } }),
      ]),
    );
    expect(parsed.items.map((i) => i.timeLimits.unit)).toEqual(['working', 'calendar']);
    expect(
      Catalog.safeParse(catalogJson(1, [personItem({ timeLimits: { legalDays: 3, committedDays: 3, unit: 'hours' } })]))
        .success,
    ).toBe(false);
  });

  it('keeps fees, 即办 / 承诺, the result and the special procedures, and checks them against the item', () => {
    const fees = {
      charged: true,
      description: '到期换领20元；损坏换领40元',
      items: [
        { name: '换领工本费', amountYuan: 20, condition: '到期换领的' },
        { name: '换领工本费', amountYuan: 40, condition: '证件损坏换领的' },
      ],
    };
    const parsed = Catalog.parse(
      catalogJson(1, [
        personItem({
          fees,
          result: { name: '居民身份证', delivery: ['window', 'post'] },
          specialProcedures: [{ name: '调查核实', maxDays: 30 }],
        }),
        companyItem(),
      ]),
    );
    const [person, company] = parsed.items;
    expect(person!.fees.items.map((f) => f.amountYuan)).toEqual([20, 40]);
    expect(person!.handling).toBe('promised');
    expect(person!.result?.delivery).toEqual(['window', 'post']);
    expect(person!.specialProcedures[0]!.name).toBe('调查核实');
    expect(company!.fees.items).toEqual([]);

    const problems = (item: Record<string, unknown>) =>
      (Catalog.safeParse(catalogJson(1, [personItem(item)])).error?.issues ?? []).map((i) => i.message).join('\n');
    expect(
      problems({ fees: { charged: false, description: '不收费', items: [{ name: '工本费', amountYuan: 20 }] } }),
    ).toMatch(/charges nothing/);
    expect(problems({ handling: 'immediate' })).toMatch(/即办/);
    expect(problems({ result: { name: '证明', delivery: [] } })).not.toBe('');
  });

  it("lets 容缺受理 and 告知承诺 name only real materials, never an agent's", () => {
    const problems = (item: Record<string, unknown>) =>
      (Catalog.safeParse(catalogJson(1, [personItem(item)])).error?.issues ?? []).map((i) => i.message).join('\n');
    expect(problems({ tolerantAcceptance: { materials: ['no-such-material'] } })).toMatch(
      /unknown material no-such-material/,
    );
    expect(problems({ notificationCommitment: { materials: ['authorisation-letter'] } })).toMatch(/agent's material/);
  });

  it('refuses a material with nothing due', () => {
    const item = companyItem();
    const materials = (item.materials as Array<Record<string, unknown>>).map((m) =>
      m.id === 'business-licence' ? { ...m, counts: { original: 0 } } : m,
    );
    expect(problemsOf(catalogJson(1, [{ ...item, materials }]))).toContain('at least one original, copy or electronic');
  });
});

describe('routing by home region', () => {
  const item = Catalog.parse(catalogJson()).items[0]!;

  it('picks the longest matching prefix', () => {
    expect(routeFor(item, '440305')?.departmentId).toBe('sz'); // 深圳市南山区
    expect(routeFor(item, '440106')?.departmentId).toBe('gd'); // 广州市天河区
    expect(routeFor(item, '110105')?.departmentId).toBe('bj');
  });

  it('finds no department for a region the item is not routed for', () => {
    expect(routeFor(item, '310115')).toBeNull();
  });
});

describe('fields and materials in effect', () => {
  const item = Catalog.parse(catalogJson()).items[0]!;

  it('hides fields whose condition does not hold, and ignores their answers', () => {
    const single = fieldsInEffect(item, { married: false, spouseName: '张三' }, false).map((f) => f.key);
    expect(single).not.toContain('spouseName');
    expect(fieldsInEffect(item, { married: true }, false).map((f) => f.key)).toContain('spouseName');
  });

  it('makes conditional materials due only when their condition holds, and agent materials only for agents', () => {
    const letter = item.materials.find((m) => m.id === 'authorisation-letter')!;
    const marriage = item.materials.find((m) => m.id === 'marriage-certificate')!;
    expect(isMaterialDue(marriage, { answers: { married: true }, agent: false })).toBe(true);
    expect(isMaterialDue(marriage, { answers: { married: false }, agent: false })).toBe(false);
    expect(isMaterialDue(letter, { answers: {}, agent: true })).toBe(true);
    expect(isMaterialDue(letter, { answers: {}, agent: false })).toBe(false);
  });
});
