// The native addon and the stand-in vendor libraries the device tests load through it:
// the addon as `npm install` built it (built here with node-gyp when it is missing), and
// C libraries with the vendors' entry points compiled with gcc into a temp dir per test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { LONG_TERM } from '../../../../src-main/common/id-card.ts';
import { addonCandidates } from '../../../../src-main/devices/native.ts';
import type { CardText } from '../../../../src-main/devices/idcard/text-block.ts';
import { tempDir } from '../../helpers.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..', '..');

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The addon is there, or built now (once, however many test files ask at the same time). */
export function ensureAddon(): void {
  const built = () => addonCandidates().some((path) => existsSync(path));
  if (built()) return;
  const lock = join(ROOT, 'native', '.build-lock');
  try {
    mkdirSync(lock);
  } catch {
    // Another test file builds it: wait for that build.
    for (let waited = 0; existsSync(lock) && waited < 600_000; waited += 200) sleep(200);
    if (built()) return;
    throw new Error('the native addon was being built by another test file, and is not there');
  }
  try {
    execFileSync(process.execPath, [join(ROOT, 'native', 'build.mjs'), '--required'], {
      stdio: 'inherit',
      timeout: 600_000,
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A stand-in library compiled from tests/main/devices/native/<source>.c into a fresh temp dir. */
export function compileLibrary(source: 'fake-wlt' | 'fake-termb', defines: string[] = [], dir = tempDir()): string {
  const out = join(dir, `lib${source}.so`);
  execFileSync('gcc', [
    '-shared',
    '-fPIC',
    '-O1',
    ...defines.map((d) => `-D${d}`),
    '-o',
    out,
    join(HERE, `${source}.c`),
  ]);
  return out;
}

/** What fake-wlt.c's unpack gives for these bytes: BGR, top row first. */
export function expectedBgr(wlt: Uint8Array, flag = 0): Uint8Array {
  const out = new Uint8Array(102 * 126 * 3);
  for (let y = 0; y < 126; y++) {
    for (let x = 0; x < 102; x++) {
      const at = (y * 102 + x) * 3;
      out[at] = (wlt[(x + y) % 1024]! + x) & 0xff;
      out[at + 1] = (wlt[(x * y) % 1024]! + y) & 0xff;
      out[at + 2] = (flag + x + y) & 0xff;
    }
  }
  return out;
}

const gbk = (text: string) => iconv.encode(text, 'gb18030');
const compact = (date: string) => date.replaceAll('-', '');

/** A resident card's fields as a termb SDK hands them out: words for sex and nation, GBK text. */
export function termbFields(card: CardText): Record<string, Buffer> {
  const sex = { male: '男', female: '女', unknown: '未知', unspecified: '未说明' }[card.sex];
  return {
    GetPeopleName: gbk(card.name),
    GetPeopleSex: gbk(sex),
    GetPeopleNation: gbk(card.nation?.name ?? ''),
    GetPeopleBirthday: gbk(compact(card.birthDate)),
    GetPeopleAddress: gbk(card.address ?? ''),
    GetPeopleIDCode: gbk(card.idNumber),
    GetDepartment: gbk(card.authority ?? ''),
    GetStartDate: gbk(compact(card.validFrom)),
    GetEndDate: gbk(card.validTo === LONG_TERM ? '长期' : compact(card.validTo)),
    GetCertType: gbk(' '),
  };
}

export interface TermbState {
  init?: number;
  auth?: number;
  read?: number;
  /** Milliseconds a call sleeps before it returns, by function name. */
  hang?: Record<string, number>;
  /** The getters' bytes (termbFields), on top of which single getters may be replaced. */
  fields?: Record<string, Buffer | undefined>;
  bmpFile?: string;
}

/** fake-termb.c compiled with its own control file, and the state the test sets. */
export class FakeTermb {
  readonly dir = tempDir();
  readonly control = join(this.dir, 'control');
  readonly library: string;

  constructor(state: TermbState = {}) {
    this.library = compileLibrary('fake-termb', [`CONTROL="${this.control}"`], this.dir);
    this.set(state);
  }

  set(state: TermbState): void {
    const lines: Buffer[] = [];
    const line = (key: string, value: Buffer | string) =>
      lines.push(Buffer.concat([Buffer.from(`${key}=`), Buffer.from(value), Buffer.from('\n')]));
    if (state.init !== undefined) line('init', String(state.init));
    if (state.auth !== undefined) line('auth', String(state.auth));
    if (state.read !== undefined) line('read', String(state.read));
    for (const [name, ms] of Object.entries(state.hang ?? {})) line(`hang.${name}`, String(ms));
    for (const [name, bytes] of Object.entries(state.fields ?? {})) if (bytes) line(name, bytes);
    if (state.bmpFile !== undefined) line('bmpFile', state.bmpFile);
    writeFileSync(this.control, Buffer.concat(lines));
  }

  /** A card on the reader: found, selected, readable. */
  place(card: CardText, more: TermbState = {}): void {
    this.set({ auth: 1, ...more, fields: { ...termbFields(card), ...more.fields } });
  }

  remove(): void {
    this.set({ auth: 2 });
  }

  /** The calls made so far, "FUNC ARG" each. */
  calls(): string[] {
    return existsSync(`${this.control}.log`)
      ? readFileSync(`${this.control}.log`, 'utf8').split('\n').filter(Boolean)
      : [];
  }
}
