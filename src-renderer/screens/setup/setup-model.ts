// The setup wizard's state outside React: the config draft as the installer edits it
// (a hall's config.json, whatever parts the wizard does not edit passed through as they
// came), the tokens typed beside its departments, which steps were done or skipped, and
// the problems of each step. The draft is judged here by the hall's own schema, so the
// step list marks a problem as soon as a step is left; the core judges it again
// (`setup.validate`, `setup.save`), and only `setup.save` writes anything.
import {
  type DeviceConfig,
  HallConfig,
  type IdCardReaderConfig,
  MIN_EVENT_LOG_DAYS,
  RETENTION_DEFAULTS,
  type ReceiptPrinterConfig,
} from '../../../src-main/common/hall-config.ts';
import type { ConfigProblem, SerialPortInfo } from '../../../src-main/api/contract/setup.ts';
import type { MessageKey } from '../../../src-main/common/i18n/index.ts';
import { t } from '../../../src-main/common/i18n/index.ts';

export const SETUP_STEPS = ['hall', 'departments', 'devices', 'data', 'review'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

/** How the step list shows a step. */
export type StepMark = 'todo' | 'done' | 'skipped' | 'problem';

export type Scheme = 'ed25519' | 'sm2';

export interface DepartmentDraft {
  id: string;
  name: string;
  regionCodes: string[];
  endpoint: string;
  credential?: string;
  signature: Scheme;
}

export type CameraSlot = 'documentCamera' | 'counterCamera';

export interface SetupDraft {
  hall: { id: string; name: string; phone?: string | undefined; [key: string]: unknown };
  window: { id: string; name: string };
  regionCode: string;
  departments: DepartmentDraft[];
  devices: {
    idCardReader: IdCardReaderConfig;
    receiptPrinter: ReceiptPrinterConfig;
    documentCamera: DeviceConfig;
    counterCamera: DeviceConfig;
  };
  retention: { videoDays: number; screenDays: number; eventLogDays: number };
  tracking: { urlTemplate?: string };
  /** Everything else of config.json (security, catalog, calendar …), kept as it came. */
  [key: string]: unknown;
}

export interface WizardState {
  draft: SetupDraft;
  /** The token typed for each department, by the department's place in `draft.departments`. */
  tokens: string[];
  /** A key for each department that stays with it while others are added or removed (React's). */
  keys: number[];
  /** Steps the installer has left after working in them (下一步 or a jump). */
  left: SetupStep[];
  skipped: SetupStep[];
  /** The review step has checked the whole: every step shows its problems. */
  checked: boolean;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const days = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);

/** A config from the core (in effect, or read from a roll-out file) as the wizard edits it. */
export function draftFrom(config: Record<string, unknown>): SetupDraft {
  const hall = record(config.hall);
  const window = record(config.window);
  const devices = record(config.devices);
  const retention = record(config.retention);
  const departments = Array.isArray(config.departments) ? config.departments : [];
  const device = <T>(slot: string): T => (devices[slot] ?? { transport: 'none' }) as T;
  return {
    ...config,
    hall: { ...hall, id: text(hall.id), name: text(hall.name) },
    window: { ...window, id: text(window.id), name: text(window.name) },
    regionCode: text(config.regionCode),
    departments: departments.map((d) => {
      const department = record(d);
      return {
        ...department,
        id: text(department.id),
        name: text(department.name),
        regionCodes: Array.isArray(department.regionCodes) ? department.regionCodes.map(String) : [],
        endpoint: text(department.endpoint),
        signature: department.signature === 'sm2' ? 'sm2' : 'ed25519',
      };
    }),
    devices: {
      ...devices,
      idCardReader: device('idCardReader'),
      receiptPrinter: device('receiptPrinter'),
      documentCamera: device('documentCamera'),
      counterCamera: device('counterCamera'),
    },
    retention: {
      ...retention,
      videoDays: days(retention.videoDays, RETENTION_DEFAULTS.videoDays),
      screenDays: days(retention.screenDays, RETENTION_DEFAULTS.screenDays),
      eventLogDays: days(retention.eventLogDays, RETENTION_DEFAULTS.eventLogDays),
    },
    tracking: { ...record(config.tracking) },
  };
}

export function initialState(config: Record<string, unknown>): WizardState {
  const draft = draftFrom(config);
  return {
    draft,
    tokens: draft.departments.map(() => ''),
    keys: draft.departments.map((_, index) => index),
    left: [],
    skipped: [],
    checked: false,
  };
}

/** Without undefined members: the wire turns them into null, which the schema refuses. */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defined);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => [key, defined(member)]),
  );
}

/** The config as it is saved: a configured window (the demo's marker does not travel on). */
export function configOf(draft: SetupDraft): Record<string, unknown> {
  return defined({ ...draft, profile: 'configured' }) as Record<string, unknown>;
}

/** `setup.save`'s input: the config and the tokens typed (blank ones leave a stored token as it is). */
export function saveInput(state: WizardState): {
  config: Record<string, unknown>;
  tokens: Array<{ departmentId: string; token: string }>;
} {
  const tokens = state.draft.departments.flatMap((department, index) => {
    const token = state.tokens[index]?.trim() ?? '';
    return token === '' ? [] : [{ departmentId: department.id.trim(), token }];
  });
  return { config: configOf(state.draft), tokens };
}

// ── editing ──────────────────────────────────────────────────────────────────

export function withDraft(state: WizardState, change: (draft: SetupDraft) => SetupDraft): WizardState {
  return { ...state, draft: change(state.draft) };
}

export const EMPTY_DEPARTMENT: DepartmentDraft = {
  id: '',
  name: '',
  regionCodes: [],
  endpoint: 'https://',
  signature: 'ed25519',
};

export function addDepartment(state: WizardState): WizardState {
  return {
    ...state,
    draft: { ...state.draft, departments: [...state.draft.departments, { ...EMPTY_DEPARTMENT }] },
    tokens: [...state.tokens, ''],
    keys: [...state.keys, Math.max(-1, ...state.keys) + 1],
  };
}

export function removeDepartment(state: WizardState, index: number): WizardState {
  return {
    ...state,
    draft: { ...state.draft, departments: state.draft.departments.filter((_, i) => i !== index) },
    tokens: state.tokens.filter((_, i) => i !== index),
    keys: state.keys.filter((_, i) => i !== index),
  };
}

export function updateDepartment(state: WizardState, index: number, change: Partial<DepartmentDraft>): WizardState {
  return withDraft(state, (draft) => ({
    ...draft,
    departments: draft.departments.map((d, i) => (i === index ? { ...d, ...change } : d)),
  }));
}

export function setToken(state: WizardState, index: number, token: string): WizardState {
  return { ...state, tokens: state.tokens.map((value, i) => (i === index ? token : value)) };
}

/** As the contract checks a token (setup.ts `Token`): the same rule, said before the round trip. */
export const TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/;

/** Tokens typed that the core would refuse, as problems of their department's token field. */
export function tokenProblems(state: WizardState): ConfigProblem[] {
  return state.tokens.flatMap((token, index) =>
    token.trim() === '' || TOKEN_PATTERN.test(token.trim())
      ? []
      : [{ path: `departments.${index}.token`, message: t('setupWizard.departments.tokenInvalid') }],
  );
}

/** Region codes as typed: separated by spaces, commas (，) or 、. */
export function parseRegionCodes(typed: string): string[] {
  return typed.split(/[\s,，、;；]+/).filter(Boolean);
}

/** A number field's text as the draft holds it: blank or not a whole number stays visible to validation as NaN. */
export function wholeNumber(typed: string): number {
  return /^\d+$/.test(typed.trim()) ? Number(typed.trim()) : Number.NaN;
}

export function numberText(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '' : String(value);
}

// ── steps and their problems ─────────────────────────────────────────────────

/** The step where the field of a problem is edited; anything the wizard has no field for is the review's. */
export function stepOfPath(path: string): SetupStep {
  const head = path.split('.')[0] ?? '';
  if (head === 'hall' || head === 'window' || head === 'regionCode') return 'hall';
  if (head === 'departments' || head === 'tracking' || head === 'ratings') return 'departments';
  if (head === 'devices') return 'devices';
  if (head === 'retention') return 'data';
  return 'review';
}

/** The draft judged by the hall's schema, as the core will judge it. */
export function draftProblems(draft: SetupDraft): ConfigProblem[] {
  const result = HallConfig.safeParse(configOf(draft));
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export function problemsOfStep(problems: readonly ConfigProblem[], step: SetupStep): ConfigProblem[] {
  return problems.filter((problem) => stepOfPath(problem.path) === step);
}

/** The problem of one field (the first), for the field's own message. */
export function problemAt(problems: readonly ConfigProblem[], path: string): ConfigProblem | undefined {
  return problems.find((problem) => problem.path === path || problem.path.startsWith(`${path}.`));
}

/**
 * A problem as the installer reads it: the schema's commonest findings (left blank, not a
 * whole number, under or over a bound) in Chinese; the rest as the schema says it, in
 * English, beside the field's Chinese name.
 */
export function problemText(message: string): string {
  if (/^Too small: expected string to have >=1 characters?$/.test(message)) return t('setupWizard.problems.required');
  if (/expected (number|int), received NaN/.test(message)) return t('setupWizard.problems.wholeNumber');
  const min = /^Too small: expected number to be >=(\d+)$/.exec(message)?.[1];
  if (min !== undefined) return t('setupWizard.problems.min', { min });
  const max = /^Too big: expected number to be <=(\d+)$/.exec(message)?.[1];
  if (max !== undefined) return t('setupWizard.problems.max', { max });
  return message;
}

/** The message a field shows for its problem, if any. */
export function fieldProblem(problems: readonly ConfigProblem[], path: string): string | undefined {
  const problem = problemAt(problems, path);
  return problem && problemText(problem.message);
}

export function stepMark(state: WizardState, step: SetupStep, problems: readonly ConfigProblem[]): StepMark {
  if (step === 'review') return 'todo';
  const wrong = problemsOfStep(problems, step).length > 0;
  if (wrong && (state.left.includes(step) || state.checked)) return 'problem';
  if (state.skipped.includes(step)) return 'skipped';
  if (state.left.includes(step)) return 'done';
  return 'todo';
}

/** Leaving `step` after working in it: done (or shown wrong), no longer skipped. */
export function leave(state: WizardState, step: SetupStep): WizardState {
  if (step === 'review') return state;
  return {
    ...state,
    left: state.left.includes(step) ? state.left : [...state.left, step],
    skipped: state.skipped.filter((s) => s !== step),
  };
}

export function skip(state: WizardState, step: SetupStep): WizardState {
  if (step === 'review') return state;
  return {
    ...state,
    skipped: state.skipped.includes(step) ? state.skipped : [...state.skipped, step],
    left: state.left.filter((s) => s !== step),
  };
}

export function stepAfter(step: SetupStep, by: 1 | -1): SetupStep | undefined {
  return SETUP_STEPS[SETUP_STEPS.indexOf(step) + by];
}

// ── words ────────────────────────────────────────────────────────────────────

const FIELD_KEYS: Readonly<Record<string, MessageKey>> = {
  'hall.id': 'setupWizard.hall.hallId',
  'hall.name': 'setupWizard.hall.hallName',
  'hall.phone': 'setupWizard.hall.phone',
  'window.id': 'setupWizard.hall.windowId',
  'window.name': 'setupWizard.hall.windowName',
  regionCode: 'setupWizard.hall.regionCode',
  'tracking.urlTemplate': 'setupWizard.departments.tracking',
  'ratings.endpoint': 'setupWizard.fields.ratings',
  'retention.videoDays': 'setupWizard.data.videoDays',
  'retention.screenDays': 'setupWizard.data.screenDays',
  'retention.eventLogDays': 'setupWizard.data.eventLogDays',
};

const DEPARTMENT_FIELD_KEYS: Readonly<Record<string, MessageKey>> = {
  id: 'setupWizard.departments.id',
  name: 'setupWizard.departments.name',
  regionCodes: 'setupWizard.departments.regionCodes',
  endpoint: 'setupWizard.departments.endpoint',
  signature: 'setupWizard.departments.scheme',
  token: 'setupWizard.departments.token',
};

const DEVICE_KEYS: Readonly<Record<string, MessageKey>> = {
  idCardReader: 'setupWizard.devices.reader.title',
  receiptPrinter: 'setupWizard.devices.printer.title',
  documentCamera: 'setupWizard.devices.documentCamera.title',
  counterCamera: 'setupWizard.devices.counterCamera.title',
};

/** The Chinese name of the field a problem's path points at, for the installer to find it. */
export function fieldName(path: string, draft: SetupDraft): string {
  const known = FIELD_KEYS[path];
  if (known) return t(known);
  const parts = path.split('.');
  if (parts[0] === 'departments' && parts[1] !== undefined) {
    const index = Number(parts[1]);
    const department = t('setupWizard.fields.department', {
      number: index + 1,
      name: draft.departments[index]?.name.trim() || t('setupWizard.departments.unnamed'),
    });
    const field = DEPARTMENT_FIELD_KEYS[parts[2] ?? ''];
    return field ? `${department} · ${t(field)}` : department;
  }
  if (parts[0] === 'devices' && parts[1] !== undefined) {
    const device = DEVICE_KEYS[parts[1]];
    if (device) return parts.length > 2 ? `${t(device)} · ${parts.slice(2).join('.')}` : t(device);
  }
  return path === '' ? t('setupWizard.fields.whole') : path;
}

/** A serial port as the installer recognises it: its path, its USB ids and its maker. */
export function portLabel(port: SerialPortInfo): string {
  const usb = port.vendorId && port.productId ? `USB ${port.vendorId}:${port.productId}` : '';
  const about = [usb, port.manufacturer ?? ''].filter(Boolean).join(' ');
  return about ? `${port.path}（${about}）` : port.path;
}

/** What the retention fields must hold, as the schema says it (for the hints). */
export const RETENTION_RULES = { minDays: 1, minEventLogDays: MIN_EVENT_LOG_DAYS, maxDays: 36_500 } as const;

/** The granted size of a camera's video, e.g. 3840×2160. */
export function resolutionText(settings: { width?: number; height?: number }): string | null {
  return settings.width && settings.height ? `${settings.width}×${settings.height}` : null;
}

// ── after saving: the core restarts, and the check of everything follows ─────

export const FINAL_CHECK_KEY = 'tongban.setup.finalCheck';

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function session(): Store | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

/** Saved: the check of everything is still owed, even if this page is rebuilt by the restart. */
export function markFinalCheck(storage: Store | undefined = session()): void {
  try {
    storage?.setItem(FINAL_CHECK_KEY, String(Date.now()));
  } catch {
    // private mode or full: the wizard still shows the check while it stays open
  }
}

export function finalCheckPending(storage: Store | undefined = session()): boolean {
  try {
    return storage?.getItem(FINAL_CHECK_KEY) != null;
  } catch {
    return false;
  }
}

export function clearFinalCheck(storage: Store | undefined = session()): void {
  try {
    storage?.removeItem(FINAL_CHECK_KEY);
  } catch {
    // nothing to clear
  }
}

// ── first run: the demo kept on purpose ───────────────────────────────────────

export const KEEP_DEMO_KEY = 'tongban.setup.keepDemo';

/** The installer chose to keep the demo on this PC: the landing stops offering the wizard. */
export function demoKept(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): boolean {
  try {
    return storage?.getItem(KEEP_DEMO_KEY) === '1';
  } catch {
    return false;
  }
}

export function keepDemo(storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEEP_DEMO_KEY, '1');
  } catch {
    // not remembered: the offer shows again next time
  }
}
