// Step 2, 审批部门: the departments this window sends to (each with its live 检测连接 and
// the token it issued, typed password-style and saved only with the config), the tracking
// URL of the receipts, and this window's enrolment (public key, fingerprint, QR code, file)
// to hand to each department.
import { useEffect, useState } from 'react';
import type { WindowEnrolment } from '../../../src-main/api/contract/setup.ts';
import type { CheckReport } from '../../../src-main/common/doctor.ts';
import { Department } from '../../../src-main/common/hall-config.ts';
import { WindowId } from '../../../src-main/common/manifest.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { saveFile } from '../../api/download.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import { useAction } from '../../app/use-action.ts';
import { Field, SelectField, TextAreaField } from '../../components/Field.tsx';
import { ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import { CheckLines } from './CheckLines.tsx';
import {
  addDepartment,
  type DepartmentDraft,
  parseRegionCodes,
  fieldProblem,
  removeDepartment,
  type Scheme,
  setToken,
  TOKEN_PATTERN,
  updateDepartment,
  withDraft,
} from './setup-model.ts';
import type { SetupStepProps } from './step-props.ts';

const SCHEMES: readonly Scheme[] = ['ed25519', 'sm2'];
const schemeOptions = SCHEMES.map((scheme) => ({
  value: scheme,
  label: t(`setupWizard.departments.schemes.${scheme}`),
}));

export function DepartmentsStep(props: SetupStepProps) {
  const { state, change, problems, showProblems } = props;
  const { draft } = state;
  return (
    <>
      <p className="muted">{t('setupWizard.departments.hint')}</p>
      {draft.departments.length === 0 && <p className="muted">{t('setupWizard.departments.empty')}</p>}
      {draft.departments.map((department, index) => (
        // Not keyed by id: the id is one of the fields typed here.
        <DepartmentCard key={state.keys[index] ?? index} index={index} department={department} {...props} />
      ))}
      <div className="actions">
        <button type="button" onClick={() => change(addDepartment)}>
          {t('setupWizard.departments.add')}
        </button>
      </div>
      <Field
        label={t('setupWizard.departments.tracking')}
        hint={t('setupWizard.departments.trackingHint')}
        spellCheck={false}
        value={draft.tracking.urlTemplate ?? ''}
        problem={showProblems ? fieldProblem(problems, 'tracking.urlTemplate') : undefined}
        onChange={(e) => {
          const urlTemplate = e.target.value.trim();
          change((s) =>
            withDraft(s, (d) => {
              const { urlTemplate: _before, ...rest } = d.tracking;
              return { ...d, tracking: urlTemplate ? { ...rest, urlTemplate } : rest };
            }),
          );
        }}
      />
      <EnrolmentPanel windowId={draft.window.id.trim()} schemes={draft.departments.map((d) => d.signature)} />
    </>
  );
}

function DepartmentCard({
  index,
  department,
  state,
  change,
  problems,
  showProblems,
  setup,
}: SetupStepProps & { index: number; department: DepartmentDraft }) {
  const api = useApi();
  const number = index + 1;
  const titleId = `setup-department-${index}`;
  const path = `departments.${index}`;
  const problem = (field: string) => (showProblems ? fieldProblem(problems, `${path}.${field}`) : undefined);
  const token = state.tokens[index] ?? '';
  const tokenKept = department.id !== '' && setup.tokensSet.includes(department.id);
  // The codes as typed (commas and all); the draft holds them split.
  const [codes, setCodes] = useState(() => department.regionCodes.join(', '));
  const [report, setReport] = useState<CheckReport | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const check = useAction();
  const update = (part: Partial<DepartmentDraft>) => {
    setReport(null);
    change((s) => updateDepartment(s, index, part));
  };

  async function runCheck() {
    setReport(null);
    setRefused(null);
    const parsed = Department.safeParse(department);
    const windowId = state.draft.window.id.trim();
    if (!WindowId.safeParse(windowId).success) return setRefused(t('setupWizard.departments.windowIdFirst'));
    const typed = token.trim();
    if (!parsed.success || (typed !== '' && !TOKEN_PATTERN.test(typed))) {
      return setRefused(t('setupWizard.departments.checkFirst'));
    }
    await check.run(async () => {
      setReport(
        await api.call('setup.checkDepartment', {
          department: parsed.data,
          windowId,
          ...(typed ? { token: typed } : {}),
        }),
      );
    });
  }

  return (
    <section className="panel department" aria-labelledby={titleId}>
      <div className="panel-head">
        <h4 id={titleId}>
          {department.name.trim()
            ? t('setupWizard.departments.titleNamed', { number, name: department.name.trim() })
            : t('setupWizard.departments.title', { number })}
        </h4>
        <button
          type="button"
          className="danger"
          aria-label={t('setupWizard.departments.removeNamed', { number })}
          onClick={() => change((s) => removeDepartment(s, index))}
        >
          {t('setupWizard.departments.remove')}
        </button>
      </div>
      <div className="form-grid">
        <Field
          label={t('setupWizard.departments.id')}
          hint={t('setupWizard.departments.idHint')}
          requiredMark
          spellCheck={false}
          value={department.id}
          problem={problem('id')}
          onChange={(e) => update({ id: e.target.value.trim() })}
        />
        <Field
          label={t('setupWizard.departments.name')}
          requiredMark
          value={department.name}
          problem={problem('name')}
          onChange={(e) => update({ name: e.target.value })}
        />
        <Field
          label={t('setupWizard.departments.regionCodes')}
          hint={t('setupWizard.departments.regionCodesHint')}
          requiredMark
          spellCheck={false}
          value={codes}
          problem={problem('regionCodes')}
          onChange={(e) => {
            setCodes(e.target.value);
            update({ regionCodes: parseRegionCodes(e.target.value) });
          }}
        />
        <Field
          label={t('setupWizard.departments.endpoint')}
          hint={t('setupWizard.departments.endpointHint')}
          requiredMark
          spellCheck={false}
          value={department.endpoint}
          problem={problem('endpoint')}
          onChange={(e) => update({ endpoint: e.target.value.trim() })}
        />
        <SelectField
          label={t('setupWizard.departments.scheme')}
          options={schemeOptions}
          value={department.signature}
          problem={problem('signature')}
          onChange={(e) => update({ signature: e.target.value as Scheme })}
        />
        <Field
          label={t('setupWizard.departments.token')}
          hint={tokenKept ? t('setupWizard.departments.tokenKept') : t('setupWizard.departments.tokenHint')}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          problem={problem('token')}
          onChange={(e) => change((s) => setToken(s, index, e.target.value))}
        />
      </div>
      <div className="actions">
        <button type="button" disabled={check.busy} onClick={() => void runCheck()}>
          {t('setupWizard.departments.check')}
        </button>
      </div>
      {check.busy && <StatusNotice message={t('setupWizard.departments.checking')} />}
      <ErrorNotice message={refused ?? check.error} />
      {report && <CheckLines report={report} label={t('setupWizard.departments.checkTitle')} />}
    </section>
  );
}

/** This window's key for the departments' enrolment: one scheme at a time, the departments' first by default. */
function EnrolmentPanel({ windowId, schemes }: { windowId: string; schemes: Scheme[] }) {
  const api = useApi();
  const [scheme, setScheme] = useState<Scheme>(schemes[0] ?? 'ed25519');
  // The answer for one window id and scheme: one asked for another shows nothing.
  const [answer, setAnswer] = useState<{ key: string; enrolment?: WindowEnrolment; error?: string } | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const validWindow = WindowId.safeParse(windowId).success;
  const key = `${windowId}/${scheme}`;
  const enrolment = answer?.key === key ? (answer.enrolment ?? null) : null;
  const error = answer?.key === key ? (answer.error ?? null) : null;

  useEffect(() => {
    if (!validWindow) return;
    let live = true;
    const asked = `${windowId}/${scheme}`;
    api.call('setup.enrolment', { windowId, scheme }).then(
      (next) => {
        if (live) setAnswer({ key: asked, enrolment: next });
      },
      (failure: unknown) => {
        if (live) setAnswer({ key: asked, error: describeError(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, [api, windowId, scheme, validWindow]);

  const exportKey = () => {
    if (!enrolment) return;
    const { file } = enrolment;
    saveFile(new Blob([new Uint8Array(file.bytes)], { type: file.mediaType }), file.name);
    setExported(t('setupWizard.enrolment.exported', { name: file.name }));
  };

  return (
    <section className="panel enrolment" aria-labelledby="setup-enrolment-title">
      <h4 id="setup-enrolment-title">{t('setupWizard.enrolment.title')}</h4>
      <p className="muted">{t('setupWizard.enrolment.hint')}</p>
      <SelectField
        label={t('setupWizard.enrolment.scheme')}
        options={schemeOptions}
        value={scheme}
        onChange={(e) => setScheme(e.target.value as Scheme)}
      />
      {!validWindow && <p className="notice notice-warn">{t('setupWizard.departments.windowIdFirst')}</p>}
      {validWindow && !enrolment && !error && <p className="muted">{t('setupWizard.enrolment.loading')}</p>}
      <ErrorNotice message={error} />
      {enrolment && (
        <div className="enrolment-body">
          <div>
            <dl className="facts">
              <dt>{t('setupWizard.enrolment.windowId')}</dt>
              <dd className="mono">{enrolment.windowId}</dd>
              <dt>{t('setupWizard.departments.scheme')}</dt>
              <dd>{t(`setupWizard.departments.schemes.${enrolment.scheme}`)}</dd>
              <dt>{t('setupWizard.enrolment.fingerprint')}</dt>
              <dd className="fingerprint" aria-label={t('setupWizard.enrolment.fingerprint')}>
                {enrolment.fingerprint}
              </dd>
            </dl>
            <TextAreaField
              label={t('setupWizard.enrolment.publicKey')}
              value={enrolment.publicKey}
              readOnly
              rows={2}
              className="mono public-key-value"
              spellCheck={false}
            />
            <div className="actions">
              <button type="button" onClick={exportKey}>
                {t('setupWizard.enrolment.export')}
              </button>
            </div>
            {exported && <StatusNotice message={exported} />}
          </div>
          <img
            className="enrolment-qr"
            alt={t('setupWizard.enrolment.qr')}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`}
          />
        </div>
      )}
    </section>
  );
}
