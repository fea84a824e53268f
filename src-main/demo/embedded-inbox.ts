// The demo profile's department: the reference inbox (dept-inbox/) started in this
// process on 127.0.0.1, with its own data directory inside the app's, and this window
// enrolled in it automatically — so a newcomer's sealed packets really travel, over
// the same protocol and the same code paths as a configured hall's.
//
// What it keeps (manifests with applicants' details, scans) sits in the app's data
// directory, so it is encrypted at rest like the app's own data, under a key derived
// from the master key (store/keys.ts), owner-only. An inbox an older version left there
// in the clear (or one this key cannot open) is moved aside, never served or deleted,
// and a fresh one starts — its change feed numbered after what the window has read.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Inbox, InboxOptions } from '../../dept-inbox/src/server.ts';
import type { Logger } from 'pino';
import type { EmbeddedDepartment, EmbeddedDepartmentOptions } from '../sync/embedded-department.ts';
import { keyIdOf } from '../sync/signing.ts';

export interface EmbeddedInboxOptions extends EmbeddedDepartmentOptions {
  /** The core's pino logger: the inbox logs through a child of it. */
  logger: Logger;
  /** 32 bytes derived from the master key (`deriveStoreKeys(…).demoInboxKey`). */
  atRestKey: Buffer;
}

export interface EmbeddedInbox extends EmbeddedDepartment {
  /** The running inbox (its database is how demos and tests play the approver). */
  readonly inbox: Inbox;
}

/** The embedded inbox's folder in the app's data directory. */
export function embeddedInboxDir(appDataDir: string): string {
  return join(appDataDir, 'dept-inbox');
}

export async function startEmbeddedInbox(options: EmbeddedInboxOptions): Promise<EmbeddedInbox> {
  // Loaded only when a department is embedded: configured halls never load the server.
  const { createInbox } = await import('../../dept-inbox/src/server.ts');
  const { InboxAtRestError } = await import('../../dept-inbox/src/db.ts');
  const { enrolWindow, hashToken } = await import('../../dept-inbox/src/admin.ts');
  const dataDir = embeddedInboxDir(options.dataDir);
  const base: InboxOptions = {
    dataDir,
    host: '127.0.0.1',
    logger: options.logger.child({ component: 'embedded-inbox' }, { level: 'warn' }),
    referencePrefix: 'DEMO',
    atRest: { key: options.atRestKey },
  };
  const start = async (): Promise<Inbox> => {
    try {
      return await createInbox({ ...base, port: options.preferredPort ?? 0 });
    } catch (error) {
      if (options.preferredPort === undefined || (error as { code?: string }).code !== 'EADDRINUSE') throw error;
      return await createInbox({ ...base, port: 0 });
    }
  };
  let inbox: Inbox;
  try {
    inbox = await start();
  } catch (error) {
    if (!(error instanceof InboxAtRestError) || error.reason === 'encrypted') throw error;
    const aside = setAside(dataDir, error.reason === 'plaintext' ? 'unencrypted' : 'unreadable');
    options.logger.warn(
      { reason: error.reason, movedTo: aside },
      error.reason === 'plaintext'
        ? 'unencrypted demo department inbox set aside (left by an older version); a new, encrypted one starts'
        : 'demo department inbox unreadable with this key set aside; a new one starts',
    );
    inbox = await start();
  }
  try {
    await inbox.db.continueChangesAfter(options.feedCursor);
    const enrolled = await inbox.db.windowById(options.windowId);
    const keyId = keyIdOf(options.publicKey);
    let token = options.storedToken;
    const stillValid =
      token !== undefined &&
      enrolled !== undefined &&
      enrolled.token_hash === hashToken(token) &&
      enrolled.scheme === options.scheme &&
      enrolled.key_id === keyId;
    if (!stillValid) {
      token = (
        await enrolWindow(inbox.db, {
          windowId: options.windowId,
          scheme: options.scheme,
          publicKey: options.publicKey,
          label: 'demo window (enrolled automatically)',
          replace: enrolled !== undefined,
        })
      ).token;
    }
    const started = inbox;
    return {
      url: started.url,
      port: started.port,
      token: token as string,
      inbox: started,
      close: () => started.close(),
    };
  } catch (error) {
    await inbox.close();
    throw error;
  }
}

/** Renames the folder to `<folder>.<what>-<UTC timestamp>` (a free name) and returns the new path. */
function setAside(dir: string, what: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/[-:]/g, '');
  let target = `${dir}.${what}-${stamp}`;
  for (let n = 2; existsSync(target); n++) target = `${dir}.${what}-${stamp}-${n}`;
  renameSync(dir, target);
  return target;
}
