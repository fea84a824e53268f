// `npm run device -- <device> <action> [options]`: the installers' terminal test of the
// hall's devices, built on the drivers the app itself runs (the installer wizard will call
// the same code). Prints in Chinese for the installer, with the English detail beside any
// failure; exits non-zero on any failure (2 for a command line that is not understood).
//
//   npm run device -- list [--json]
//   npm run device -- idcard probe (--port PATH [--baud N] | --sdk LIB --sdk-port N)
//   npm run device -- idcard read (--port PATH [--baud N] | --sdk LIB --sdk-port N) [--json] [--timeout S]
//                                 [--fingerprint] [--appended-address] [--photo-decoder LIB] [--photo-out FILE.bmp]
//   npm run device -- idcard simulate [--card N] [--fault F] [--baud N]
//   npm run device -- printer test (--tcp HOST[:PORT] | --serial PATH [--baud N] | --usb PATH) [--width 58|80] [--text T] [--json]
//   npm run device -- printer status (--tcp HOST[:PORT] | --serial PATH [--baud N] | --usb PATH) [--json]
//   npm run device -- printer simulate [--tcp PORT] [--pty] [--state S] [--width 58|80] [--out PREFIX]
//   npm run device -- doccam rectify IN.(jpg|png) OUT.png [--mode colour|grey|bw] [--rotate 0|90|180|270] [--json]
//   npm run device -- face compare CARD.(jpg|png) FRAME.(jpg|png) [--json] [--pass X] [--uncertain Y]
//
// With --json, stdout carries one JSON object (use `npm run -s device …` to keep npm's own
// lines out of it); prompts and messages go to stderr.
import { writeFile } from 'node:fs/promises';
import { ReceiptPrinter } from './printer/driver.ts';
import type { PaperWidth } from './printer/escpos.ts';
import { COLUMNS } from './printer/escpos.ts';
import { PrinterSimulator, type PrinterState } from './printer/simulator.ts';
import { type PrinterStatus, stoppedError, stopReason } from './printer/status.ts';
import { testPage } from './printer/test-page.ts';
import { openTcpTransport, RAW_PRINT_PORT } from './tcp-transport.ts';
import type { ByteTransport } from './transport.ts';
import { openDeviceFileTransport } from './usb-file-transport.ts';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { AppError } from '../common/errors.ts';
import { hallDate } from '../common/hall-time.ts';
import { type CardIdentity, LONG_TERM } from '../common/id-card.ts';
import { errorMessage, t } from '../common/i18n/index.ts';
import type { Catalog } from '../common/i18n/zh-CN.ts';
import { checkCard } from '../common/review/card-checks.ts';
import { codeName, isEmsWaybill, type PageCode } from '../common/page-codes.ts';
import { DECK } from './idcard/deck.ts';
import { type CardRead, IdCardReader } from './idcard/driver.ts';
import { loadPhotoDecoder } from './idcard/photo.ts';
import { CardPresence } from './idcard/presence.ts';
import { CardReaderEmulator, type Fault } from './idcard/simulator.ts';
import { loadCodeReaderFromPackage } from './doccam/barcodes.ts';
import { detectDocument } from './doccam/detect.ts';
import { readImageFile, writePngFile } from './doccam/image-file.ts';
import { loadOpenCv } from './doccam/opencv.ts';
import { assessQuality } from './doccam/quality.ts';
import { COLOUR_MODES, type ColourMode, rectify, type Rotation } from './doccam/rectify.ts';
import { DEFAULT_FACE_THRESHOLDS, FaceThresholds } from '../common/face.ts';
import { loadNodeFaceMatcher } from './face/node-matcher.ts';
import type { VendorSdkReader } from './idcard/vendor-sdk.ts';
import { openPtyPair } from './pty-pair.ts';
import { DEFAULT_BAUD_RATE, listPorts, openSerialTransport } from './serial-transport.ts';
import { consoleOutput, type Output, reportFailure, UsageError } from './cli-support.ts';

const USAGE = `usage:
  npm run device -- list [--json]
  npm run device -- idcard probe (--port PATH [--baud N] | --sdk LIB --sdk-port N)
  npm run device -- idcard read (--port PATH [--baud N] | --sdk LIB --sdk-port N) [--json] [--timeout S]
                                [--fingerprint] [--appended-address] [--photo-decoder LIB] [--photo-out FILE.bmp]
  npm run device -- idcard simulate [--card N] [--fault F] [--baud N]
  npm run device -- printer test (--tcp HOST[:PORT] | --serial PATH [--baud N] | --usb PATH) [--width 58|80] [--text T] [--json]
  npm run device -- printer status (--tcp HOST[:PORT] | --serial PATH [--baud N] | --usb PATH) [--json]
  npm run device -- printer simulate [--tcp PORT] [--pty] [--state paper-out|cover-open|near-end|offline] [--width 58|80] [--out PREFIX]
  npm run device -- doccam rectify IN.(jpg|png) OUT.png [--mode colour|grey|bw] [--rotate 0|90|180|270] [--json]
  npm run device -- face compare CARD.(jpg|png) FRAME.(jpg|png) [--json] [--pass X] [--uncertain Y]
faults: ${['no-card', 'checksum', 'torn', 'slow', 'silent', 'garbage', 'stale', 'unplug', 'sam-failure'].join(', ')}`;

const options = {
  port: { type: 'string' },
  baud: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  fingerprint: { type: 'boolean' },
  'appended-address': { type: 'boolean' },
  card: { type: 'string' },
  fault: { type: 'string' },
  sdk: { type: 'string' },
  'sdk-port': { type: 'string' },
  'photo-decoder': { type: 'string' },
  'photo-out': { type: 'string' },
  tcp: { type: 'string' },
  serial: { type: 'string' },
  usb: { type: 'string' },
  pty: { type: 'boolean' },
  width: { type: 'string' },
  text: { type: 'string' },
  state: { type: 'string' },
  out: { type: 'string' },
  mode: { type: 'string' },
  rotate: { type: 'string' },
  pass: { type: 'string' },
  uncertain: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function positiveNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number, not ${text}`);
  return value;
}

function portOf(values: Options): string {
  if (!values.port) {
    throw new UsageError('--port PATH (see: npm run device -- list) or --sdk LIB --sdk-port N is required');
  }
  return values.port;
}

const FAULTS: Readonly<Record<string, Fault | undefined>> = {
  'no-card': undefined,
  checksum: { kind: 'checksum', count: 1 },
  torn: { kind: 'torn', count: 1 },
  slow: { kind: 'slow', delayMs: 800 },
  silent: { kind: 'silent', count: 1 },
  garbage: { kind: 'garbage', bytes: 200 },
  stale: { kind: 'stale', count: 1 },
  unplug: { kind: 'unplug' },
  'sam-failure': { kind: 'samFailure' },
};

/** The card as a table for the installer's eyes. */
function describeCard(read: CardRead, today: string): string[] {
  const { identity, photoImage, photoProblem } = read;
  const f = (key: Parameters<typeof fieldLabel>[0], value: string | undefined) =>
    value === undefined ? [] : [`${fieldLabel(key)}：${value}`];
  const to = identity.validTo === LONG_TERM ? t('idCard.longTerm') : identity.validTo;
  const { findings } = checkCard(identity, today);
  return [
    ...f('cardType', t(`idCard.cardTypes.${identity.cardType}`)),
    ...f('name', identity.name || undefined),
    ...f('englishName', identity.englishName),
    ...f('sex', t(`idCard.sex.${identity.sex}`)),
    ...f('nation', identity.nation?.name),
    ...f('nationality', identity.nationality),
    ...f('birthDate', identity.birthDate),
    ...f('address', identity.address),
    ...f('appendedAddress', identity.appendedAddress),
    ...f('idNumber', identity.idNumber),
    ...f('authority', identity.authority),
    ...f('validity', `${identity.validFrom} — ${to}`),
    ...f('passNumber', identity.passNumber),
    ...f('issueCount', identity.issueCount),
    ...f('renewalCount', identity.renewalCount),
    ...f('photo', photoLine(identity, photoImage, photoProblem)),
    ...f('fingerprint', identity.fingerprint.present ? t('deviceCli.present') : t('deviceCli.absent')),
    ...f('findings', findings.length === 0 ? t('deviceCli.findingsNone') : findings.map((x) => x.message).join('；')),
  ];
}

function photoLine(identity: CardIdentity, image: CardRead['photoImage'], problem: AppError | undefined): string {
  if (!identity.photo.present) return t('deviceCli.absent');
  if (image) return t('deviceCli.photoDecoded', { width: image.width, height: image.height });
  if (!problem || problem.code === 'idcard.photoDecoderNotConfigured') return t('deviceCli.photoNotDecoded');
  return t('deviceCli.photoDecodeProblem', { message: errorMessage(problem.code, problem.params) });
}

function fieldLabel(key: keyof Catalog['deviceCli']['fields']): string {
  return t(`deviceCli.fields.${key}`);
}

/** The --json object: the identity as the contract has it, the photo's decoding, and the review findings. */
export function cardJson(read: CardRead, today: string): Record<string, unknown> {
  const { findings } = checkCard(read.identity, today);
  return {
    ...read.identity,
    photo: {
      present: read.identity.photo.present,
      decoded: read.photoImage !== undefined,
      ...(read.photoProblem ? { problem: read.photoProblem.code } : {}),
    },
    findings: findings.map((x) => ({ rule: x.ruleId, severity: x.severity, message: x.message })),
  };
}

type Reader = IdCardReader | VendorSdkReader;

/** The serial reader at --port, or the vendor SDK's at --sdk and --sdk-port. */
async function openReader(values: Options): Promise<Reader> {
  if (values.sdk !== undefined) {
    if (values.port !== undefined) throw new UsageError('--port and --sdk do not go together');
    if (values['photo-decoder'] !== undefined) {
      throw new UsageError('--photo-decoder is for serial readers: the vendor SDK decodes the photo itself');
    }
    const port = positiveNumber(values['sdk-port'], 'sdk-port', Number.NaN);
    if (!Number.isInteger(port))
      throw new UsageError('--sdk-port N is required with --sdk (1001 for USB, 1–16 for COM)');
    const { VendorSdkReader } = await import('./idcard/vendor-sdk.ts');
    return VendorSdkReader.open({ library: values.sdk, port });
  }
  const baudRate = positiveNumber(values.baud, 'baud', DEFAULT_BAUD_RATE);
  const path = portOf(values);
  const library = values['photo-decoder'];
  const photoDecoder = library === undefined ? undefined : loadPhotoDecoder(library);
  return new IdCardReader(await openSerialTransport(path, { baudRate, device: 'idCardReader' }), {
    ...(photoDecoder ? { photoDecoder } : {}),
  });
}

async function list(values: Options, io: Output): Promise<void> {
  const ports = await listPorts();
  if (values.json) {
    io.out(JSON.stringify(ports));
    return;
  }
  if (ports.length === 0) {
    io.out(t('deviceCli.noPorts'));
    return;
  }
  io.out(t('deviceCli.portsHeader'));
  for (const port of ports) {
    const usb = port.vendorId ? `USB ${port.vendorId}:${port.productId ?? '????'}` : '';
    io.out([port.path, usb, port.manufacturer ?? '', port.serialNumber ?? ''].filter(Boolean).join('  '));
  }
}

async function probe(values: Options, io: Output): Promise<void> {
  const reader = await openReader(values);
  try {
    await reader.samStatus();
    if (!(reader instanceof IdCardReader)) {
      const opened = { library: values.sdk ?? '', port: Number(values['sdk-port']) };
      io.out(values.json ? JSON.stringify(opened) : t('deviceCli.sdkOpened', opened));
      return;
    }
    const samId = await reader.samId();
    io.out(values.json ? JSON.stringify({ samId }) : `${t('deviceCli.samId')}：${samId}`);
  } finally {
    await reader.close();
  }
}

async function read(values: Options, io: Output): Promise<void> {
  const seconds = positiveNumber(values.timeout, 'timeout', 30);
  const reader = await openReader(values);
  try {
    await reader.samStatus();
    io.err(t('deviceCli.waiting', { seconds }));
    let outcome: { card: CardRead } | { error: AppError } | undefined;
    const presence = new CardPresence(
      reader,
      (event) => {
        if (event.kind === 'placed') outcome = { card: event.card };
        else if (event.kind === 'unreadable') outcome = { error: event.error };
        if (outcome) presence.stop();
      },
      {
        intervalMs: 200,
        read: { fingerprint: values.fingerprint === true, appendedAddress: values['appended-address'] === true },
      },
    );
    const timer = setTimeout(() => presence.stop(), seconds * 1000);
    try {
      await presence.run();
    } finally {
      clearTimeout(timer);
    }
    if (!outcome) throw new AppError('idcard.noCard', `no card placed within ${seconds} s`);
    if ('error' in outcome) throw outcome.error;
    const today = hallDate();
    const { card } = outcome;
    if (values.json) io.out(JSON.stringify(cardJson(card, today)));
    else for (const line of describeCard(card, today)) io.out(line);
    const photoOut = values['photo-out'];
    if (photoOut !== undefined) {
      if (!card.photoImage)
        throw card.photoProblem ?? new AppError('idcard.photoDecodeFailed', 'the card gave no photo');
      await writeFile(photoOut, card.photoImage.bytes);
      io.err(t('deviceCli.photoWritten', { file: photoOut }));
    }
  } finally {
    await reader.close();
  }
}

async function simulate(values: Options, io: Output): Promise<void> {
  const baudRate = positiveNumber(values.baud, 'baud', DEFAULT_BAUD_RATE);
  const cardNumber = values.card === undefined ? 1 : Number(values.card);
  if (!Number.isInteger(cardNumber) || cardNumber < 0 || cardNumber > DECK.length) {
    throw new UsageError(`--card must be 0 (no card) to ${DECK.length}`);
  }
  const faultName = values.fault;
  if (faultName !== undefined && !Object.prototype.hasOwnProperty.call(FAULTS, faultName)) {
    throw new UsageError(`--fault must be one of ${Object.keys(FAULTS).join(', ')}`);
  }
  const pty = await openPtyPair();
  const emulator = new CardReaderEmulator(await openSerialTransport(pty.paths[0], { baudRate }), {
    baudRate,
    unplug: () => {
      io.err(t('deviceCli.simulatorGone'));
      void pty.close();
    },
  });
  const label = (index: number) =>
    `${t(`idCard.cardTypes.${DECK[index - 1]!.text.cardType}`)} ${DECK[index - 1]!.text.name}`;
  DECK.forEach((card, i) => io.err(`  ${i + 1}  ${label(i + 1)}  (${card.label})`));
  if (cardNumber > 0 && faultName !== 'no-card') {
    emulator.place(cardNumber);
    io.err(t('deviceCli.simulatorPlaced', { index: cardNumber, label: label(cardNumber) }));
  }
  const fault = faultName === undefined ? undefined : FAULTS[faultName];
  if (fault) emulator.inject(fault);
  io.err(t('deviceCli.simulatorStarted', { port: pty.paths[1] }));
  io.err(t('deviceCli.simulatorHelp'));
  io.err(`simulator ready; connect with: npm run device -- idcard read --port ${pty.paths[1]}`);
  // The path alone on stdout, for scripts.
  io.out(pty.paths[1]);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void pty.exited.then(stop);
    if (process.stdin.isTTY || process.env.TONGBAN_SIMULATOR_STDIN === '1') {
      const lines = createInterface({ input: process.stdin });
      lines.on('line', (line) => {
        const command = line.trim();
        if (command === 'q') return stop();
        const index = Number(command);
        if (command === '0') {
          emulator.remove();
          io.err(t('deviceCli.simulatorRemoved'));
        } else if (Number.isInteger(index) && index >= 1 && index <= DECK.length) {
          emulator.place(index);
          io.err(t('deviceCli.simulatorPlaced', { index, label: label(index) }));
        }
      });
      void pty.exited.then(() => lines.close());
    }
  });
  await emulator.close().catch(() => undefined);
  await pty.close();
}

function paperOf(values: Options): PaperWidth {
  if (values.width === undefined) return 80;
  if (values.width !== '58' && values.width !== '80')
    throw new UsageError(`--width must be 58 or 80, not ${values.width}`);
  return Number(values.width) as PaperWidth;
}

/** The printer at --tcp, --serial or --usb (exactly one). */
async function openPrinter(values: Options): Promise<ReceiptPrinter> {
  const given = [values.tcp, values.serial, values.usb].filter((x) => x !== undefined);
  if (given.length !== 1) throw new UsageError('give one of --tcp HOST[:PORT], --serial PATH or --usb PATH');
  let transport: ByteTransport;
  if (values.tcp !== undefined) {
    const match = /^(.+?)(?::(\d+))?$/.exec(values.tcp);
    const port = match?.[2] === undefined ? RAW_PRINT_PORT : Number(match[2]);
    if (!match || port < 1 || port > 65535) throw new UsageError(`--tcp must be HOST or HOST:PORT, not ${values.tcp}`);
    transport = await openTcpTransport(match[1]!, port);
  } else if (values.serial !== undefined) {
    const baudRate = positiveNumber(values.baud, 'baud', DEFAULT_BAUD_RATE);
    transport = await openSerialTransport(values.serial, { baudRate, device: 'receiptPrinter' });
  } else {
    transport = await openDeviceFileTransport(values.usb!);
  }
  return new ReceiptPrinter(transport);
}

const STATE_FLAGS = [
  'paperOut',
  'paperNearEnd',
  'coverOpen',
  'offline',
  'cutterError',
  'unrecoverable',
  'recoverable',
] as const;

function describeStatus(status: PrinterStatus): string {
  const flags = STATE_FLAGS.filter((flag) => status[flag]);
  const words =
    flags.length === 0
      ? t('deviceCli.printer.ready')
      : flags.map((flag) => t(`deviceCli.printer.states.${flag}`)).join('、');
  return `${t('deviceCli.printer.status')}：${words}`;
}

function statusJson(status: PrinterStatus): Record<string, unknown> {
  const { raw, ...flags } = status;
  return {
    ready: stopReason(status) === undefined,
    ...flags,
    raw: raw.map((b) => b.toString(16).padStart(2, '0')).join(' '),
  };
}

/** DLE EOT alone: exit 0 when the printer can print, 1 (with what to do) when it cannot. */
async function printerStatus(values: Options, io: Output): Promise<number> {
  const printer = await openPrinter(values);
  try {
    const status = await printer.status();
    if (values.json) io.out(JSON.stringify(statusJson(status)));
    else io.out(describeStatus(status));
    const reason = stopReason(status);
    if (reason === undefined) return 0;
    const error = stoppedError(reason, status);
    io.err(`${t('deviceCli.failed')}：${errorMessage(error.code, error.params)}`);
    return 1;
  } finally {
    await printer.close();
  }
}

async function printerTest(values: Options, io: Output): Promise<void> {
  const paper = paperOf(values);
  const printer = await openPrinter(values);
  try {
    io.err(t('deviceCli.printer.printing', { width: paper, columns: COLUMNS[paper], half: COLUMNS[paper] / 2 }));
    const outcome = await printer.print(
      testPage({ paper, ...(values.text !== undefined ? { text: values.text } : {}) }),
    );
    if (values.json) {
      io.out(
        JSON.stringify({
          printed: true,
          bytes: outcome.bytes,
          before: statusJson(outcome.before),
          after: statusJson(outcome.after),
        }),
      );
      return;
    }
    io.out(t('deviceCli.printer.printed'));
    io.out(describeStatus(outcome.after));
  } finally {
    await printer.close();
  }
}

const SIMULATED_STATES: Readonly<Record<string, Partial<PrinterState>>> = {
  ready: { paperOut: false, paperNearEnd: false, coverOpen: false, offline: false, cutterError: false },
  'paper-out': { paperOut: true, paperNearEnd: true },
  'cover-open': { coverOpen: true },
  'near-end': { paperNearEnd: true },
  offline: { offline: true },
};

async function printerSimulate(values: Options, io: Output): Promise<void> {
  const paper = paperOf(values);
  const stateName = values.state ?? 'ready';
  const state = SIMULATED_STATES[stateName];
  if (!Object.prototype.hasOwnProperty.call(SIMULATED_STATES, stateName) || !state) {
    throw new UsageError(`--state must be one of ${Object.keys(SIMULATED_STATES).join(', ')}`);
  }
  const simulator = new PrinterSimulator({ paper, state });
  const wantTcp = values.tcp !== undefined || !values.pty;
  let tcpPort: number | undefined;
  if (wantTcp) {
    tcpPort = values.tcp === undefined ? RAW_PRINT_PORT : Number(values.tcp);
    if (!Number.isInteger(tcpPort) || tcpPort < 0 || tcpPort > 65535)
      throw new UsageError(`--tcp must be a port, not ${values.tcp}`);
  }
  const exited: Array<Promise<void>> = [];
  try {
    if (tcpPort !== undefined) {
      const { port } = await simulator.listenTcp(tcpPort);
      io.err(t('deviceCli.printer.simulatorTcp', { port }));
      io.out(`127.0.0.1:${port}`);
    }
    if (values.pty) {
      const { path, pty } = await simulator.listenPty();
      exited.push(pty.exited);
      io.err(t('deviceCli.printer.simulatorPty', { port: path }));
      io.out(path);
    }
    io.err(t('deviceCli.printer.simulatorState', { state: stateName }));
    io.err(t('deviceCli.printer.simulatorHelp'));
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      for (const gone of exited) void gone.then(stop);
      if (process.stdin.isTTY || process.env.TONGBAN_SIMULATOR_STDIN === '1') {
        const lines = createInterface({ input: process.stdin });
        lines.on('line', (line) => {
          const command = line.trim();
          if (command === 'q') {
            lines.close();
            return stop();
          }
          const next = SIMULATED_STATES[command];
          if (next && Object.prototype.hasOwnProperty.call(SIMULATED_STATES, command)) {
            simulator.setState(command === 'ready' ? next : { ...SIMULATED_STATES.ready, ...next });
            io.err(t('deviceCli.printer.simulatorState', { state: command }));
          }
        });
      }
    });
  } finally {
    await simulator.close();
  }
  io.err(
    t('deviceCli.printer.simulatorPrinted', {
      bytes: simulator.received().length,
      lines: simulator.printed.filter((e) => e.kind === 'line').length,
    }),
  );
  if (values.out !== undefined) {
    await writeFile(`${values.out}.txt`, `${simulator.text()}\n`);
    await writeFile(`${values.out}.png`, simulator.png());
    await writeFile(`${values.out}.bin`, simulator.received());
    io.err(
      t('deviceCli.printer.simulatorWritten', {
        files: ['txt', 'png', 'bin'].map((x) => `${values.out}.${x}`).join(', '),
      }),
    );
  }
}

const ROTATIONS: readonly Rotation[] = [0, 90, 180, 270];

/**
 * A still from the document camera (or any photo of a page) straightened: the page's corners
 * found, the page rectified into OUT.png, its sharpness and glare judged, its barcodes and QR
 * codes read (on the page in colour, as the capture screen reads them). No page: exit 1
 * with doccam.noPage. A blurred or glaring page is still written (exit 0), with the warning;
 * a barcode reader that cannot start is said, and the page is written all the same.
 */
async function doccamRectify(values: Options, files: readonly string[], io: Output): Promise<void> {
  const [input, output, ...extra] = files;
  if (input === undefined || output === undefined || extra.length > 0) {
    throw new UsageError('doccam rectify needs IN.(jpg|png) and OUT.png');
  }
  if (!/\.png$/i.test(output)) throw new UsageError(`OUT must be a .png file, not ${output}`);
  const mode = (values.mode ?? 'colour') as ColourMode;
  if (!COLOUR_MODES.includes(mode))
    throw new UsageError(`--mode must be one of ${COLOUR_MODES.join(', ')}, not ${values.mode}`);
  const rotate = Number(values.rotate ?? 0) as Rotation;
  if (!ROTATIONS.includes(rotate))
    throw new UsageError(`--rotate must be one of ${ROTATIONS.join(', ')}, not ${values.rotate}`);

  const image = await readImageFile(input);
  const cv = await loadOpenCv();
  const found = detectDocument(cv, image);
  if (!found) throw new AppError('doccam.noPage', `no page found in ${input} (${image.width}×${image.height})`);
  const colour = rectify(cv, image, found.corners, { rotate });
  const quality = assessQuality(cv, colour);
  const page = mode === 'colour' ? colour : rectify(cv, image, found.corners, { mode, rotate });
  await writePngFile(output, page);
  let codes: PageCode[] | null = null;
  let codesFailure = '';
  try {
    codes = await (await loadCodeReaderFromPackage()).read(colour);
  } catch (error) {
    codesFailure = error instanceof Error ? error.message : String(error);
  }

  const round = (x: number) => Math.round(x * 10) / 10;
  if (values.json) {
    io.out(
      JSON.stringify({
        input: { file: input, width: image.width, height: image.height },
        corners: found.corners.map((p) => ({ x: round(p.x), y: round(p.y) })),
        areaShare: Math.round(found.areaShare * 1000) / 1000,
        confidence: Math.round(found.confidence * 1000) / 1000,
        output: { file: output, width: page.width, height: page.height, mode, rotate },
        quality: {
          verdict: quality.verdict,
          sharpness: Math.round(quality.sharpness * 1000) / 1000,
          glare: Math.round(quality.glare * 10000) / 10000,
        },
        codes: codes?.map((code) => ({ ...code, emsWaybill: isEmsWaybill(code) })) ?? null,
      }),
    );
    if (!codes) io.err(`${t('deviceCli.doccam.codesUnavailable')}\nerror: ${codesFailure}`);
    return;
  }
  const corners = found.corners.map((p) => `(${round(p.x)}, ${round(p.y)})`).join(' ');
  io.out(`${t('deviceCli.doccam.corners')}：${corners}`);
  io.out(
    t('deviceCli.doccam.areaShare', {
      percent: (found.areaShare * 100).toFixed(1),
      confidence: Math.round(found.confidence * 100),
    }),
  );
  io.out(`${t('deviceCli.doccam.quality')}：${t(`deviceCli.doccam.verdicts.${quality.verdict}`)}`);
  io.out(
    t('deviceCli.doccam.output', {
      file: output,
      width: page.width,
      height: page.height,
      mode: t(`deviceCli.doccam.modes.${mode}`),
    }),
  );
  if (!codes) io.err(`${t('deviceCli.doccam.codesUnavailable')}\nerror: ${codesFailure}`);
  else if (codes.length === 0) io.out(t('deviceCli.doccam.noCodes'));
  else {
    io.out(t('deviceCli.doccam.codes', { count: codes.length }));
    for (const code of codes) io.out(`  ${codeName(code)}：${code.text}`);
  }
}

/** A similarity level from the command line: a number from 0 to 1. */
function level(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`--${name} must be a number from 0 to 1, not ${text}`);
  }
  return value;
}

/**
 * The face matcher the counter runs (人证比对), on two files: CARD is taken as the card's
 * photo (its largest face), FRAME as the camera's frame (exactly one face). Prints the
 * similarity, liveness and outcome: exit 0 for any comparison made, whatever its outcome;
 * exit 1 for a file that is no image, a picture with no face, a frame with several.
 */
async function faceCompare(values: Options, files: readonly string[], io: Output): Promise<void> {
  const [cardFile, frameFile, ...extra] = files;
  if (cardFile === undefined || frameFile === undefined || extra.length > 0) {
    throw new UsageError('face compare needs CARD.(jpg|png) and FRAME.(jpg|png)');
  }
  const pass = level(values.pass, 'pass', DEFAULT_FACE_THRESHOLDS.pass);
  const uncertain = level(values.uncertain, 'uncertain', Math.min(pass, DEFAULT_FACE_THRESHOLDS.uncertain));
  const thresholds = FaceThresholds.safeParse({ ...DEFAULT_FACE_THRESHOLDS, pass, uncertain });
  if (!thresholds.success) throw new UsageError(`--uncertain (${uncertain}) must not be above --pass (${pass})`);

  const card = await readImageFile(cardFile);
  const frame = await readImageFile(frameFile);
  const started = performance.now();
  const matcher = await loadNodeFaceMatcher();
  const loaded = performance.now();
  const reference = await matcher.reference(card);
  if (!reference) throw new AppError('face.noFace', `no face in ${cardFile}`, { file: cardFile });
  const comparison = await matcher.compare(reference, frame, thresholds.data);
  const compared = performance.now();
  if (comparison.problem === 'noFace')
    throw new AppError('face.noFace', `no face in ${frameFile}`, { file: frameFile });
  if (comparison.problem === 'multipleFaces') {
    throw new AppError('face.multipleFaces', `${comparison.faces} faces in ${frameFile}`, {
      file: frameFile,
      count: comparison.faces,
    });
  }
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
  if (values.json) {
    io.out(
      JSON.stringify({
        card: cardFile,
        frame: frameFile,
        similarity: round(comparison.similarity),
        live: round(comparison.live),
        real: round(comparison.real),
        outcome: comparison.outcome,
        problem: comparison.problem,
        thresholds: thresholds.data,
        ms: { load: Math.round(loaded - started), compare: Math.round(compared - loaded) },
      }),
    );
    return;
  }
  const percent = (x: number | null) => `${Math.round((x ?? 0) * 100)}%`;
  io.out(
    t('deviceCli.face.similarity', {
      similarity: percent(comparison.similarity),
      pass: percent(thresholds.data.pass),
      uncertain: percent(thresholds.data.uncertain),
    }),
  );
  io.out(t('deviceCli.face.liveness', { live: percent(comparison.live), real: percent(comparison.real) }));
  const outcome = t(`face.outcomes.${comparison.outcome ?? 'fail'}`);
  io.out(`${t('deviceCli.face.outcome')}：${outcome}`);
  if (comparison.problem === 'notLive') io.out(t('face.problems.notLive'));
}

/** Runs one command line; answers the exit code. */
export async function runDeviceCli(argv: readonly string[], io: Output = consoleOutput): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    const [device, action] = positionals;
    if (values.help || device === 'help' || device === undefined) {
      io.out(USAGE);
      return device === undefined && !values.help ? 2 : 0;
    }
    if (device === 'list') await list(values, io);
    else if (device === 'idcard' && action === 'probe') await probe(values, io);
    else if (device === 'idcard' && action === 'read') await read(values, io);
    else if (device === 'idcard' && action === 'simulate') await simulate(values, io);
    else if (device === 'printer' && action === 'status') return await printerStatus(values, io);
    else if (device === 'printer' && action === 'test') await printerTest(values, io);
    else if (device === 'printer' && action === 'simulate') await printerSimulate(values, io);
    else if (device === 'doccam' && action === 'rectify') await doccamRectify(values, positionals.slice(2), io);
    else if (device === 'face' && action === 'compare') await faceCompare(values, positionals.slice(2), io);
    else throw new UsageError(`unknown command: ${positionals.join(' ')}`);
    return 0;
  } catch (error) {
    return reportFailure(error, io, { usage: t('deviceCli.usage'), failed: t('deviceCli.failed'), usageLines: USAGE });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runDeviceCli(process.argv.slice(2));
}
