// 好差评 on the applicant screen: 非常满意 … 非常不满意 for the service overall and for
// 办事效率 / 业务水平 / 服务态度, in large touch targets; a 差评 asks why (a category,
// required) and for optional words. Radio groups, so the keyboard works as everywhere
// (Tab between questions, arrows between levels, Enter sends). The page that mounts it
// sends the rating (`applicant.rate`) and says thanks; a refusal is shown here and the
// answers stay, to send again.
import { type FormEvent, useRef, useState } from 'react';
import { t } from '../../../src-main/common/i18n/index.ts';
import {
  MAX_RATING_TEXT,
  RATING_CATEGORIES,
  RATING_LEVELS,
  type RatingCategory,
  type RatingInput,
  type RatingLevel,
} from '../../../src-main/common/rating.ts';
import { describeError } from '../../app/errors.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { asksCategory, NO_ANSWERS, RATED, type Rated, type RatingAnswers, ratingOf } from './rating-form-model.ts';

export interface RatingFormProps {
  onSubmit(rating: RatingInput): Promise<void>;
  busy: boolean;
}

export function RatingForm({ onSubmit, busy }: RatingFormProps) {
  const [answers, setAnswers] = useState<RatingAnswers>(NO_ANSWERS);
  const [problem, setProblem] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const bad = asksCategory(answers);

  const focusGroup = (name: string) => {
    const inputs = form.current?.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`);
    const target = inputs ? ([...inputs].find((input) => input.checked) ?? inputs[0]) : undefined;
    target?.focus();
  };

  const choose = (rated: Rated, level: RatingLevel) => {
    setAnswers((before) => ({ ...before, levels: { ...before.levels, [rated]: level } }));
    setProblem(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const outcome = ratingOf(answers);
    if ('problem' in outcome) {
      if (outcome.problem.kind === 'levels') {
        const missing = outcome.problem.missing.map((rated) => t(`rating.dimensions.${rated}`)).join('、');
        setProblem(t('rating.form.needLevels', { missing }));
        focusGroup(`rating-${outcome.problem.missing[0]!}`);
      } else {
        setProblem(t('rating.form.needCategory'));
        focusGroup('rating-category');
      }
      return;
    }
    setProblem(null);
    try {
      await onSubmit(outcome.rating);
    } catch (failure) {
      setProblem(t('rating.form.failed', { message: describeError(failure) }));
    }
  };

  return (
    <form
      ref={form}
      className="rating-form"
      aria-labelledby="rating-form-title"
      aria-busy={busy}
      noValidate
      onSubmit={(event) => void submit(event)}
    >
      <h2 id="rating-form-title">{t('rating.form.title')}</h2>
      <p className="rating-intro">{t('rating.form.intro')}</p>
      {RATED.map((rated) => (
        <fieldset key={rated} className="rating-question">
          <legend>{t(`rating.dimensions.${rated}`)}</legend>
          <div className="rating-choices">
            {RATING_LEVELS.map((level) => (
              <label key={level} className={`rating-choice rating-level-${level}`}>
                <input
                  type="radio"
                  name={`rating-${rated}`}
                  value={level}
                  checked={answers.levels[rated] === level}
                  disabled={busy}
                  onChange={() => choose(rated, level)}
                />
                <span>{t(`rating.levels.${level}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      {bad && (
        <>
          <fieldset className="rating-question rating-category">
            <legend>{t('rating.form.categoryLegend')}</legend>
            <div className="rating-choices rating-choices-wide">
              {RATING_CATEGORIES.map((category) => (
                <label key={category} className="rating-choice">
                  <input
                    type="radio"
                    name="rating-category"
                    value={category}
                    required
                    checked={answers.category === category}
                    disabled={busy}
                    onChange={() => {
                      setAnswers((before) => ({ ...before, category: category as RatingCategory }));
                      setProblem(null);
                    }}
                  />
                  <span>{t(`rating.categories.${category}`)}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <label className="rating-text">
            <span>{t('rating.form.textLabel', { max: MAX_RATING_TEXT })}</span>
            <textarea
              value={answers.text}
              maxLength={MAX_RATING_TEXT}
              rows={3}
              disabled={busy}
              onChange={(event) => {
                const text = event.target.value;
                setAnswers((before) => ({ ...before, text }));
              }}
            />
            <span className="muted">
              {t('rating.form.textCount', { count: answers.text.length, max: MAX_RATING_TEXT })}
            </span>
          </label>
        </>
      )}
      <ErrorNotice message={problem} />
      <button type="submit" className="primary rating-submit" disabled={busy}>
        {busy ? t('rating.form.submitting') : t('rating.form.submit')}
      </button>
    </form>
  );
}
