// The applicant page's pairing: a large on-screen keypad (touch) that also takes the
// keyboard (digits, Backspace, Escape to clear, Enter), for the six-digit code the
// clerk's screen shows. Six digits are sent at once; a refused code says why and clears.
import { useCallback, useEffect, useState } from 'react';
import { PAIRING_CODE_DIGITS } from '../../../src-main/common/applicant.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import type { PairingProblem } from './applicant-connection.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export function PairingKeypad({ onCode }: { onCode: (code: string) => Promise<PairingProblem | null> }) {
  const [digits, setDigits] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<PairingProblem | null>(null);

  const submit = useCallback(
    (code: string) => {
      if (busy || code.length !== PAIRING_CODE_DIGITS) return;
      setBusy(true);
      void onCode(code).then((refused) => {
        setBusy(false);
        setProblem(refused);
        if (refused) setDigits('');
      });
    },
    [busy, onCode],
  );

  const press = useCallback(
    (key: string) => {
      if (busy) return;
      if (key === 'clear') return setDigits('');
      if (key === 'back') return setDigits((d) => d.slice(0, -1));
      setDigits((d) => {
        if (d.length >= PAIRING_CODE_DIGITS) return d;
        const next = d + key;
        if (next.length === PAIRING_CODE_DIGITS) submit(next);
        return next;
      });
    },
    [busy, submit],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (/^[0-9]$/.test(event.key)) press(event.key);
      else if (event.key === 'Backspace') press('back');
      else if (event.key === 'Escape') press('clear');
      else if (event.key === 'Enter') submit(digits);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [press, submit, digits]);

  const message = problem === null || problem === 'revoked' ? null : t(`applicant.pairing.refused.${problem}`);
  return (
    <main className="applicant-page applicant-pairing" aria-labelledby="pairing-title">
      <h1 id="pairing-title">{t('applicant.pairing.title')}</h1>
      <p className="applicant-lead">{t('applicant.pairing.prompt')}</p>
      <output className="pairing-digits" aria-live="polite" aria-label={t('applicant.pairing.prompt')}>
        {Array.from({ length: PAIRING_CODE_DIGITS }, (_, i) => (
          <span key={i} className={i < digits.length ? 'pairing-digit filled' : 'pairing-digit'}>
            {digits[i] ?? ''}
          </span>
        ))}
      </output>
      {busy && <p role="status">{t('applicant.pairing.connecting')}</p>}
      {message && (
        <p className="notice notice-error applicant-notice" role="alert">
          {message}
        </p>
      )}
      <div className="pairing-keypad" role="group" aria-label={t('applicant.pairing.title')}>
        {KEYS.map((key) => (
          <button
            key={key}
            type="button"
            aria-label={t('applicant.pairing.digit', { digit: key })}
            onClick={() => press(key)}
          >
            {key}
          </button>
        ))}
        <button type="button" onClick={() => press('clear')}>
          {t('applicant.pairing.clear')}
        </button>
        <button type="button" aria-label={t('applicant.pairing.digit', { digit: '0' })} onClick={() => press('0')}>
          0
        </button>
        <button type="button" onClick={() => press('back')}>
          {t('applicant.pairing.backspace')}
        </button>
      </div>
    </main>
  );
}
