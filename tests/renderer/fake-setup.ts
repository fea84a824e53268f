// The setup wizard's side of the in-memory core (setup.* of the contract): the config in
// effect and where it lives, the serial ports found, a card reader on some of them, the
// test page, the departments' live check, this window's enrolment, validation by the
// hall's own schema, the save (which restarts the core: the link drops and comes back),
// the check of everything after it, and roll-out files in the real format
// (src-main/installer/rollout.ts). The real handlers are tested in tests/main.
import type { ConfigProblem, SerialPortInfo, TestPrintResult } from '../../src-main/api/contract/setup.ts';
import type { Handlers } from '../../src-main/api/dispatcher.ts';
import { type CheckLine, reportOf } from '../../src-main/common/doctor.ts';
import { AppError, type ErrorCode } from '../../src-main/common/errors.ts';
import { demoConfig, HallConfig } from '../../src-main/common/hall-config.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import { asJsonObject } from '../../src-main/common/json.ts';
import { exportRollout, importRollout } from '../../src-main/installer/rollout.ts';

type SetupMethods =
  | 'setup.state'
  | 'setup.serialPorts'
  | 'setup.probeCardReader'
  | 'setup.testPrint'
  | 'setup.checkDepartment'
  | 'setup.enrolment'
  | 'setup.validate'
  | 'setup.save'
  | 'setup.check'
  | 'setup.exportRollout'
  | 'setup.importRollout';

export interface FakeSetupOptions {
  /** The config in effect (default: the demo's, profile `demo`). */
  config?: Record<string, unknown>;
  tokensSet?: string[];
  ports?: SerialPortInfo[];
  /** Serial paths where a card reader answers, with its SAM id. */
  readers?: Record<string, string>;
  /** What the printer says to a test page (default: printed). */
  testPrint?: TestPrintResult;
  /** Problems the core finds beyond the schema (e.g. a port that does not exist). */
  extraProblems?: ConfigProblem[];
  /** The next save fails with this error (the disk, say), writing nothing. */
  saveFault?: ErrorCode;
  /** Lines of the check after the restart that fail, by id. */
  failing?: string[];
}

interface WindowKey {
  publicKey: string;
  keyId: string;
}

const NOW = Date.UTC(2026, 11, 7, 2, 0, 0);
export const DATA_DIR = '/var/lib/tongban';

/** In this realm's Uint8Array: jsdom's TextEncoder gives another realm's, which the contract refuses. */
const utf8 = (text: string) => new Uint8Array(new TextEncoder().encode(text));

function problemsOf(config: Record<string, unknown>): ConfigProblem[] {
  const result = HallConfig.safeParse(config);
  return result.success
    ? []
    : result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export class FakeSetup {
  config: Record<string, unknown>;
  readonly tokens = new Map<string, string>();
  /** Every config saved, in order. */
  readonly saved: Array<Record<string, unknown>> = [];
  readonly tokensSet: string[];
  saveFault: ErrorCode | undefined;
  failing: string[];
  extraProblems: ConfigProblem[];
  private readonly options: FakeSetupOptions;

  constructor(
    private readonly key: (scheme: 'ed25519' | 'sm2') => WindowKey,
    /** The core restarts on the saved config: the link drops and comes back. */
    private readonly restart: () => void,
    options: FakeSetupOptions = {},
  ) {
    this.options = options;
    this.config = options.config ?? (demoConfig() as unknown as Record<string, unknown>);
    this.tokensSet = [...(options.tokensSet ?? [])];
    this.saveFault = options.saveFault;
    this.failing = options.failing ?? [];
    this.extraProblems = options.extraProblems ?? [];
  }

  get profile(): 'demo' | 'configured' {
    return this.config.profile === 'demo' ? 'demo' : 'configured';
  }

  /** As the core starts the wizard: the config in effect, or the demo's without its embedded inbox. */
  private startingDraft(): Record<string, unknown> {
    if (this.profile === 'configured') return this.config;
    const demo = this.config as { departments?: Array<{ endpoint: string }>; tracking?: Record<string, unknown> };
    const { urlTemplate: _embedded, ...tracking } = demo.tracking ?? {};
    return {
      ...this.config,
      profile: 'configured',
      departments: (demo.departments ?? []).filter((d) => d.endpoint !== 'embedded'),
      tracking,
    };
  }

  handlers(): Pick<Handlers<null>, SetupMethods> {
    return {
      'setup.state': () => ({
        profile: this.profile,
        config: asJsonObject(this.startingDraft()),
        configFile: `${DATA_DIR}/config.json`,
        dataDir: DATA_DIR,
        tokensSet: this.tokensSet,
      }),
      'setup.serialPorts': () => ({ ports: this.options.ports ?? [] }),
      'setup.probeCardReader': ({ path }) => {
        const samId = this.options.readers?.[path];
        if (samId === undefined) {
          throw new AppError('device.timeout', `no card reader answered on ${path}`, { device: 'idCardReader' });
        }
        return { samId };
      },
      'setup.testPrint': () => this.options.testPrint ?? { printed: true, message: '测试页已打印，打印机状态正常。' },
      'setup.checkDepartment': ({ department, windowId, token }) => {
        const name = department.name;
        const lines: CheckLine[] = [
          {
            id: `department.${department.id}.reach`,
            state: 'ok',
            label: t('checks.department.reach', { name }),
            message: t('checks.department.reachedTls'),
          },
          {
            id: `department.${department.id}.token`,
            state: token ? 'ok' : 'fail',
            label: t('checks.department.token', { name }),
            message: token ? t('checks.department.tokenOk', { window: windowId }) : t('checks.department.tokenNotSet'),
          },
        ];
        return reportOf(lines, NOW);
      },
      'setup.enrolment': ({ windowId, scheme }) => {
        const { publicKey, keyId } = this.key(scheme);
        const text = JSON.stringify({ windowId, scheme, publicKey, keyId });
        return {
          windowId,
          scheme,
          publicKey,
          keyId,
          fingerprint: keyId.match(/.{1,4}/g)!.join(' '),
          qrSvg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="2" height="2"/></svg>`,
          file: { bytes: utf8(text), mediaType: 'application/json', name: `${windowId}-${scheme}.json` },
        };
      },
      'setup.validate': ({ config }) => ({
        problems: [...problemsOf(config), ...this.extraProblems],
      }),
      'setup.save': ({ config, tokens }) => {
        const problems = [...problemsOf(config), ...this.extraProblems];
        if (problems.length > 0) return { saved: false, problems };
        if (this.saveFault) throw new AppError(this.saveFault, 'the fake disk refused the write');
        this.config = config;
        this.saved.push(config);
        for (const { departmentId, token } of tokens) {
          this.tokens.set(departmentId, token);
          if (!this.tokensSet.includes(departmentId)) this.tokensSet.push(departmentId);
        }
        this.restart();
        return { saved: true, problems: [] };
      },
      'setup.check': () => {
        const ids = ['dataDir', 'database', 'key', 'disk', 'clock', 'device.idCardReader', 'device.receiptPrinter'];
        const lines = ids.map((id): CheckLine =>
          this.failing.includes(id)
            ? {
                id,
                state: 'fail',
                label: `检查项 ${id}`,
                message: `${id} 未通过，请按提示处理。`,
                detail: `${id}: failed`,
              }
            : { id, state: 'ok', label: `检查项 ${id}`, message: `${id} 正常。` },
        );
        return reportOf(lines, NOW);
      },
      'setup.exportRollout': () => {
        const text = exportRollout(HallConfig.parse(this.config), NOW);
        return { bytes: utf8(text), mediaType: 'application/json', name: 'hall-rollout.json' };
      },
      'setup.importRollout': ({ bytes, window }) => ({
        config: asJsonObject(importRollout(new TextDecoder().decode(bytes), window)),
      }),
    };
  }
}
