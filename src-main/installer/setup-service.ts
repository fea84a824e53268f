// The setup wizard's backend (设置向导): reads the config in effect as a draft, tries
// each part live (a serial port's card reader, a test page, a department endpoint),
// shows the window's enrolment, judges a whole draft, and saves it at once — tokens
// sealed in the database, config.json written atomically — after which the host
// restarts the core on it. Nothing tried is kept until `save`.
//
// Invariants (tests/main/installer/setup.test.ts): an invalid draft writes nothing; a
// valid one writes config.json (0600, temp + fsync + rename) and its tokens (one
// transaction, before the rename), or says which step failed; no token ever leaves the
// core or reaches the audit; a port the configured reader holds is asked through it.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import type { z } from 'zod';
import type { ConfigProblem, SetupState, TestPrintResult, WindowEnrolment } from '../api/contract/setup.ts';
import type { CheckReport } from '../common/doctor.ts';
import { reportOf } from '../common/doctor.ts';
import { AppError, isAppError } from '../common/errors.ts';
import {
  CONFIG_FILE,
  type Department,
  demoConfig,
  HallConfig,
  type ReceiptPrinterConfig,
} from '../common/hall-config.ts';
import type { Clock } from '../common/hall-time.ts';
import { errorMessage, t } from '../common/i18n/index.ts';
import type { Logger } from '../common/logger.ts';
import type { SignatureScheme } from '../common/sync-protocol.ts';
import { asJsonObject, type Json } from '../common/json.ts';
import { IdCardReader } from '../devices/idcard/driver.ts';
import type { ReceiptPrinter, PrintOutcome } from '../devices/printer/driver.ts';
import type { PrintDocument } from '../devices/printer/escpos.ts';
import { testPage } from '../devices/printer/test-page.ts';
import { openTcpTransport } from '../devices/tcp-transport.ts';
import type { ByteTransport } from '../devices/transport.ts';
import { openDeviceFileTransport } from '../devices/usb-file-transport.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import { fsyncDirSync, writeFileDurably } from '../store/fs-sync.ts';
import { credentialName } from '../sync/departments.ts';
import type { Credentials, WindowKeys } from '../sync/secrets.ts';
import { checkDepartmentEndpoint } from './endpoint-check.ts';
import { exportRollout, rolloutDraft } from './rollout.ts';

type DepartmentConfig = z.infer<typeof Department>;

export const ENROLMENT_FORMAT = 'tongban-enrolment/1';

/** The enrolment file a department's administrator reads (dept-inbox `enroll-window --file`). */
export interface EnrolmentFile {
  format: typeof ENROLMENT_FORMAT;
  windowId: string;
  scheme: SignatureScheme;
  publicKey: string;
  keyId: string;
  /** For the department's records: which hall and window asked. */
  label: string;
  createdAt: string;
}

export interface SetupDeps {
  config: HallConfig;
  dataDir: string;
  keys: Pick<WindowKeys, 'get'>;
  credentials: Credentials;
  events: EventLog;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  /** The configured reader's hold on a serial port (core/devices.ts `useIdCardPort`). */
  useIdCardPort<T>(path: string, use: (reader: IdCardReader | undefined) => Promise<T>): Promise<T>;
  /** The configured receipt printer: a test page for the same printer goes through it. */
  printer: { config: ReceiptPrinterConfig; print(document: PrintDocument): Promise<PrintOutcome> };
  /** Why this data directory may not start on `config` (core/hall-profile.ts), or undefined. */
  profileRefusal(config: HallConfig): string | undefined;
  /** The running window's check (setup.check). */
  check(): Promise<CheckReport>;
  /** Asks the host to restart the core on the saved config (after the answer has gone). */
  restart(): void;
  /** Reader timeouts for a probe (tests); the product's by default. */
  reader?: ConstructorParameters<typeof IdCardReader>[1];
  /** Printer timeouts for a test page (tests); the product's by default. */
  printerOptions?: ConstructorParameters<typeof ReceiptPrinter>[1];
}

/** The config as the wizard starts from it: the one in effect, or the demo's made into a hall's. */
export function startingDraft(config: HallConfig): Record<string, unknown> {
  if (config.profile === 'configured') return asJsonObject(config);
  const demo = asJsonObject(demoConfig());
  const departments = (demo.departments as Array<{ endpoint: string }>).filter((d) => d.endpoint !== 'embedded');
  const tracking = { ...(demo.tracking as Record<string, unknown>) };
  delete tracking.urlTemplate; // `embedded` needs the demo's inbox
  return { ...demo, profile: 'configured', departments, tracking };
}

/** The schema's problems, then what it cannot judge: the profile, embedded inboxes, one port for two devices. */
export function configProblems(draft: unknown, profileRefusal: (config: HallConfig) => string | undefined) {
  const parsed = HallConfig.safeParse(draft);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    };
  }
  const config = parsed.data;
  const problems: ConfigProblem[] = [];
  if (config.profile !== 'configured') {
    problems.push({
      path: 'profile',
      message: 'the setup wizard saves a hall\'s config: profile must be "configured"',
    });
  }
  config.departments.forEach((department, index) => {
    if (department.endpoint === 'embedded') {
      problems.push({
        path: `departments.${index}.endpoint`,
        message: "the embedded demo inbox is for the demo profile only: give the department inbox's https:// URL",
      });
    }
  });
  const reader = config.devices.idCardReader;
  const printer = config.devices.receiptPrinter;
  if (reader.transport === 'serial' && printer.transport === 'serial' && reader.serial.path === printer.serial.path) {
    problems.push({
      path: 'devices.receiptPrinter.serial.path',
      message: `${printer.serial.path} is the ID card reader's port: one serial port serves one device`,
    });
  }
  const refusal = profileRefusal(config);
  if (refusal !== undefined) problems.push({ path: '', message: refusal });
  return problems.length > 0 ? { problems } : { problems, config };
}

export class SetupService {
  constructor(private readonly deps: SetupDeps) {}

  private get configFile(): string {
    return join(this.deps.dataDir, CONFIG_FILE);
  }

  state(): SetupState {
    const { config, credentials } = this.deps;
    const draft = startingDraft(config);
    const departments = HallConfig.safeParse(draft).success ? HallConfig.parse(draft).departments : [];
    return {
      profile: config.profile,
      config: asJsonObject(draft),
      configFile: this.configFile,
      dataDir: this.deps.dataDir,
      tokensSet: departments
        .filter((d) => d.endpoint !== 'embedded' && credentials.has(credentialName(d)))
        .map((d) => d.id),
    };
  }

  async serialPorts() {
    // node-serialport (native) loads with the first serial device, as in the registry.
    const { listPorts } = await import('../devices/serial-transport.ts');
    return { ports: await listPorts() };
  }

  /** The SAM id of the reader at `path`: through the configured reader when it holds that port. */
  async probeCardReader(path: string, baudRate: number): Promise<{ samId: string }> {
    return this.deps.useIdCardPort(path, async (held) => {
      if (held) return { samId: await held.samId() };
      const { openSerialTransport } = await import('../devices/serial-transport.ts');
      const reader = new IdCardReader(
        await openSerialTransport(path, { baudRate, device: 'idCardReader' }),
        this.deps.reader,
      );
      try {
        await reader.samStatus();
        return { samId: await reader.samId() };
      } finally {
        await reader.close().catch(() => undefined);
      }
    });
  }

  /** A test page on the printer as described, status read before and after; never throws for the printer's state. */
  async testPrint(printer: ReceiptPrinterConfig): Promise<TestPrintResult> {
    if (printer.transport === 'none') return { printed: false, message: t('setupChecks.printerNone') };
    const page = testPage({ paper: printer.paper, at: new Date(this.deps.clock.now()) });
    try {
      let outcome: PrintOutcome;
      if (samePrinter(printer, this.deps.printer.config)) {
        outcome = await this.deps.printer.print(page);
      } else if (printer.transport === 'simulated') {
        return { printed: false, message: t('setupChecks.simulatedPrinter') };
      } else {
        const { ReceiptPrinter } = await import('../devices/printer/driver.ts');
        const driver = new ReceiptPrinter(await openPrinterTransport(printer), this.deps.printerOptions);
        try {
          outcome = await driver.print(page);
        } finally {
          await driver.close().catch(() => undefined);
        }
      }
      return {
        printed: true,
        message: t(outcome.paperNearEnd ? 'setupChecks.printedNearEnd' : 'setupChecks.printed'),
        detail: `${outcome.bytes} bytes; status after ${outcome.after.raw.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
      };
    } catch (error) {
      if (!isAppError(error)) throw error;
      return {
        printed: false,
        message: t('setupChecks.printFailed', { reason: errorMessage(error.code, error.params) }),
        detail: `${error.code}: ${error.detail}`,
      };
    }
  }

  /** The live check of a department as the draft describes it; the token typed, else the one stored. */
  async checkDepartment(department: DepartmentConfig, windowId: string, token?: string): Promise<CheckReport> {
    const scheme = department.signature;
    const key = this.deps.keys.get(scheme);
    const stored =
      department.endpoint === 'embedded' ? undefined : this.deps.credentials.get(credentialName(department));
    const lines = await checkDepartmentEndpoint({
      departmentId: department.id,
      name: department.name,
      endpoint: department.endpoint,
      token: token ?? stored,
      expected: { windowId, scheme, keyId: key.keyId },
    });
    return reportOf(lines, this.deps.clock.now());
  }

  async enrolment(windowId: string, scheme: SignatureScheme): Promise<WindowEnrolment> {
    const key = this.deps.keys.get(scheme);
    const { config } = this.deps;
    const qrSvg = await QRCode.toString(JSON.stringify({ windowId, scheme, publicKey: key.publicKey }), {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
    });
    const file: EnrolmentFile = {
      format: ENROLMENT_FORMAT,
      windowId,
      scheme,
      publicKey: key.publicKey,
      keyId: key.keyId,
      label: `${config.profile === 'configured' ? config.hall.name : ''} ${windowId}`.trim(),
      createdAt: new Date(this.deps.clock.now()).toISOString(),
    };
    return {
      windowId,
      scheme,
      publicKey: key.publicKey,
      keyId: key.keyId,
      fingerprint: fingerprintOf(key.keyId),
      qrSvg,
      file: {
        bytes: new Uint8Array(Buffer.from(`${JSON.stringify(file, null, 2)}\n`, 'utf8')),
        mediaType: 'application/json',
        name: `enrolment-${windowId}.json`,
      },
    };
  }

  validate(draft: Record<string, unknown>): { problems: ConfigProblem[] } {
    return { problems: configProblems(draft, (config) => this.deps.profileRefusal(config)).problems };
  }

  /**
   * Judges the draft, then: config.json's bytes to a temp file (fsynced), the tokens in one
   * transaction, the rename. Refused: nothing written. Then the core restarts on it.
   */
  save(
    actor: string,
    draft: Record<string, unknown>,
    tokens: ReadonlyArray<{ departmentId: string; token: string }>,
  ): { saved: boolean; problems: ConfigProblem[] } {
    const judged = configProblems(draft, (config) => this.deps.profileRefusal(config));
    const problems = [...judged.problems];
    const config = judged.config;
    const secrets: Array<{ name: string; secret: string }> = [];
    // Tokens are judged against a config that parsed: otherwise its departments are unknown.
    tokens.forEach(({ departmentId, token }, index) => {
      if (!config) return;
      const department = config.departments.find((d) => d.id === departmentId);
      if (!department) {
        problems.push({ path: `tokens.${index}.departmentId`, message: `no department ${departmentId} in the config` });
      } else {
        secrets.push({ name: credentialName(department), secret: token });
      }
    });
    if (!config || problems.length > 0) return { saved: false, problems };

    const file = this.configFile;
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileDurably(temp, `${JSON.stringify(config, null, 2)}\n`);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new AppError('setup.saveFailed', `writing ${temp}: ${(error as Error).message}; nothing was changed`);
    }
    try {
      this.deps.credentials.setAll(secrets, actor);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    try {
      renameSync(temp, file);
      fsyncDirSync(this.deps.dataDir);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new AppError(
        'setup.saveFailed',
        `renaming ${temp} to ${file}: ${(error as Error).message}; the tokens were stored, config.json is unchanged`,
      );
    }
    this.deps.events.append({
      stream: AUDIT_STREAM,
      actor,
      kind: 'setup.saved',
      payload: {
        hallId: config.hall.id,
        windowId: config.window.id,
        previousProfile: this.deps.config.profile,
        departments: config.departments.map((d) => d.id),
        tokensSet: tokens.map((entry) => entry.departmentId),
      },
    });
    this.deps.logger.info({ hallId: config.hall.id, windowId: config.window.id }, 'config saved; restarting the core');
    // After the answer has gone: the dispatcher answers in this turn, the restart waits for the next.
    setImmediate(() => this.deps.restart());
    return { saved: true, problems: [] };
  }

  check(): Promise<CheckReport> {
    return this.deps.check();
  }

  exportRollout(): { bytes: Uint8Array; mediaType: string; name: string } {
    const { config } = this.deps;
    const text = exportRollout(config, this.deps.clock.now());
    return {
      bytes: new Uint8Array(Buffer.from(text, 'utf8')),
      mediaType: 'application/json',
      name: `tongban-rollout-${config.hall.id}.json`,
    };
  }

  importRollout(bytes: Uint8Array, window: { id: string; name: string }): { config: Record<string, Json> } {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new AppError('setup.rolloutInvalid', 'the file is not UTF-8 text');
    }
    const draft = rolloutDraft(text, window);
    const parsed = HallConfig.safeParse(draft);
    if (parsed.success) return { config: asJsonObject(parsed.data) };
    // The hall inside the file is wrong: the file is. A window name or id the installer typed
    // that the schema refuses is theirs to correct: the draft comes back, and validate says where.
    const hallProblems = parsed.error.issues.filter((issue) => issue.path[0] !== 'window');
    if (hallProblems.length > 0) {
      const problems = hallProblems.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new AppError('setup.rolloutInvalid', `the hall's config in the file: ${problems.join('; ')}`);
    }
    return { config: asJsonObject(draft) };
  }
}

/** The key id (64 hex digits) in groups of four, for reading aloud. */
export function fingerprintOf(keyId: string): string {
  return (keyId.toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}

/** Whether two printer configs reach the same printer (then the configured slot prints the test page). */
function samePrinter(a: ReceiptPrinterConfig, b: ReceiptPrinterConfig): boolean {
  if (a.transport === 'tcp' && b.transport === 'tcp') return a.host === b.host && a.port === b.port;
  if (a.transport === 'serial' && b.transport === 'serial') return a.serial.path === b.serial.path;
  if (a.transport === 'usb-device-file' && b.transport === 'usb-device-file') return a.path === b.path;
  return a.transport === 'simulated' && b.transport === 'simulated';
}

async function openPrinterTransport(printer: ReceiptPrinterConfig): Promise<ByteTransport> {
  switch (printer.transport) {
    case 'tcp':
      return openTcpTransport(printer.host, printer.port);
    case 'serial': {
      const { openSerialTransport } = await import('../devices/serial-transport.ts');
      return openSerialTransport(printer.serial.path, { baudRate: printer.serial.baudRate, device: 'receiptPrinter' });
    }
    case 'usb-device-file':
      return openDeviceFileTransport(printer.path);
    default:
      throw new AppError('printer.notConfigured', `no printer transport ${printer.transport}`);
  }
}
