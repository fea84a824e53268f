// Pure helpers of the intake wizard over the catalog item and the draft state.
import {
  type FormAnswers,
  type Material,
  type PrefillSource,
  type ServiceItem,
  fieldsInEffect,
  isMaterialDue,
} from '../../../src-main/common/catalog.ts';
import type { DraftState, MaterialCount, WizardStep } from '../../../src-main/common/draft.ts';
import { WIZARD_STEPS } from '../../../src-main/common/draft.ts';
import { isHandler, type PersonIdentity } from '../../../src-main/common/application.ts';
import { formatByteSize } from '../../../src-main/common/byte-size.ts';
import { ADULT_AGE } from '../../../src-main/common/review/card-checks.ts';
import { ageOf } from '../../../src-main/common/review/rules.ts';
import { NATIONALITIES, nationalityOf } from '../../../src-main/common/nationalities.ts';
import { t } from '../../../src-main/common/i18n/index.ts';

export const COUNT_KINDS = ['original', 'copy', 'electronic'] as const;
export type CountKind = (typeof COUNT_KINDS)[number];
export const MAX_COUNT = 99;

export function stepAfter(step: WizardStep, by: 1 | -1): WizardStep | undefined {
  return WIZARD_STEPS[WIZARD_STEPS.indexOf(step) + by];
}

/** The answers conditions see: those of the fields in effect (as formal review does). */
export function answersInEffect(item: ServiceItem, state: DraftState): FormAnswers {
  const answers: FormAnswers = {};
  for (const field of fieldsInEffect(item, state.answers, state.agent !== undefined)) {
    const value = state.answers[field.key];
    if (value !== undefined) answers[field.key] = value;
  }
  return answers;
}

export function dueMaterials(item: ServiceItem, state: DraftState): Material[] {
  const context = {
    answers: answersInEffect(item, state),
    agent: state.agent !== undefined,
    handler: isHandler(state),
  };
  return item.materials.filter((material) => isMaterialDue(material, context));
}

function prefillValue(source: PrefillSource, state: DraftState): string | undefined {
  const person = state.applicant;
  switch (source) {
    case 'idCard.name':
      return person.name.trim();
    case 'idCard.idNumber':
      return person.idNumber.trim().toUpperCase();
    case 'idCard.sex':
      return person.sex;
    case 'idCard.ethnicity':
      return person.ethnicity?.trim();
    case 'idCard.birthDate':
      return person.birthDate;
    case 'idCard.address':
      return person.address?.trim();
    case 'company.name':
      return state.company?.name.trim();
    case 'company.creditCode':
      return state.company?.creditCode.trim().toUpperCase();
  }
}

/** Answers to fill from the applicant's identity: fields in effect that name a source and are still empty. */
export function prefillAnswers(item: ServiceItem, state: DraftState): FormAnswers {
  const filled: FormAnswers = {};
  for (const field of fieldsInEffect(item, state.answers, state.agent !== undefined)) {
    if (!field.prefill) continue;
    const current = state.answers[field.key];
    if (current !== undefined && current !== null && current !== '') continue;
    const value = prefillValue(field.prefill, state);
    if (value) filled[field.key] = value;
  }
  return filled;
}

/** 业务属地 as the item names it, e.g. 参保地 from "参保地社会保障卡服务机构". */
export function homePlace(item: ServiceItem): string {
  return /^(.+?地)/.exec(item.implementingAuthority)?.[1] ?? '业务属地';
}

export function countOf(state: DraftState, materialId: string): MaterialCount {
  return state.counts[materialId] ?? { original: 0, copy: 0, electronic: 0 };
}

export function clampCount(text: string): number {
  const n = Number.parseInt(text, 10);
  if (!Number.isFinite(n) || n < 0) return 0;
  return Math.min(n, MAX_COUNT);
}

/** A person as stored: empty optional parts left out (the wire has no `undefined`). */
export function cleanPerson(person: PersonIdentity): PersonIdentity {
  const clean: PersonIdentity = { name: person.name, idNumber: person.idNumber, source: person.source };
  if (person.sex) clean.sex = person.sex;
  if (person.birthDate) clean.birthDate = person.birthDate;
  if (person.ethnicity) clean.ethnicity = person.ethnicity;
  if (person.address) clean.address = person.address;
  // An identity saved before documents had kinds is a resident card: it stays without one until changed.
  if (person.document) clean.document = person.document;
  if (person.nationality) clean.nationality = person.nationality;
  if (person.authority) clean.authority = person.authority;
  if (person.validTo) clean.validTo = person.validTo;
  // What the card said stays with a read identity only; typing drops it.
  if (person.source === 'idCard' && person.card) clean.card = person.card;
  return clean;
}

export const EMPTY_PERSON: PersonIdentity = { name: '', idNumber: '', source: 'manual' };

/** A person's applicant under 18 by the identity acts through a guardian (review's `guardian.missing`). */
export function needsGuardian(state: DraftState, today: string): boolean {
  if (state.applicantKind !== 'person') return false;
  const age = ageOf(state.applicant, today);
  return age !== undefined && age < ADULT_AGE;
}

/** Nothing typed or read yet: a card read now may fill it on its own. */
export function isEmptyPerson(person: PersonIdentity): boolean {
  return person.name.trim() === '' && person.idNumber.trim() === '';
}

/**
 * A card number as the screen shows it by default: the region and the last four kept
 * (enough to compare with the card in hand), the birth date and sequence hidden.
 */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 10) return idNumber;
  return `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 10)}${idNumber.slice(-4)}`;
}

/** The same units as the core's refusals, so a limit reads alike in the hint and the error. */
export const formatSize = formatByteSize;

export function mediaLabel(mediaType: string): string {
  if (mediaType === 'application/pdf') return 'PDF';
  if (mediaType.startsWith('image/')) return mediaType.slice(6).toUpperCase();
  return mediaType;
}

/** The nationality list, and a value typed before it (kept, never dropped). */
export function ethnicityOptions(current: string | undefined): Array<{ value: string; label: string }> {
  const options = NATIONALITIES.map((n) => ({ value: n.name, label: n.label }));
  const typed = current?.trim();
  if (typed && !nationalityOf(typed)) options.unshift({ value: typed, label: t('intake.applicant.ethnicityTyped', { name: typed }) });
  return options;
}
