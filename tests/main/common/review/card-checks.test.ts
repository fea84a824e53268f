// What formal review says about a card just read (review/card-checks.ts), as a
// specification: a good card passes; each row breaks one thing and names the rule that
// must catch it. Every `card.*` rule of REVIEW_RULES is specified here (the draft's rules
// are in review-rules.test.ts).
import { describe, expect, it } from 'vitest';
import { type CardIdentity, CardIdentity as CardIdentitySchema } from '../../../../src-main/common/id-card.ts';
import { ageOn, type CardHolder, checkCard } from '../../../../src-main/common/review/card-checks.ts';
import { idCheckCharacter } from '../../../../src-main/common/review/identifiers.ts';
import { Finding, REVIEW_RULES, type ReviewRuleId } from '../../../../src-main/common/review/rules.ts';

const TODAY = '2026-11-25';
const withCheck = (first17: string) => `${first17}${idCheckCharacter(first17)}`;

function resident(change: Partial<CardIdentity> = {}): CardIdentity {
  return CardIdentitySchema.parse({
    cardType: 'resident',
    name: '张伟',
    sex: 'male',
    nation: { code: '01', name: '汉' },
    birthDate: '1990-03-07',
    address: '北京市朝阳区建国路1号',
    idNumber: withCheck('11010519900307123'),
    authority: '北京市公安局朝阳分局',
    validFrom: '2016-04-01',
    validTo: '2036-04-01',
    photo: { present: true },
    fingerprint: { present: false },
    ...change,
  });
}

interface CardCase {
  rule: ReviewRuleId;
  when: string;
  card: CardIdentity;
  says: string;
  severity?: 'blocking' | 'warning';
  /** Whose card it is; the agent's unless said. */
  holder?: CardHolder;
}

const cases: CardCase[] = [
  {
    rule: 'card.number',
    when: 'the check character does not match (a misread)',
    card: resident({ idNumber: '110105199003071230' }),
    says: '校验码不符',
  },
  {
    rule: 'card.number',
    when: 'a Hong Kong permit whose number lacks the 810000 / 820000 / 830000 prefix',
    card: resident({ cardType: 'hkMacauTaiwan', nation: undefined, passNumber: 'H01234567' }),
    says: '号码格式与证件类型不符',
  },
  {
    rule: 'card.number',
    when: "a 2023 foreigner's card with a wrong check character",
    card: resident({
      cardType: 'foreignPermanent2023',
      nation: undefined,
      nationality: 'DEU',
      idNumber: '911276199003070110',
    }),
    says: '校验码不符',
  },
  {
    rule: 'card.birthDate',
    when: 'the card says another birth date than its number',
    card: resident({ birthDate: '1990-03-08' }),
    says: '证件上的出生日期（1990-03-08）与证件号码所示出生日期（1990-03-07）不一致',
  },
  {
    rule: 'card.sex',
    when: 'the card says female and the sequence is odd',
    card: resident({ sex: 'female' }),
    says: '性别与证件号码所示性别不一致',
  },
  {
    rule: 'card.expired',
    when: 'the validity ended yesterday',
    card: resident({ validFrom: '2006-11-24', validTo: '2026-11-24' }),
    says: '证件已于 2026-11-24 过期',
  },
  {
    rule: 'card.notYetValid',
    when: 'the validity begins tomorrow',
    card: resident({ validFrom: '2026-11-26', validTo: '2046-11-26' }),
    says: '证件有效期自 2026-11-26 起',
  },
  {
    rule: 'card.minor',
    when: 'the holder turns 18 tomorrow',
    card: resident({ birthDate: '2008-11-26', idNumber: withCheck('11010520081126123') }),
    says: '未满十八周岁（17 周岁），未成年申请人须由监护人陪同办理',
    severity: 'warning',
    holder: 'applicant',
  },
];

describe('checks of a card just read', () => {
  it('finds nothing wrong with a good card, one valid on its last day, or one valid 长期', () => {
    expect(checkCard(resident(), TODAY)).toEqual({ age: 36, findings: [] });
    expect(checkCard(resident({ validTo: TODAY }), TODAY).findings).toEqual([]);
    expect(checkCard(resident({ validFrom: TODAY, validTo: 'longTerm' }), TODAY).findings).toEqual([]);
  });

  it('takes an X check character', () => {
    // Sequence 048, even — a woman.
    const number = withCheck('11010519900307048');
    expect(number.endsWith('X')).toBe(true);
    expect(checkCard(resident({ idNumber: number, sex: 'female' }), TODAY).findings).toEqual([]);
  });

  it("checks only the shape of a 2017 foreigner's card number (no published check character)", () => {
    const card = resident({
      cardType: 'foreignPermanent',
      nation: undefined,
      nationality: 'FRA',
      idNumber: 'FRA110085061242',
    });
    expect(checkCard(card, TODAY).findings).toEqual([]);
    expect(checkCard({ ...card, idNumber: 'FR1110085061242' }, TODAY).findings.map((f) => f.ruleId)).toEqual([
      'card.number',
    ]);
  });

  for (const c of cases) {
    it(`${c.rule}: ${c.when}`, () => {
      const holder = c.holder ?? 'agent';
      const { findings } = checkCard(c.card, TODAY, holder);
      expect(findings.map((f) => f.ruleId)).toEqual([c.rule]);
      const [finding] = findings;
      expect(Finding.parse(finding)).toEqual(finding);
      expect(finding!.message).toContain(c.says);
      expect(finding!.severity).toBe(c.severity ?? 'blocking');
      expect(finding!.key).toBe(`${c.rule}:${holder}`);
      expect(finding!.target).toEqual({ kind: 'identity', who: holder });
    });
  }

  it('warns of a minor only for the applicant: a guardian or an agent must be of age, which review finds itself', () => {
    const minor = resident({ birthDate: '2008-11-26', idNumber: withCheck('11010520081126123') });
    expect(checkCard(minor, TODAY, 'guardian').findings).toEqual([]);
    expect(checkCard(minor, TODAY, 'agent').findings).toEqual([]);
  });

  it('every card rule has a specification above', () => {
    const covered = new Set(cases.map((c) => c.rule));
    const cardRules = Object.keys(REVIEW_RULES).filter((rule) => rule.startsWith('card.'));
    expect(cardRules.filter((rule) => !covered.has(rule as ReviewRuleId))).toEqual([]);
  });

  it('counts age in full years, a 29 February birthday coming on 1 March', () => {
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('1990-03-07', '2026-03-07')).toBe(36);
    expect(ageOn('1990-03-07', '2026-03-06')).toBe(35);
  });
});
