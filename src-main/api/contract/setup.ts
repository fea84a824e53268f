// 设置向导 and the installer's tools: the wizard reads the config in effect, tries each
// part live (a department endpoint, a serial port's card reader, a test page), validates
// the whole and saves it at once; the core then restarts on it. Nothing the wizard tries
// is kept until `setup.save`.
import { z } from 'zod';
import { CheckReport } from '../../common/doctor.ts';
import { Department, ReceiptPrinterDevice } from '../../common/hall-config.ts';
import { Json } from '../../common/json.ts';
import { SignatureScheme, WindowId } from '../../common/sync-protocol.ts';
import { Bytes, FileContent, method, none } from './method.ts';

const installer = ['installer'] as const;

/**
 * A config as the wizard holds it: a JSON object, judged by the core against the hall's schema
 * (config.json holds no secret: the departments' tokens live encrypted in the database).
 */
const ConfigDraft = z.record(z.string(), Json);

/** A token the installer typed for a department (stored encrypted at save, never in config.json). */
const Token = z
  .string()
  .trim()
  .min(16)
  .max(512)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const ConfigProblem = z.object({
  /** The field, dotted (`departments.0.endpoint`); empty for the whole. */
  path: z.string(),
  /** English, from the schema: installers read it beside the field's Chinese label. */
  message: z.string(),
});
export type ConfigProblem = z.infer<typeof ConfigProblem>;

export const SetupState = z.object({
  /** `demo`: no config.json yet (first run, or a demo PC); `configured`: config.json in effect. */
  profile: z.enum(['demo', 'configured']),
  /** The config in effect, as the wizard starts from it (the demo's when none is saved). */
  config: ConfigDraft,
  /** Where config.json is (or will be) written. */
  configFile: z.string(),
  dataDir: z.string(),
  /** Departments that already hold a token for this window (tokens themselves never leave the core). */
  tokensSet: z.array(z.string()),
});
export type SetupState = z.infer<typeof SetupState>;

export const SerialPortInfo = z.object({
  path: z.string(),
  vendorId: z.string().optional(),
  productId: z.string().optional(),
  manufacturer: z.string().optional(),
  serialNumber: z.string().optional(),
});
export type SerialPortInfo = z.infer<typeof SerialPortInfo>;

export const WindowEnrolment = z.object({
  windowId: z.string(),
  scheme: SignatureScheme,
  /** Hex, as the department enrols it (dept-inbox `enroll-window --public-key`). */
  publicKey: z.string(),
  keyId: z.string(),
  /** The key id in groups of four, for reading aloud over the phone. */
  fingerprint: z.string(),
  /** The public key as a QR code (SVG markup), for a department's scanner. */
  qrSvg: z.string(),
  /** The enrolment request as a file to hand over (JSON, no secret). */
  file: FileContent,
});
export type WindowEnrolment = z.infer<typeof WindowEnrolment>;

export const TestPrintResult = z.object({
  /** The printer took the page and reported no fault after it. */
  printed: z.boolean(),
  /** Chinese, what the printer reported (纸尽, 盖开 …) or that all is well. */
  message: z.string(),
  /** English detail for support. */
  detail: z.string().optional(),
});
export type TestPrintResult = z.infer<typeof TestPrintResult>;

export const setupMethods = {
  'setup.state': method({ access: installer, input: none, output: SetupState }),
  'setup.serialPorts': method({
    access: installer,
    input: none,
    output: z.object({ ports: z.array(SerialPortInfo) }),
  }),
  /** Opens the port, asks the reader its SAM id (GA 467), closes the port. */
  'setup.probeCardReader': method({
    access: installer,
    input: z.object({ path: z.string().min(1), baudRate: z.number().int().positive().default(115200) }).strict(),
    output: z.object({ samId: z.string() }),
  }),
  /** Prints a test page on the printer as described (not the configured one) and reads its status. */
  'setup.testPrint': method({
    access: installer,
    input: z.object({ printer: ReceiptPrinterDevice }).strict(),
    output: TestPrintResult,
  }),
  /** The live check of one department as the wizard describes it (token optional; nothing stored). */
  'setup.checkDepartment': method({
    access: installer,
    input: z.object({ department: Department, windowId: WindowId, token: Token.optional() }).strict(),
    output: CheckReport,
  }),
  /** This window's public key for a scheme, as the departments enrol it. */
  'setup.enrolment': method({
    access: installer,
    input: z.object({ windowId: WindowId, scheme: SignatureScheme.default('ed25519') }).strict(),
    output: WindowEnrolment,
  }),
  'setup.validate': method({
    access: installer,
    input: z.object({ config: ConfigDraft }).strict(),
    output: z.object({ problems: z.array(ConfigProblem) }),
  }),
  /**
   * Validates the whole, then writes config.json (atomically) and the departments' tokens
   * (encrypted, in the database); the core restarts on the new config right after answering.
   * Invalid: nothing is written and the problems are answered.
   */
  'setup.save': method({
    access: installer,
    input: z
      .object({
        config: ConfigDraft,
        tokens: z.array(z.object({ departmentId: z.string().min(1).max(64), token: Token }).strict()).max(32),
      })
      .strict(),
    output: z.object({ saved: z.boolean(), problems: z.array(ConfigProblem) }),
  }),
  /** The doctor's checks on the running window (devices from their health, not probed again). */
  'setup.check': method({ access: installer, input: none, output: CheckReport }),
  /** The hall's config for the next window: no window id, name or tokens (roll-out). */
  'setup.exportRollout': method({ access: installer, input: none, output: FileContent }),
  /** Reads a roll-out file into a config draft for this window (not saved until `setup.save`). */
  'setup.importRollout': method({
    access: installer,
    input: z
      .object({ bytes: Bytes, window: z.object({ id: WindowId, name: z.string().trim().min(1).max(60) }).strict() })
      .strict(),
    output: z.object({ config: ConfigDraft }),
  }),
};
