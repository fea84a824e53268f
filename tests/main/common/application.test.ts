// The identities of an application: what the card reader fills in, what typing keeps, and
// that identities, drafts and manifests saved before documents had kinds still parse.
import { describe, expect, it } from 'vitest';
import {
  ApplicationDraft,
  documentOf,
  PersonIdentity,
  personFromCard,
  validToOf,
} from '../../../src-main/common/application.ts';
import { DraftState } from '../../../src-main/common/draft.ts';
import type { CardIdentity } from '../../../src-main/common/id-card.ts';
import { personOnPaper, describePerson } from '../../../src-main/documents/format.ts';

/** An identity as drafts and sealed packets stored it before documents had kinds. */
const OLD_SHAPE = {
  name: '张伟',
  idNumber: '110105199003071239',
  sex: 'male',
  birthDate: '1990-03-07',
  source: 'idCard',
  card: { cardType: 'resident', validFrom: '2016-01-01', validTo: '2036-01-01', readAt: 1_700_000_000_000 },
};

describe('PersonIdentity', () => {
  it('parses an identity saved before documents had kinds, as a resident card with its card’s expiry', () => {
    const person = PersonIdentity.parse(OLD_SHAPE);
    expect(person).toEqual(OLD_SHAPE);
    expect(documentOf(person)).toBe('resident');
    expect(validToOf(person)).toBe('2036-01-01');
    const typed = PersonIdentity.parse({ name: '王芳', idNumber: '11010519491231002X', source: 'manual' });
    expect(documentOf(typed)).toBe('resident');
    expect(validToOf(typed)).toBeUndefined();
  });

  it('parses old drafts and applications without guardian, operator role or document fields', () => {
    const state = DraftState.parse({
      applicantKind: 'company',
      applicant: OLD_SHAPE,
      company: { name: '某公司', creditCode: '91350100M000100Y43' },
      agent: { name: '李娜', idNumber: '440306198506124522', source: 'manual' },
      homeRegionCode: '110105',
      answers: {},
      counts: {},
      conditions: {},
      overrides: [],
    });
    expect(state.operatorRole).toBeUndefined();
    expect(state.guardian).toBeUndefined();
    expect(
      ApplicationDraft.parse({ itemCode: 'X-1', applicantKind: 'person', applicant: OLD_SHAPE, homeRegionCode: '' })
        .applicant,
    ).toEqual(OLD_SHAPE);
  });

  it('refuses a document kind it does not know, and keeps a typed passport whole', () => {
    expect(PersonIdentity.safeParse({ ...OLD_SHAPE, document: 'drivingLicence' }).success).toBe(false);
    const passport = {
      name: 'John Smith',
      idNumber: 'E12345678',
      document: 'passport',
      nationality: 'GBR',
      authority: 'HM Passport Office',
      validTo: 'longTerm',
      source: 'manual',
    } as const;
    expect(PersonIdentity.parse(passport)).toEqual(passport);
  });

  it('takes the document’s kind, issuing authority, expiry and nationality from the card read', () => {
    const card: CardIdentity = {
      cardType: 'foreignPermanent2023',
      name: '',
      englishName: 'SMITH JOHN',
      sex: 'male',
      nationality: 'USA',
      birthDate: '1985-06-12',
      idNumber: '911840198506120015',
      authority: '国家移民管理局',
      validFrom: '2024-01-01',
      validTo: '2034-01-01',
      photo: { present: true },
      fingerprint: { present: false },
    };
    expect(personFromCard(card, 1)).toEqual({
      name: 'SMITH JOHN',
      idNumber: '911840198506120015',
      sex: 'male',
      birthDate: '1985-06-12',
      document: 'foreignPermanent2023',
      nationality: 'USA',
      authority: '国家移民管理局',
      validTo: '2034-01-01',
      source: 'idCard',
      card: { cardType: 'foreignPermanent2023', validFrom: '2024-01-01', validTo: '2034-01-01', readAt: 1 },
    });
  });
});

describe('persons on paper', () => {
  it('names each person by the document shown, masked as that document’s number', () => {
    expect(describePerson(personOnPaper(PersonIdentity.parse(OLD_SHAPE)))).toBe(
      '张伟（居民身份证：110105********1239）',
    );
    const passport = { name: 'John Smith', idNumber: 'E12345678', document: 'passport', source: 'manual' } as const;
    expect(describePerson(personOnPaper(passport))).toBe('John Smith（护照：E1*****78）');
    const pass = { name: '陈大文', idNumber: 'H12345678', document: 'hkMacauPass', source: 'manual' } as const;
    expect(describePerson(personOnPaper(pass))).toBe('陈大文（港澳居民来往内地通行证：H1*****78）');
    expect(personOnPaper({ name: ' ', idNumber: '', source: 'manual' })).toEqual({
      name: '（未填写）',
      idType: '居民身份证',
      idNumber: '（未填写）',
    });
  });
});
