// 审批部门 for installers: what the department needs to enrol this window (window id,
// signature scheme, public key to copy), how each department's connection stands, and
// setting the access token it issued. The token goes to the core once and is never
// shown again; a token the department refuses is not stored, and the reason is shown.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { EnrolmentInfo, SyncStatus } from '../../src-main/api/contract/index.ts';
import { useApi } from '../app/api-context.tsx';
import { describeError } from '../app/errors.ts';
import { useAction } from '../app/use-action.ts';
import { Field, TextAreaField } from '../components/Field.tsx';
import { ErrorNotice, StatusNotice } from '../components/Notice.tsx';
import { errorMessage, t } from '../../src-main/common/i18n/index.ts';

/** As the contract checks it (sync.setDepartmentToken): the same rule, said before the round trip. */
const TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/;

type Department = EnrolmentInfo['departments'][number];
type DepartmentStatus = SyncStatus['departments'][number];

export function DepartmentsPanel() {
  const api = useApi();
  const [enrolment, setEnrolment] = useState<EnrolmentInfo | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    Promise.all([api.call('sync.enrolment', {}), api.call('sync.status', {})]).then(
      ([nextEnrolment, nextStatus]) => {
        setEnrolment(nextEnrolment);
        setStatus(nextStatus);
        setError(null);
      },
      (failure: unknown) => setError(describeError(failure)),
    );
  }, [api]);
  useEffect(reload, [reload]);

  return (
    <section aria-labelledby="departments-title">
      <h3 id="departments-title">{t('departments.title')}</h3>
      <p className="muted">{t('departments.hint')}</p>
      <ErrorNotice message={error} />
      {!enrolment && !error && <p className="muted">{t('departments.loading')}</p>}
      {enrolment && (
        <dl className="facts">
          <dt>{t('departments.windowId')}</dt>
          <dd className="mono">{enrolment.windowId}</dd>
        </dl>
      )}
      {enrolment && enrolment.departments.length === 0 && <p className="muted">{t('departments.empty')}</p>}
      {enrolment?.departments.map((department) => (
        <DepartmentCard
          key={department.departmentId}
          department={department}
          status={status?.departments.find((d) => d.departmentId === department.departmentId)}
          onChanged={reload}
        />
      ))}
    </section>
  );
}

function DepartmentCard({
  department,
  status,
  onChanged,
}: {
  department: Department;
  status: DepartmentStatus | undefined;
  onChanged: () => void;
}) {
  const titleId = `department-${department.departmentId}`;
  const tokenSet = status?.tokenSet ?? department.tokenSet;
  return (
    <section className="panel department" aria-labelledby={titleId}>
      <h4 id={titleId}>{department.name}</h4>
      <dl className="facts">
        <dt>{t('departments.id')}</dt>
        <dd className="mono">{department.departmentId}</dd>
        <dt>{t('departments.endpoint')}</dt>
        <dd className={department.embedded ? undefined : 'mono'}>
          {department.embedded ? t('departments.embedded') : department.endpoint}
        </dd>
        <dt>{t('departments.connection')}</dt>
        <dd>
          {status ? (
            <>
              <span className={`health health-${status.state}`} data-state={status.state}>
                <span className="health-dot" aria-hidden="true" />
                {t(`departments.states.${status.state}`)}
              </span>
              {status.problem && (
                <span className="department-problem">
                  {errorMessage(status.problem.code, { departmentId: department.name })}
                </span>
              )}
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('departments.token')}</dt>
        <dd>{tokenSet ? t('departments.tokenSet') : t('departments.tokenNotSet')}</dd>
        <dt>{t('departments.scheme')}</dt>
        <dd>{t(`departments.schemes.${department.scheme}`)}</dd>
        <dt>{t('departments.keyId')}</dt>
        <dd className="mono key-id">{department.keyId}</dd>
      </dl>
      <PublicKey value={department.publicKey} />
      {department.embedded ? (
        <p className="muted">{t('departments.embeddedToken')}</p>
      ) : (
        <TokenForm department={department} onSaved={onChanged} />
      )}
    </section>
  );
}

function PublicKey({ value }: { value: string }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setResult({ ok: true, message: t('departments.copied') });
    } catch {
      // Leave it selected, so Ctrl+C does it.
      area.current?.focus();
      area.current?.select();
      setResult({ ok: false, message: t('departments.copyFailed') });
    }
  }

  return (
    <div className="public-key">
      <TextAreaField
        ref={area}
        label={t('departments.publicKey')}
        hint={t('departments.publicKeyHint')}
        value={value}
        readOnly
        rows={2}
        className="mono public-key-value"
        spellCheck={false}
      />
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          {t('departments.copy')}
        </button>
        {result && (result.ok ? <StatusNotice message={result.message} /> : <ErrorNotice message={result.message} />)}
      </div>
    </div>
  );
}

function TokenForm({ department, onSaved }: { department: Department; onSaved: () => void }) {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const { run, busy, error, clearError } = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = token.trim();
    setNotice(null);
    clearError();
    if (!TOKEN_PATTERN.test(value)) {
      setProblem(t('departments.tokenInvalid'));
      input.current?.focus();
      return;
    }
    setProblem(undefined);
    await run(async () => {
      const result = await api.call('sync.setDepartmentToken', { departmentId: department.departmentId, token: value });
      setNotice(
        result.verified
          ? t('departments.savedVerified')
          : t('departments.savedUnverified', {
              problem: errorMessage(result.problem ?? 'internal', { departmentId: department.name }),
            }),
      );
      onSaved();
    });
    // Never kept on screen, whatever the answer.
    setToken('');
    input.current?.focus();
  }

  return (
    <form className="token-form" onSubmit={(event) => void submit(event)} noValidate>
      <Field
        ref={input}
        label={t('departments.tokenField')}
        hint={t('departments.tokenHint')}
        problem={problem}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        readOnly={busy}
        onChange={(event) => {
          setToken(event.currentTarget.value);
          setProblem(undefined);
        }}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('departments.saveToken')}
        </button>
      </div>
      {busy && <StatusNotice message={t('departments.saving')} />}
      {notice && <StatusNotice message={notice} />}
      <ErrorNotice message={error} />
    </form>
  );
}
