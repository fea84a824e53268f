// A department that runs inside this process (the demo profile's reference inbox). Sync
// only starts and stops it through this seam; src-main/demo/ provides the real one, so
// no sync code loads the department server.
import type { Logger } from '../common/logger.ts';
import type { SignatureScheme } from '../common/sync-protocol.ts';

export interface EmbeddedDepartmentOptions {
  /** The app's data directory; the department keeps its files under it. */
  dataDir: string;
  windowId: string;
  scheme: SignatureScheme;
  publicKey: string;
  /** The token stored from an earlier start, reused while the department still accepts it. */
  storedToken: string | undefined;
  /** Port of the earlier start: stored upload URLs keep working when it is free again. */
  preferredPort: number | undefined;
  /**
   * How far this window has read the department's change feed: a department that starts
   * afresh must number its changes after it, or the window would skip them.
   */
  feedCursor: number;
  logger: Logger;
}

export interface EmbeddedDepartment {
  url: string;
  port: number;
  /** This window's token, enrolled by the department itself. */
  token: string;
  close(): Promise<void>;
}

export type StartEmbeddedDepartment = (options: EmbeddedDepartmentOptions) => Promise<EmbeddedDepartment>;
