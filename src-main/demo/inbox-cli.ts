// The inbox's command line on the demo profile's embedded inbox. That inbox is encrypted
// with a key the app derives from its master key, so dept-inbox/src/cli.ts alone cannot
// open it: this wrapper reads the master key from the browser host's key file, derives
// the inbox's key and runs the inbox command on `<app data dir>/dept-inbox`.
//
//   npx tsx src-main/demo/inbox-cli.ts <inbox command and options> --app-data-dir DIR [--app-key-file FILE]
//   e.g. npx tsx src-main/demo/inbox-cli.ts decide <packetId> accept --app-data-dir ~/.local/share/tongban-desk
//
// --app-key-file defaults to DIR/keys/master.key (where the browser host keeps it unless
// started with --key-file). Under Electron the master key is sealed by the OS and no
// command outside the app can read it.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deriveStoreKeys } from '../store/keys.ts';
import { embeddedInboxDir } from './embedded-inbox.ts';

/** Splits the wrapper's own options from the inbox command's. */
export function parseDemoArgs(argv: string[]): { appDataDir: string; appKeyFile: string; rest: string[] } {
  const rest: string[] = [];
  let appDataDir: string | undefined;
  let appKeyFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--app-data-dir' || arg === '--app-key-file') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === '--app-data-dir') appDataDir = resolve(value);
      else appKeyFile = resolve(value);
    } else if (arg === '--data-dir' || arg === '--key-file') {
      throw new Error(`${arg} is set from the app's data directory here; give --app-data-dir instead`);
    } else {
      rest.push(arg);
    }
  }
  if (!appDataDir) throw new Error('--app-data-dir DIR (the app data directory of the demo) is required');
  return { appDataDir, appKeyFile: appKeyFile ?? join(appDataDir, 'keys', 'master.key'), rest };
}

export async function demoInboxCli(argv: string[]): Promise<number> {
  const { main } = await import('../../dept-inbox/src/cli.ts');
  const { readKeyFile } = await import('../../dept-inbox/src/at-rest.ts');
  const { appDataDir, appKeyFile, rest } = parseDemoArgs(argv);
  const { demoInboxKey } = deriveStoreKeys(readKeyFile(appKeyFile));
  return main([...rest, '--data-dir', embeddedInboxDir(appDataDir)], { atRestKey: demoInboxKey });
}

// Run only as a program, not when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  demoInboxCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const coded = error as { code?: unknown; reason?: unknown; message?: unknown };
      const code = typeof coded.code === 'string' ? coded.code : typeof coded.reason === 'string' ? coded.reason : '';
      console.error(`error${code ? ` (${code})` : ''}: ${String(coded.message ?? error)}`);
      process.exit(1);
    },
  );
}
