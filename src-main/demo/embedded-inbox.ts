// The demo profile's department: the reference inbox (dept-inbox/) started in this
// process on 127.0.0.1, with its own data directory inside the app's, and this window
// enrolled in it automatically — so a newcomer's sealed packets really travel, over
// the same protocol and the same code paths as a configured hall's.
import { join } from 'node:path';
import type { Inbox } from '../../dept-inbox/src/server.ts';
import type { Logger } from 'pino';
import type { EmbeddedDepartment, EmbeddedDepartmentOptions } from '../sync/embedded-department.ts';
import { keyIdOf } from '../sync/signing.ts';

export interface EmbeddedInboxOptions extends EmbeddedDepartmentOptions {
  /** The core's pino logger: the inbox logs through a child of it. */
  logger: Logger;
}

export interface EmbeddedInbox extends EmbeddedDepartment {
  /** The running inbox (its database is how demos and tests play the approver). */
  readonly inbox: Inbox;
}

export async function startEmbeddedInbox(options: EmbeddedInboxOptions): Promise<EmbeddedInbox> {
  // Loaded only when a department is embedded: configured halls never load the server.
  const { createInbox } = await import('../../dept-inbox/src/server.ts');
  const { enrolWindow, hashToken } = await import('../../dept-inbox/src/admin.ts');
  const base = {
    dataDir: join(options.dataDir, 'dept-inbox'),
    host: '127.0.0.1',
    logger: options.logger.child({ component: 'embedded-inbox' }, { level: 'warn' }),
    referencePrefix: 'DEMO',
  };
  let inbox;
  try {
    inbox = await createInbox({ ...base, port: options.preferredPort ?? 0 });
  } catch (error) {
    if (options.preferredPort === undefined || (error as { code?: string }).code !== 'EADDRINUSE') throw error;
    inbox = await createInbox({ ...base, port: 0 });
  }
  try {
    const enrolled = inbox.db.windowById(options.windowId);
    const keyId = keyIdOf(options.publicKey);
    let token = options.storedToken;
    const stillValid =
      token !== undefined &&
      enrolled !== undefined &&
      enrolled.token_hash === hashToken(token) &&
      enrolled.scheme === options.scheme &&
      enrolled.key_id === keyId;
    if (!stillValid) {
      token = enrolWindow(inbox.db, {
        windowId: options.windowId,
        scheme: options.scheme,
        publicKey: options.publicKey,
        label: 'demo window (enrolled automatically)',
        replace: enrolled !== undefined,
      }).token;
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
