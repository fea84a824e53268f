// 申请人: who applies (a person, or a company and the person acting for it: its legal
// representative or an 经办人), the guardian (监护人) of a minor, the home region whose
// department decides, and an optional agent (代办人). An identity comes from the ID card
// reader (the card panel) or is typed by hand with its document's kind, number, issuing
// authority and expiry; its `source` says which, and the core keeps `idCard` only for
// exactly what the card said.
import { type ReactNode, useId, useRef } from 'react';
import type { CardPhoto, CardReading } from '../../../src-main/api/contract/index.ts';
import {
  documentOf,
  type Guardian,
  IDENTITY_DOCUMENTS,
  type IdentityDocument,
  type IdentityHolder,
  type PersonIdentity,
} from '../../../src-main/common/application.ts';
import { LONG_TERM } from '../../../src-main/common/id-card.ts';
import { Field, SelectField } from '../../components/Field.tsx';
import { RegionField } from '../../components/RegionField.tsx';
import { routeFor, type ServiceItem } from '../../../src-main/common/catalog.ts';
import { regionByCode } from '../../../src-main/common/regions.ts';
import { isRegionCode } from '../../../src-main/common/review/identifiers.ts';
import { ADULT_AGE } from '../../../src-main/common/review/card-checks.ts';
import { ageOf } from '../../../src-main/common/review/rules.ts';
import { nationalityOf } from '../../../src-main/common/nationalities.ts';
import { errorMessage, t } from '../../../src-main/common/i18n/index.ts';
import { CardPanel, CardOffer, DemoCardReader } from './IdentityCard.tsx';
import { IdentityCheckPanel, type IdentityCheckSources } from './IdentityCheckPanel.tsx';
import { DemoReceiptPrinter } from '../printing/DemoReceiptPrinter.tsx';
import {
  creditCodeProblem,
  derivedFromIdNumber,
  documentNumberProblem,
  ID_NUMBER_LENGTH,
  identityProblems,
  regionCodeProblem,
  stepProblems,
  validToProblem,
} from './checks.ts';
import type { CardSources, StepProps } from './step-props.ts';
import { useTouched } from './use-touched.ts';
import { cleanPerson, EMPTY_PERSON, ethnicityOptions, homePlace } from './wizard-model.ts';
import { normaliseCreditCode, normaliseIdNumber } from '../../../src-main/common/review/identifiers.ts';

type Who = IdentityHolder;

export function ApplicantStep({
  item,
  state,
  update,
  flush,
  today,
  showAll,
  cards,
  identityCheck,
}: StepProps & { cards: CardSources; identityCheck?: IdentityCheckSources }) {
  const agentId = useId();
  // Once the clerk tried to move on: every problem of the step, by where it is.
  const problems: ReadonlyMap<string, string> = showAll
    ? new Map(stepProblems('applicant', item, state, today).map((p) => [p.key, p.message]))
    : new Map();
  const [touched, touch] = useTouched(() => {
    const keys: string[] = [];
    if (state.homeRegionCode) keys.push('homeRegionCode');
    if (state.company?.creditCode) keys.push('company.creditCode');
    return keys;
  });
  // Unticking the agent keeps what was typed for this visit, in case it was a slip.
  const lastAgent = useRef<PersonIdentity | undefined>(state.agent);
  const leave = (key: string) => {
    touch(key);
    void flush();
  };

  const company = state.company ?? { name: '', creditCode: '' };
  const isCompany = state.applicantKind === 'company';
  const agentAllowed = item.agentAllowed || state.agent !== undefined;
  const place = homePlace(item);
  const { desk } = cards;
  const reading = desk.reading;
  // A card is offered while it lies on the reader, or before it filled any draft (read, then
  // handed back while the item was being chosen); never one that already fills this draft.
  const offer =
    reading &&
    (desk.onReader || reading.usedBy.length === 0) &&
    !isFromReading(state.applicant, reading) &&
    !(state.agent && isFromReading(state.agent, reading)) &&
    !(state.guardian && isFromReading(state.guardian.person, reading))
      ? reading
      : null;
  const photoFor = (person: PersonIdentity) => (reading && isFromReading(person, reading) ? reading.photo : undefined);
  // 人证核验 of a person with an ID number; the draft's check shows when it checked this very person.
  const checkFor = (who: Who, person: PersonIdentity) =>
    identityCheck && person.idNumber.trim() !== '' ? (
      <IdentityCheckPanel
        who={who}
        photo={photoFor(person)}
        check={
          state.identityCheck?.who === who && state.identityCheck.idNumber === person.idNumber
            ? state.identityCheck
            : undefined
        }
        consent={state.faceConsent}
        sources={identityCheck}
      />
    ) : undefined;
  // A minor applicant acts through a guardian; one recorded stays shown until removed.
  const applicantAge = isCompany ? undefined : ageOf(state.applicant, today);
  const minor = applicantAge !== undefined && applicantAge < ADULT_AGE;
  const guardian: Guardian | undefined =
    state.guardian ?? (minor ? { relation: 'parent', person: EMPTY_PERSON } : undefined);

  return (
    <div className="step-applicant">
      <div className="reader-row" role="status">
        {desk.unreadable ? (
          <span className="notice notice-warn">
            {t('intake.applicant.cardUnreadable', {
              message: errorMessage(desk.unreadable.code, desk.unreadable.params),
            })}
          </span>
        ) : (
          <span className="muted">{t('intake.applicant.readerHint')}</span>
        )}
      </div>
      {item.serviceObjects.length > 1 && (
        <div className="form-grid">
          <SelectField
            label={t('intake.applicant.kind')}
            value={state.applicantKind}
            options={item.serviceObjects.map((kind) => ({ value: kind, label: t(`intake.applicant.kinds.${kind}`) }))}
            onChange={(event) => {
              const kind = event.target.value === 'company' ? 'company' : 'person';
              update(kind === 'company' ? { applicantKind: kind } : { applicantKind: kind, company: null }, 'now');
            }}
          />
        </div>
      )}

      {isCompany && (
        <fieldset className="panel">
          <legend>{t('intake.applicant.companyTitle')}</legend>
          <div className="form-grid">
            <Field
              label={t('intake.applicant.companyName')}
              requiredMark
              maxLength={100}
              value={company.name}
              problem={problems.get('company.name')}
              onChange={(event) => update({ company: { ...company, name: event.target.value } })}
              onBlur={() => void flush()}
            />
            <Field
              label={t('intake.applicant.creditCode')}
              requiredMark
              maxLength={32}
              spellCheck={false}
              autoComplete="off"
              value={company.creditCode}
              problem={
                problems.get('company.creditCode') ??
                (touched.has('company.creditCode') || company.creditCode.trim().length >= ID_NUMBER_LENGTH
                  ? creditCodeProblem(company.creditCode)
                  : undefined)
              }
              onChange={(event) =>
                update({ company: { ...company, creditCode: normaliseCreditCode(event.target.value) } })
              }
              onBlur={() => leave('company.creditCode')}
            />
            <SelectField
              label={t('intake.applicant.operatorRole')}
              requiredMark
              placeholder={t('intake.form.choose')}
              value={state.operatorRole ?? ''}
              options={(['legalRepresentative', 'handler'] as const).map((role) => ({
                value: role,
                label: t(`intake.applicant.operatorRoles.${role}`),
              }))}
              hint={state.operatorRole === 'handler' ? t('intake.applicant.handlerHint') : undefined}
              problem={problems.get('operatorRole')}
              onChange={(event) => {
                const role = event.target.value;
                update({ operatorRole: role === 'legalRepresentative' || role === 'handler' ? role : null }, 'now');
              }}
            />
          </div>
        </fieldset>
      )}

      <PersonFields
        who="applicant"
        title={isCompany ? t('intake.applicant.operatorTitle') : t('intake.applicant.personTitle')}
        person={state.applicant}
        today={today}
        offer={offer}
        photo={photoFor(state.applicant)}
        fill={cards.fill}
        problems={problems}
        check={checkFor('applicant', state.applicant)}
        onChange={(applicant, when) => update({ applicant }, when)}
        onLeave={() => void flush()}
      />

      {guardian && (
        <fieldset className="panel" data-testid="guardian">
          <legend>{t('intake.applicant.guardianTitle')}</legend>
          {minor ? (
            <p className="field-hint">{t('intake.applicant.guardianHint', { age: applicantAge })}</p>
          ) : (
            <p className="muted">
              {t('intake.applicant.guardianKept')}{' '}
              <button type="button" onClick={() => update({ guardian: null }, 'now')}>
                {t('intake.applicant.removeGuardian')}
              </button>
            </p>
          )}
          <div className="form-grid">
            <SelectField
              label={t('intake.applicant.relation')}
              value={guardian.relation}
              options={(['parent', 'other'] as const).map((relation) => ({
                value: relation,
                label: t(`identity.relations.${relation}`),
              }))}
              onChange={(event) =>
                update(
                  { guardian: { ...guardian, relation: event.target.value === 'other' ? 'other' : 'parent' } },
                  'now',
                )
              }
            />
          </div>
          <PersonFields
            who="guardian"
            person={guardian.person}
            today={today}
            offer={offer}
            photo={photoFor(guardian.person)}
            fill={cards.fill}
            problems={problems}
            check={checkFor('guardian', guardian.person)}
            onChange={(person, when) => update({ guardian: { ...guardian, person } }, when)}
            onLeave={() => void flush()}
          />
        </fieldset>
      )}

      <div className="form-grid">
        <RegionField
          label={t('intake.applicant.homeRegion')}
          requiredMark
          value={state.homeRegionCode}
          hint={t('intake.applicant.homeRegionHint', { authority: item.implementingAuthority, place })}
          problem={
            problems.get('homeRegionCode') ??
            (touched.has('homeRegionCode') || state.homeRegionCode.length === 6
              ? regionCodeProblem(state.homeRegionCode)
              : undefined)
          }
          warning={notServed(item, state.homeRegionCode)}
          onChange={(code) => update({ homeRegionCode: code })}
          onBlur={() => leave('homeRegionCode')}
        />
      </div>

      <fieldset className="panel">
        <legend>{t('intake.applicant.agentTitle')}</legend>
        {agentAllowed ? (
          <>
            <div className="check-field">
              <input
                id={agentId}
                type="checkbox"
                checked={state.agent !== undefined}
                onChange={(event) => {
                  if (event.target.checked) update({ agent: lastAgent.current ?? EMPTY_PERSON }, 'now');
                  else {
                    lastAgent.current = state.agent;
                    update({ agent: null }, 'now');
                  }
                }}
              />
              <label htmlFor={agentId}>{t('intake.applicant.hasAgent')}</label>
            </div>
            {state.agent && (
              <>
                <p className="field-hint">{t('intake.applicant.agentHint')}</p>
                <PersonFields
                  who="agent"
                  person={state.agent}
                  today={today}
                  offer={offer}
                  photo={photoFor(state.agent)}
                  fill={cards.fill}
                  problems={problems}
                  check={checkFor('agent', state.agent)}
                  onChange={(agent, when) => {
                    lastAgent.current = agent;
                    update({ agent }, when);
                  }}
                  onLeave={() => void flush()}
                />
              </>
            )}
          </>
        ) : (
          <p className="muted">{t('intake.applicant.agentNotAllowed')}</p>
        )}
      </fieldset>
      {/* Last: the form's own fields come first for the keyboard. */}
      {cards.demo && <DemoCardReader />}
      {cards.demo && <DemoReceiptPrinter />}
    </div>
  );
}

/** Said as soon as a whole home region is entered that no route of the item serves (review refuses it too). */
function notServed(item: ServiceItem, code: string): string | undefined {
  if (!isRegionCode(code) || routeFor(item, code)) return undefined;
  return t('region.notServed', { item: item.name, name: regionByCode(code)?.fullName ?? code });
}

const LABELS = {
  applicant: {
    name: 'intake.applicant.name',
    sex: 'intake.applicant.sex',
    birthDate: 'intake.applicant.birthDate',
    ethnicity: 'intake.applicant.ethnicity',
    address: 'intake.applicant.address',
  },
  guardian: {
    name: 'intake.applicant.guardianName',
    sex: 'intake.applicant.guardianSex',
    birthDate: 'intake.applicant.guardianBirthDate',
    ethnicity: 'intake.applicant.guardianEthnicity',
    address: 'intake.applicant.guardianAddress',
  },
  agent: {
    name: 'intake.applicant.agentName',
    sex: 'intake.applicant.agentSex',
    birthDate: 'intake.applicant.agentBirthDate',
    ethnicity: 'intake.applicant.agentEthnicity',
    address: 'intake.applicant.agentAddress',
  },
} as const;

/** The number field is named by the document: 公民身份号码, 护照号码 …; the applicant's plain, the others' with their role. */
function numberLabel(who: Who, document: IdentityDocument): string {
  const number = t(`identity.numberNames.${document}`);
  return who === 'applicant' ? number : `${t(`intake.applicant.${who}Title`)}${number}`;
}

/** Kinds whose holders are foreigners or carry a passport: their nationality (签发国) is asked. */
const FOREIGN_DOCUMENTS: readonly IdentityDocument[] = ['passport', 'foreignPermanent', 'foreignPermanent2023'];

function PersonFields({
  who,
  title,
  person,
  today,
  offer,
  photo,
  fill,
  problems,
  check,
  onChange,
  onLeave,
}: {
  who: Who;
  title?: string;
  /** 人证核验 of this person (IdentityCheckPanel), where the wizard offers it. */
  check?: ReactNode;
  person: PersonIdentity;
  today: string;
  /** A card on the reader that could fill this identity. */
  offer: CardReading | null;
  /** The photo of the card this identity was read from, while the card desk holds it. */
  photo: CardPhoto | undefined;
  fill: CardSources['fill'];
  /** The step's problems by key (`applicant.name` …), once the clerk tried to move on. */
  problems: ReadonlyMap<string, string>;
  onChange: (person: PersonIdentity, when: 'typing' | 'now') => void;
  onLeave: () => void;
}) {
  const labels = LABELS[who];
  const longTermId = useId();
  const [touched, touch] = useTouched(() => (person.idNumber ? ['idNumber'] : []));

  /** Any hand edit makes the identity a typed one; a valid ID number fills sex and birth date if empty. */
  const edit = (changes: Partial<PersonIdentity>, when: 'typing' | 'now' = 'typing') => {
    let next: PersonIdentity = { ...person, ...changes, source: 'manual' };
    if (changes.idNumber !== undefined) next = { ...next, ...derivedFromIdNumber(next, today) };
    onChange(cleanPerson(next), when);
  };

  // The card panel: what the reader read, shown as the card says it (editing turns it into typing).
  if (person.source === 'idCard') {
    const body = (
      <>
        {offer && <CardOffer reading={offer} who={who} fill={fill} />}
        <CardPanel who={who} person={person} today={today} photo={photo} onTypeByHand={() => edit({}, 'now')} />
        {check}
      </>
    );
    return title ? (
      <fieldset className="panel person-fields">
        <legend>{title}</legend>
        {body}
      </fieldset>
    ) : (
      <div className="person-fields">{body}</div>
    );
  }

  const document = documentOf(person);
  const idShown = touched.has('idNumber') || person.idNumber.trim().length >= ID_NUMBER_LENGTH;
  const consistency = identityProblems(person, today);
  const problemOf = (key: string) => problems.get(`${who}.${key}`);
  const age = ageOf(person, today);
  const longTerm = person.validTo === LONG_TERM;

  const body = (
    <>
      {offer && <CardOffer reading={offer} who={who} fill={fill} />}
      <p className="muted">{t('intake.applicant.sourceManual')}</p>
      <div className="form-grid">
        <Field
          label={t(labels.name)}
          requiredMark
          maxLength={64}
          autoComplete="off"
          value={person.name}
          problem={problemOf('name')}
          onChange={(event) => edit({ name: event.target.value })}
          onBlur={onLeave}
        />
        <SelectField
          label={t('intake.applicant.document')}
          value={document}
          options={IDENTITY_DOCUMENTS.map((kind) => ({ value: kind, label: t(`identity.documents.${kind}`) }))}
          onChange={(event) => {
            const kind = IDENTITY_DOCUMENTS.find((k) => k === event.target.value) ?? 'resident';
            edit({ document: kind }, 'now');
          }}
        />
        <Field
          label={numberLabel(who, document)}
          requiredMark
          maxLength={32}
          spellCheck={false}
          autoComplete="off"
          className="mono-input"
          value={person.idNumber}
          problem={
            problemOf('idNumber') ?? (idShown ? documentNumberProblem(document, person.idNumber, today) : undefined)
          }
          hint={age !== undefined ? t('intake.applicant.age', { age }) : undefined}
          // A lowercase letter is the same number: shown and kept in capitals at once (passports too).
          onChange={(event) =>
            edit({
              idNumber:
                document === 'resident' ? normaliseIdNumber(event.target.value) : event.target.value.toUpperCase(),
            })
          }
          onBlur={() => {
            touch('idNumber');
            onLeave();
          }}
        />
        {FOREIGN_DOCUMENTS.includes(document) && (
          <Field
            label={t('intake.applicant.nationality')}
            requiredMark={document === 'passport'}
            maxLength={3}
            spellCheck={false}
            autoComplete="off"
            className="mono-input"
            value={person.nationality ?? ''}
            hint={t('intake.applicant.nationalityHint')}
            problem={
              problemOf('nationality') ??
              (person.nationality && !/^[A-Z]{3}$/.test(person.nationality)
                ? t('intake.checks.nationality')
                : undefined)
            }
            onChange={(event) => edit({ nationality: event.target.value.toUpperCase() || undefined })}
            onBlur={onLeave}
          />
        )}
        <SelectField
          label={t(labels.sex)}
          placeholder={t('intake.form.choose')}
          value={person.sex ?? ''}
          options={[
            { value: 'male', label: t('intake.applicant.sexes.male') },
            { value: 'female', label: t('intake.applicant.sexes.female') },
          ]}
          problem={consistency.sex}
          onChange={(event) => {
            const value = event.target.value;
            edit({ sex: value === 'male' || value === 'female' ? value : undefined }, 'now');
          }}
        />
        <Field
          label={t(labels.birthDate)}
          type="date"
          max={today}
          value={person.birthDate ?? ''}
          problem={consistency.birthDate}
          onChange={(event) => edit({ birthDate: event.target.value })}
          onBlur={onLeave}
        />
        {document === 'resident' && (
          <SelectField
            label={t(labels.ethnicity)}
            placeholder={t('intake.form.choose')}
            hint={t('intake.applicant.ethnicityHint')}
            options={ethnicityOptions(person.ethnicity)}
            value={nationalityOf(person.ethnicity ?? '')?.name ?? person.ethnicity ?? ''}
            onChange={(event) => edit({ ethnicity: event.target.value === '' ? undefined : event.target.value }, 'now')}
          />
        )}
        <Field
          label={t(labels.address)}
          maxLength={200}
          autoComplete="off"
          value={person.address ?? ''}
          onChange={(event) => edit({ address: event.target.value })}
          onBlur={onLeave}
        />
        {/* The back of the card last: the front's fields come in the order it prints them. */}
        <Field
          label={t('intake.applicant.authority')}
          maxLength={64}
          autoComplete="off"
          value={person.authority ?? ''}
          onChange={(event) => edit({ authority: event.target.value || undefined })}
          onBlur={onLeave}
        />
        <Field
          label={t('intake.applicant.validTo')}
          type="date"
          disabled={longTerm}
          value={longTerm ? '' : (person.validTo ?? '')}
          problem={validToProblem(person, today)}
          onChange={(event) => edit({ validTo: event.target.value || undefined })}
          onBlur={onLeave}
        />
        <div className="check-field">
          <input
            id={longTermId}
            type="checkbox"
            checked={longTerm}
            onChange={(event) => edit({ validTo: event.target.checked ? LONG_TERM : undefined }, 'now')}
          />
          <label htmlFor={longTermId}>{t('intake.applicant.longTerm')}</label>
        </div>
      </div>
      {check}
    </>
  );

  if (!title) return <div className="person-fields">{body}</div>;
  return (
    <fieldset className="panel person-fields">
      <legend>{title}</legend>
      {body}
    </fieldset>
  );
}

/** Whether `person` is the identity `reading` filled in (the same card, read at the same moment). */
function isFromReading(person: PersonIdentity, reading: CardReading): boolean {
  return (
    person.source === 'idCard' &&
    person.card?.readAt === reading.readAt &&
    person.idNumber === reading.identity.idNumber
  );
}
