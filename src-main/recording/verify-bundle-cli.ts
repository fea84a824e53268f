// `npm run verify-bundle -- FILE [--json] [--expect-key FINGERPRINT]`: checks an evidence
// bundle offline, with nothing but this checkout — no database, no key of the hall.
// Exit codes: 0 intact; 1 altered or incomplete; 2 not a readable bundle; 64 wrong usage.
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { BundleVerdict } from '../common/evidence-bundle.ts';
import { verdictLines } from './verdict-text.ts';
import { verifyBundle } from './verify-bundle.ts';
import type { RandomAccess } from './zip-reader.ts';

export const EXIT_INTACT = 0;
export const EXIT_TAMPERED = 1;
export const EXIT_UNREADABLE = 2;
export const EXIT_USAGE = 64;

const USAGE = `usage: npm run verify-bundle -- FILE [--json] [--expect-key SHA256-FINGERPRINT]
用法：npm run verify-bundle -- 文件 [--json] [--expect-key 公钥指纹]`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, 'expect-key': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_INTACT;
  }
  const expectKey = values['expect-key'];
  if (positionals.length !== 1 || (expectKey !== undefined && !/^[0-9a-fA-F]{64}$/.test(expectKey))) {
    process.stderr.write(`${USAGE}\n`);
    return EXIT_USAGE;
  }
  const file = positionals[0]!;
  let verdict: BundleVerdict;
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    verdict = {
      status: 'unreadable',
      findings: [{ code: 'bundle.unreadable', severity: 'unreadable', params: { reason: (error as Error).message } }],
      session: null,
    };
  }
  if (handle) {
    try {
      const size = (await handle.stat()).size;
      const fileHandle = handle;
      const source: RandomAccess = {
        size,
        async read(position, length) {
          const buffer = Buffer.alloc(length);
          let got = 0;
          while (got < length) {
            const { bytesRead } = await fileHandle.read(buffer, got, length - got, position + got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          return buffer.subarray(0, got);
        },
      };
      verdict = await verifyBundle(source, expectKey ? { expectFingerprint: expectKey } : {});
    } finally {
      await handle.close();
    }
  }
  verdict ??= { status: 'unreadable', findings: [], session: null };
  if (values.json) process.stdout.write(`${JSON.stringify({ file, ...verdict }, null, 2)}\n`);
  else process.stdout.write(`${[...verdictLines(verdict, 'zh'), '', ...verdictLines(verdict, 'en')].join('\n')}\n`);
  return verdict.status === 'intact' ? EXIT_INTACT : verdict.status === 'tampered' ? EXIT_TAMPERED : EXIT_UNREADABLE;
}

process.exitCode = await main(process.argv.slice(2));
