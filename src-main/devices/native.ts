// The native addon (native/, tongban_native.node) and the vendor libraries it opens: a
// licensed photo decoder, a card reader's SDK. The addon is optional: built by node-gyp
// at `npm install` when a compiler is there, looked for beside the app on first use, and
// its absence is an AppError (device.addonMissing), never a crash.
//
// Invariants (tests/main/devices/native.test.ts):
// - a vendor library's calls run one at a time, in order (the SDKs are not thread-safe),
//   each off the JavaScript thread;
// - a call that does not return within its timeout fails with device.timeout; later calls
//   into that library fail at once with device.timeout until it returns — they are not
//   queued behind it, and no second thread is sent into a library that hangs;
// - a library that cannot be loaded, or lacks an entry point, is an AppError that names it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../common/errors.ts';

/** An opened library, as the addon hands it back (opaque). */
export type LibraryHandle = { readonly __brand: 'LibraryHandle' };

/** native/src/tongban_native.cc, as JavaScript sees it. */
export interface NativeAddon {
  open(path: string): LibraryHandle;
  hasSymbol(library: LibraryHandle, name: string): boolean;
  /** `int f(int…)`, 0 to 3 ints. */
  callInt(library: LibraryHandle, name: string, ints: number[]): Promise<number>;
  /** `int f(unsigned char *buf, int *len)`; `*len` starts at capacity. */
  callOut(
    library: LibraryHandle,
    name: string,
    capacity: number,
  ): Promise<{ result: number; length: number; bytes: Uint8Array }>;
  /** `int f(char *in, char *out, int flag)`. */
  callInOut(
    library: LibraryHandle,
    name: string,
    input: Uint8Array,
    capacity: number,
    flag: number,
  ): Promise<{ result: number; bytes: Uint8Array }>;
}

export const ADDON_FILE = join('native', 'build', 'Release', 'tongban_native.node');

/**
 * Where the addon may be: native/build/Release under the nearest folder up from this file
 * that has it — the checkout from src-main/devices (tsx, tests) and from
 * dist/src-main/devices (built), the packaged app's resources/app.asar (whose *.node files
 * electron-builder unpacks to app.asar.unpacked).
 */
export function addonCandidates(from: string = dirname(fileURLToPath(import.meta.url))): string[] {
  const candidates: string[] = [];
  let dir = resolve(from);
  for (;;) {
    candidates.push(join(dir, ADDON_FILE));
    if (/\.asar$/.test(dir)) candidates.push(join(`${dir}.unpacked`, ADDON_FILE));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return candidates;
}

/** Loads the addon from the first candidate that is there; device.addonMissing otherwise. */
export function loadAddonFrom(candidates: readonly string[], device = 'idCardReader'): NativeAddon {
  const require = createRequire(import.meta.url);
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new AppError('device.addonMissing', `${ADDON_FILE} was not built (npm run build:native)`, { device });
  }
  try {
    return require(found) as NativeAddon;
  } catch (error) {
    throw new AppError('device.addonMissing', `${found} does not load: ${(error as Error).message}`, { device });
  }
}

let loaded: { addon: NativeAddon } | { error: AppError } | undefined;

/** The addon beside the app, loaded once; the same AppError every time when it is not there. */
export function nativeAddon(): NativeAddon {
  if (loaded === undefined) {
    try {
      loaded = { addon: loadAddonFrom(addonCandidates()) };
    } catch (error) {
      loaded = { error: error as AppError };
    }
  }
  if ('error' in loaded) throw loaded.error;
  return loaded.addon;
}

export interface OpenLibraryOptions {
  /** Who the library drives, for the messages (errorParams.device): `idCardReader`. */
  device: string;
  /** The addon (tests hand their own); by default the one beside the app. */
  addon?: () => NativeAddon;
}

/** Calls into one library: one at a time, in order. Shared by every VendorLibrary of the same file. */
interface LibraryLine {
  tail: Promise<unknown>;
  /** A call that outlived its timeout and has not returned yet. */
  stuck: { symbol: string; since: number } | undefined;
}

const lines = new Map<string, LibraryLine>();

function isCoded(error: unknown, code: string): error is Error {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}

/** A vendor's shared library, opened through the addon (and never closed: see the addon). */
export class VendorLibrary {
  private readonly line: LibraryLine;

  private constructor(
    private readonly addon: NativeAddon,
    private readonly handle: LibraryHandle,
    readonly path: string,
    private readonly device: string,
  ) {
    const key = resolve(path);
    let line = lines.get(key);
    if (!line) {
      line = { tail: Promise.resolve(), stuck: undefined };
      lines.set(key, line);
    }
    this.line = line;
  }

  /** Opens the library: device.addonMissing, device.libraryLoadFailed. */
  static open(path: string, options: OpenLibraryOptions): VendorLibrary {
    const addon = (options.addon ?? nativeAddon)();
    let handle: LibraryHandle;
    try {
      handle = addon.open(path);
    } catch (error) {
      throw new AppError('device.libraryLoadFailed', (error as Error).message, {
        device: options.device,
        library: path,
      });
    }
    return new VendorLibrary(addon, handle, path, options.device);
  }

  has(symbol: string): boolean {
    return this.addon.hasSymbol(this.handle, symbol);
  }

  /** device.librarySymbolMissing for the first of these the library lacks. */
  requireSymbols(symbols: readonly string[]): void {
    const missing = symbols.find((symbol) => !this.has(symbol));
    if (missing !== undefined) {
      throw new AppError('device.librarySymbolMissing', `${this.path}: no entry point ${missing}`, {
        device: this.device,
        library: this.path,
        symbol: missing,
      });
    }
  }

  callInt(symbol: string, ints: number[], timeoutMs: number): Promise<number> {
    return this.call(symbol, timeoutMs, () => this.addon.callInt(this.handle, symbol, ints));
  }

  callOut(symbol: string, capacity: number, timeoutMs: number) {
    return this.call(symbol, timeoutMs, () => this.addon.callOut(this.handle, symbol, capacity));
  }

  callInOut(symbol: string, input: Uint8Array, capacity: number, flag: number, timeoutMs: number) {
    return this.call(symbol, timeoutMs, () => this.addon.callInOut(this.handle, symbol, input, capacity, flag));
  }

  private call<T>(symbol: string, timeoutMs: number, start: () => Promise<T>): Promise<T> {
    const line = this.line;
    const run = async (): Promise<T> => {
      if (line.stuck) {
        const seconds = Math.round((performance.now() - line.stuck.since) / 1000);
        throw new AppError(
          'device.timeout',
          `${symbol}: not called, ${line.stuck.symbol} in ${this.path} has not returned for ${seconds} s`,
          { device: this.device },
        );
      }
      let native: Promise<T>;
      try {
        native = start();
      } catch (error) {
        if (isCoded(error, 'ESYMBOL')) {
          throw new AppError('device.librarySymbolMissing', error.message, {
            device: this.device,
            library: this.path,
            symbol,
          });
        }
        throw error;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const stuck = { symbol, since: performance.now() };
          line.stuck = stuck;
          const release = () => {
            if (line.stuck === stuck) line.stuck = undefined;
          };
          native.then(release, release);
          reject(
            new AppError('device.timeout', `${symbol} in ${this.path} did not return in ${timeoutMs} ms`, {
              device: this.device,
            }),
          );
        }, timeoutMs);
      });
      try {
        return await Promise.race([native, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    };
    const result = line.tail.then(run, run);
    line.tail = result.catch(() => undefined);
    return result;
  }
}
