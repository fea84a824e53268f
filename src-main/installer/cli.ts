// `tongban …`: the installer's commands without the UI (bin/tongban.mjs runs this file).
// Prints in Chinese for the installer, with the English detail indented beneath; exits
// 0 when all is well, 1 when a check or the command failed, 2 for a command line that is
// not understood.
//
//   tongban doctor [--data-dir DIR] [--key-file FILE] [--json]
//   tongban config export [--data-dir DIR] [--out FILE]
//   tongban config import FILE --window-id W02 --window-name "跨省通办专窗 2 号" [--data-dir DIR] [--force]
//
// With --json, stdout carries one JSON object (the CheckReport); everything else goes to stderr.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CheckLine, CheckReport } from '../common/doctor.ts';
import { AppError } from '../common/errors.ts';
import { CONFIG_FILE } from '../common/hall-config.ts';
import { t } from '../common/i18n/index.ts';
import { loadConfig } from '../core/config.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import type { KeyProvider } from '../core/platform.ts';
import { KeyFileProvider } from '../host/key-file.ts';
import { fsyncDirSync, writeFileDurably } from '../store/fs-sync.ts';
import { type DoctorOptions, runDoctor } from './doctor.ts';
import { exportRollout, importRollout } from './rollout.ts';
import { consoleOutput, type Output, reportFailure, UsageError } from '../devices/cli-support.ts';

const USAGE = `usage:
  tongban doctor [--data-dir DIR] [--key-file FILE] [--json]
  tongban config export [--data-dir DIR] [--out FILE]
  tongban config import FILE --window-id ID --window-name NAME [--data-dir DIR] [--force]`;

/** What the host running the CLI decides: the packaged app passes its data directory and key keeper. */
export interface CliHost {
  dataDir?: string;
  keys?: (dataDir: string) => KeyProvider;
  /** Passed through to runDoctor (tests set thresholds and time boxes). */
  doctor?: Partial<Omit<DoctorOptions, 'dataDir' | 'keys'>>;
  now?: () => number;
}

const options = {
  'data-dir': { type: 'string' },
  'key-file': { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  'window-id': { type: 'string' },
  'window-name': { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

const MARKS: Record<CheckLine['state'], string> = { ok: '✔', warn: '⚠', fail: '✘', skipped: '–' };

/** The report for a terminal: one line per check, its detail indented, then the count. */
export function describeReport(report: CheckReport): string[] {
  const lines: string[] = [];
  for (const line of report.lines) {
    lines.push(`${MARKS[line.state]} ${line.label}：${line.message}`);
    if (line.detail) lines.push(`    ${line.detail}`);
  }
  const count = (state: CheckLine['state']) => report.lines.filter((line) => line.state === state).length;
  lines.push(
    '',
    t('doctor.cli.summary', {
      total: report.lines.length,
      ok: count('ok'),
      warn: count('warn'),
      fail: count('fail'),
      skipped: count('skipped'),
    }),
    t(report.ok ? 'doctor.cli.allWell' : 'doctor.cli.notWell'),
  );
  return lines;
}

function dataDirOf(values: Options, host: CliHost): string {
  return resolve(values['data-dir'] ?? host.dataDir ?? defaultDataDir());
}

async function doctor(values: Options, io: Output, host: CliHost): Promise<number> {
  const dataDir = dataDirOf(values, host);
  const keyFile = values['key-file'];
  const keys =
    keyFile !== undefined
      ? KeyFileProvider.at(keyFile)
      : (host.keys?.(dataDir) ?? new KeyFileProvider(join(dataDir, 'keys')));
  const report = await runDoctor({ ...host.doctor, dataDir, keys, ...(host.now ? { now: host.now } : {}) });
  if (values.json) io.out(JSON.stringify(report));
  else for (const line of describeReport(report)) io.out(line);
  return report.ok ? 0 : 1;
}

function configExport(values: Options, io: Output, host: CliHost): void {
  const text = exportRollout(loadConfig(dataDirOf(values, host)), (host.now ?? Date.now)());
  if (values.out === undefined) {
    io.out(text.trimEnd());
    return;
  }
  writeFileAtomic(resolve(values.out), text, { force: true });
  io.err(t('doctor.cli.exported', { file: resolve(values.out) }));
}

function configImport(values: Options, files: readonly string[], io: Output, host: CliHost): number {
  const [file, ...extra] = files;
  if (file === undefined || extra.length > 0) throw new UsageError('config import needs one FILE');
  const windowId = values['window-id'];
  const windowName = values['window-name'];
  if (windowId === undefined || windowName === undefined) {
    throw new UsageError('config import needs --window-id ID and --window-name NAME');
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    io.err(`${t('doctor.cli.failed')}：${t('doctor.cli.unreadableFile', { file })}`);
    io.err(`error: ${(error as Error).message}`);
    return 1;
  }
  // Validated in full before anything is written.
  let config;
  try {
    config = importRollout(text, { id: windowId, name: windowName });
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'config.invalid')) throw error;
    io.err(`${t('doctor.cli.failed')}：${t('doctor.cli.importInvalid')}`);
    io.err(`error: ${error.code}: ${error.detail}`);
    return 1;
  }
  const target = join(dataDirOf(values, host), CONFIG_FILE);
  if (!writeFileAtomic(target, `${JSON.stringify(config, null, 2)}\n`, { force: values.force === true })) {
    io.err(`${t('doctor.cli.failed')}：${t('doctor.cli.exists', { file: target })}`);
    return 1;
  }
  io.out(t('doctor.cli.imported', { file: target, windowId, windowName }));
  io.out(t('doctor.cli.enrolmentTodo'));
  return 0;
}

/**
 * Writes a file whole or not at all: a temp file (owner-only), fsync, rename, fsync of the
 * directory. Answers false, writing nothing, when the file exists and `force` is not set.
 */
function writeFileAtomic(file: string, text: string, options: { force: boolean }): boolean {
  if (!options.force && existsSync(file)) return false;
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileDurably(temp, text, 'w');
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirSync(dir);
  return true;
}

/** Runs one command line; answers the exit code. */
export async function runTongbanCli(
  argv: readonly string[],
  io: Output = consoleOutput,
  host: CliHost = {},
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    const [command, action] = positionals;
    if (values.help || command === 'help' || command === undefined) {
      io.out(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    if (command === 'doctor' && action === undefined) return await doctor(values, io, host);
    if (command === 'config' && action === 'export') {
      configExport(values, io, host);
      return 0;
    }
    if (command === 'config' && action === 'import') return configImport(values, positionals.slice(2), io, host);
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  } catch (error) {
    return reportFailure(error, io, {
      usage: t('doctor.cli.usage'),
      failed: t('doctor.cli.failed'),
      usageLines: USAGE,
    });
  }
}
