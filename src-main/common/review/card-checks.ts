// Checks of a card just read (证件核验), as findings of formal review: the number's
// check character (GB 11643 MOD 11-2, `X` included), the birth date and sex the number
// encodes against what the card says, the validity on the hall's day, and the holder's
// age. The chip's text is signed by the card and checked by the reader's SAM, so a
// failure here means a misread or a card to inspect by hand. A number failing its check
// and a card out of its validity are never set aside; a birth date or sex at odds with
// the number only with a supervisor's countersign (findings.ts).
import { t } from '../i18n/index.ts';
import type { PersonIdentity } from '../application.ts';
import { type CardIdentity, LONG_TERM } from '../id-card.ts';
import { checkDocumentNumber, checkIdNumber } from './identifiers.ts';
import { type Finding, type FindingTarget, overrideFlags, type ReviewRuleId } from './findings.ts';

export type CardHolder = 'applicant' | 'guardian' | 'agent';

/** Age of full majority (民法典 §17). */
export const ADULT_AGE = 18;

/** What the checks look at: the card's number, the dates and sex it states, and its kind. */
export type CardFields = Pick<CardIdentity, 'cardType' | 'idNumber' | 'birthDate' | 'sex' | 'validFrom' | 'validTo'>;

export interface CardCheck {
  /** Full years on `today`. */
  age: number;
  findings: Finding[];
}

/** Full years from `birthDate` to `today` (both YYYY-MM-DD); a 29 February birthday comes on 1 March. */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/** The age in full years a valid 公民身份号码 gives on `today`, or undefined for an invalid one. */
export function ageFromIdNumber(idNumber: string, today: string): number | undefined {
  const check = checkIdNumber(idNumber, today);
  return check.ok ? ageOn(check.birthDate, today) : undefined;
}

/** The findings on a card read for the applicant, the guardian or the agent, on the hall's day `today` (YYYY-MM-DD). */
export function checkCard(card: CardFields, today: string, holder: CardHolder = 'applicant'): CardCheck {
  const target: FindingTarget = { kind: 'identity', who: holder };
  const findings: Finding[] = [];
  // An invalid number or a card out of its validity is never set aside (ABSOLUTE_RULES).
  const add = (ruleId: ReviewRuleId, message: string, options: { severity?: Finding['severity'] } = {}) => {
    const severity = options.severity ?? 'blocking';
    findings.push({
      key: `${ruleId}:${holder}`,
      ruleId,
      severity,
      declines: false,
      target,
      message,
      supply: t('idCard.findings.supply'),
      ...overrideFlags(ruleId, severity),
    });
  };

  const number = checkDocumentNumber(card.cardType, card.idNumber, today);
  if (!number.ok) {
    add('card.number', t('idCard.findings.number', { problem: t(`idCard.findings.numberProblems.${number.problem}`) }));
  } else {
    if (number.birthDate !== undefined && number.birthDate !== card.birthDate) {
      add(
        'card.birthDate',
        t('idCard.findings.birthDate', { cardBirthDate: card.birthDate, numberBirthDate: number.birthDate }),
      );
    }
    if (number.sex !== undefined && (card.sex === 'male' || card.sex === 'female') && number.sex !== card.sex) {
      add('card.sex', t('idCard.findings.sex'));
    }
  }
  if (today < card.validFrom) add('card.notYetValid', t('idCard.findings.notYetValid', { validFrom: card.validFrom }));
  if (card.validTo !== LONG_TERM && today > card.validTo) {
    add('card.expired', t('idCard.findings.expired', { validTo: card.validTo }));
  }
  const age = ageOn(card.birthDate, today);
  // A minor applicant acts through a guardian (review requires one); a guardian or an agent
  // must be of age, which review finds under their own rules.
  if (age < ADULT_AGE && holder === 'applicant') {
    add('card.minor', t('idCard.findings.minor', { age }), { severity: 'warning' });
  }
  return { age, findings };
}

/**
 * The card checks of a person whose identity was read from a card (`source: 'idCard'`
 * with its `card` facts), on the review's day; undefined for an identity typed by hand,
 * which the number checks of formal review look at instead.
 */
export function checkCardHolder(person: PersonIdentity, today: string, holder: CardHolder): CardCheck | undefined {
  if (person.source !== 'idCard' || !person.card || !person.birthDate) return undefined;
  return checkCard(
    {
      cardType: person.card.cardType,
      idNumber: person.idNumber,
      birthDate: person.birthDate,
      sex: person.sex ?? 'unknown',
      validFrom: person.card.validFrom,
      validTo: person.card.validTo,
    },
    today,
    holder,
  );
}
