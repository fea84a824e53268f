// The identity panel's card parts: an identity as the card reader read it (photo,
// fields, validity, the checks on the card), the offer of a card lying on the reader,
// and in the demo profile the simulated reader's deck.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { CardPhoto, CardReading, DemoCard } from '../../../src-main/api/contract/index.ts';
import type { IdentityHolder, PersonIdentity } from '../../../src-main/common/application.ts';
import { hallTime } from '../../../src-main/common/hall-time.ts';
import { LONG_TERM } from '../../../src-main/common/id-card.ts';
import { errorMessage, t } from '../../../src-main/common/i18n/index.ts';
import { checkCardHolder } from '../../../src-main/common/review/card-checks.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { maskIdNumber } from './wizard-model.ts';

type Who = IdentityHolder;

/** An identity read from a card: shown as the card states it; 改为手工录入 makes it typed. */
export function CardPanel({
  who,
  person,
  today,
  photo,
  onTypeByHand,
}: {
  who: Who;
  person: PersonIdentity;
  today: string;
  photo: CardPhoto | undefined;
  onTypeByHand: () => void;
}) {
  const [numberShown, setNumberShown] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  // A card read while the clerk is further down the step comes into view.
  const readAt = person.card?.readAt;
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [readAt]);
  const findings = checkCardHolder(person, today, who)?.findings ?? [];
  const card = person.card;
  const validTo = card ? (card.validTo === LONG_TERM ? t('idCard.longTerm') : card.validTo) : '';

  return (
    <div className="id-card rr-mask" ref={ref} data-testid={`id-card-${who}`}>
      <CardPhotoView photo={photo} />
      <div className="id-card-body">
        <dl className="id-card-fields">
          <dt>{t('idCard.fields.name')}</dt>
          <dd className="id-card-name">{person.name}</dd>
          {person.sex && (
            <>
              <dt>{t('idCard.fields.sex')}</dt>
              <dd>{t(`intake.applicant.sexes.${person.sex}`)}</dd>
            </>
          )}
          {person.ethnicity && (
            <>
              <dt>{t('idCard.fields.nation')}</dt>
              <dd>{person.ethnicity}</dd>
            </>
          )}
          {person.birthDate && (
            <>
              <dt>{t('idCard.fields.birthDate')}</dt>
              <dd>{person.birthDate}</dd>
            </>
          )}
          {person.address && (
            <>
              <dt>{t('idCard.fields.address')}</dt>
              <dd>{person.address}</dd>
            </>
          )}
          <dt>{t('idCard.fields.idNumber')}</dt>
          <dd>
            <span className="mono" data-testid={`id-number-${who}`}>
              {numberShown ? person.idNumber : maskIdNumber(person.idNumber)}
            </span>{' '}
            <button
              type="button"
              className="link-button"
              aria-pressed={numberShown}
              onClick={() => setNumberShown((v) => !v)}
            >
              {numberShown ? t('idCard.panel.hideNumber') : t('idCard.panel.showNumber')}
            </button>
          </dd>
          {card && (
            <>
              <dt>{t('idCard.fields.cardType')}</dt>
              <dd>{t(`idCard.cardTypes.${card.cardType}`)}</dd>
              <dt>{t('idCard.fields.validity')}</dt>
              <dd>{t('idCard.panel.validity', { from: card.validFrom, to: validTo })}</dd>
            </>
          )}
          {person.nationality && (
            <>
              <dt>{t('idCard.fields.nationality')}</dt>
              <dd>{person.nationality}</dd>
            </>
          )}
          {person.authority && (
            <>
              <dt>{t('idCard.fields.authority')}</dt>
              <dd>{person.authority}</dd>
            </>
          )}
        </dl>
        {findings.length === 0 ? (
          <p className="id-card-ok">{t('idCard.panel.checksPassed')}</p>
        ) : (
          <ul className="id-card-findings">
            {findings.map((finding) => (
              <li
                key={finding.key}
                className={finding.severity === 'blocking' ? 'notice notice-error' : 'notice notice-warn'}
              >
                {finding.message}
              </li>
            ))}
          </ul>
        )}
        <div className="reader-row">
          <span className="muted">{t('idCard.panel.source', { time: card ? hallTime(card.readAt) : '' })}</span>
          <button type="button" onClick={onTypeByHand}>
            {t('idCard.panel.typeByHand')}
          </button>
        </div>
      </div>
    </div>
  );
}

function CardPhotoView({ photo }: { photo: CardPhoto | undefined }) {
  const image = photo?.image;
  const url = useMemo(() => {
    if (!image) return undefined;
    return URL.createObjectURL(new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mediaType }));
  }, [image]);
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  if (url)
    return <img className="id-card-photo rr-block" src={url} alt={t('idCard.panel.photo')} width={102} height={126} />;
  // The box says it briefly; why (a decoder's problem can be long) is its accessible name and tooltip.
  const [short, why] = !photo
    ? [t('idCard.panel.photoOnlyWhileRead'), t('idCard.panel.photoOnlyWhileRead')]
    : !photo.present
      ? [t('idCard.panel.noPhoto'), t('idCard.panel.noPhoto')]
      : [
          t('idCard.panel.photoNotShown'),
          photo.problem ? errorMessage(photo.problem.code, photo.problem.params) : t('idCard.panel.photoNotDecoded'),
        ];
  return (
    <div className="id-card-photo id-card-photo-missing" role="img" aria-label={why} title={why}>
      <span aria-hidden="true">{short}</span>
    </div>
  );
}

/** A card on the reader that this identity could be filled from. */
export function CardOffer({
  reading,
  who,
  fill,
}: {
  reading: CardReading;
  who: Who;
  fill: (who: Who, readId: string) => Promise<void>;
}) {
  const { run, busy, error } = useAction();
  const name = reading.identity.name || reading.identity.englishName || '';
  return (
    <div className="card-offer">
      <div className="reader-row">
        <span>{t('idCard.panel.offer', { name, cardType: t(`idCard.cardTypes.${reading.identity.cardType}`) })}</span>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void run(() => fill(who, reading.readId))}
        >
          {busy ? t('idCard.panel.filling') : t(`idCard.panel.fill.${who}`)}
        </button>
      </div>
      <ErrorNotice message={error} />
    </div>
  );
}

/** Demo profile: the simulated reader's deck, to place a card and take it away. */
export function DemoCardReader() {
  const api = useApi();
  const selectId = useId();
  const [cards, setCards] = useState<DemoCard[]>([]);
  const [index, setIndex] = useState(1);
  const { run, busy, error } = useAction();

  useEffect(() => {
    let live = true;
    api.call('demo.idCard.deck', {}).then(
      (deck) => {
        if (live) setCards(deck.cards);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (cards.length === 0) return null;
  return (
    <fieldset className="panel demo-reader" data-not-a-field>
      <legend>{t('idCard.demo.title')}</legend>
      <div className="reader-row">
        <label htmlFor={selectId}>{t('idCard.demo.card')}</label>
        <select id={selectId} value={index} onChange={(event) => setIndex(Number(event.target.value))}>
          {cards.map((card) => (
            <option key={card.index} value={card.index}>
              {`${card.index}. ${card.name}（${t(`idCard.cardTypes.${card.cardType}`)}）`}
            </option>
          ))}
        </select>
        <button type="button" disabled={busy} onClick={() => void run(() => api.call('demo.idCard.place', { index }))}>
          {t('idCard.demo.place')}
        </button>
        <button type="button" disabled={busy} onClick={() => void run(() => api.call('demo.idCard.remove', {}))}>
          {t('idCard.demo.remove')}
        </button>
      </div>
      <p className="muted">{t('idCard.demo.hint')}</p>
      <ErrorNotice message={error} />
    </fieldset>
  );
}
