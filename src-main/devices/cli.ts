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
//
// With --json, stdout carries one JSON object (use `npm run -s device …` to keep npm's own
// lines out of it); prompts and messages go to stderr.
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { AppError } from '../common/errors.ts';
import { hallDate } from '../common/hall-time.ts';
import { type CardIdentity, LONG_TERM } from '../common/id-card.ts';
import { errorMessage, t } from '../common/i18n/index.ts';
import type { Catalog } from '../common/i18n/zh-CN.ts';
import { checkCard } from '../common/review/card-checks.ts';
import { DECK } from './idcard/deck.ts';
import { type CardRead, IdCardReader } from './idcard/driver.ts';
import { loadPhotoDecoder } from './idcard/photo.ts';
import { CardPresence } from './idcard/presence.ts';
import { CardReaderEmulator, type Fault } from './idcard/simulator.ts';
import type { VendorSdkReader } from './idcard/vendor-sdk.ts';
import { openPtyPair } from './pty-pair.ts';
import { DEFAULT_BAUD_RATE, listPorts, openSerialTransport } from './serial-transport.ts';

const USAGE = `usage:
  npm run device -- list [--json]
  npm run device -- idcard probe (--port PATH [--baud N] | --sdk LIB --sdk-port N)
  npm run device -- idcard read (--port PATH [--baud N] | --sdk LIB --sdk-port N) [--json] [--timeout S]
                                [--fingerprint] [--appended-address] [--photo-decoder LIB] [--photo-out FILE.bmp]
  npm run device -- idcard simulate [--card N] [--fault F] [--baud N]
faults: ${['no-card', 'checksum', 'torn', 'slow', 'silent', 'garbage', 'stale', 'unplug', 'sam-failure'].join(', ')}`;

/** A command line that is not understood: exit 2. */
class UsageError extends Error {}

/** Where the CLI writes; the tests and the wizard can hand their own. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

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
    if (!Number.isInteger(port)) throw new UsageError('--sdk-port N is required with --sdk (1001 for USB, 1–16 for COM)');
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
      if (!card.photoImage) throw card.photoProblem ?? new AppError('idcard.photoDecodeFailed', 'the card gave no photo');
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
    else throw new UsageError(`unknown command: ${positionals.join(' ')}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(t('deviceCli.usage'));
      io.err(`error: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError) {
      io.err(`${t('deviceCli.failed')}：${errorMessage(error.code, error.params)}`);
      io.err(`error: ${error.code}: ${error.detail}`);
      return 1;
    }
    io.err(`${t('deviceCli.failed')}：${errorMessage('internal')}`);
    io.err(`error: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runDeviceCli(process.argv.slice(2));
}
