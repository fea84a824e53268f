// The approving departments this window sends to, from the config: where each one's
// inbox is (a URL, or the embedded demo inbox once it has started), which signature
// scheme it requires, and the window's token for it (sealed in SQLite, set by an
// installer or by the embedded inbox's automatic enrolment).
import { AppError } from '../common/errors.ts';
import type { HallConfig } from '../common/hall-config.ts';
import type { DepartmentEndpoint } from './department-client.ts';
import { DepartmentError } from './failures.ts';
import type { SignatureScheme } from '../common/sync-protocol.ts';
import type { Credentials } from './secrets.ts';

export interface DepartmentInfo {
  id: string;
  name: string;
  /** Base URL, or `embedded`. */
  endpoint: string;
  scheme: SignatureScheme;
  /** Name under which the token is stored. */
  credential: string;
}

/**
 * The window's token goes only to its department's origin (scheme, host, port). An upload
 * URL the department hands back (the PUT answer's uploadEndpoint, a tus Location) that
 * points elsewhere — a wrong public URL, a proxy, a compromised answer — holds the packet
 * instead: sending the token there would hand it to whoever listens.
 */
export function requireDepartmentOrigin(url: string, endpoint: DepartmentEndpoint): string {
  const origin = new URL(endpoint.baseUrl).origin;
  let found: string;
  try {
    found = new URL(url, endpoint.baseUrl).origin;
  } catch {
    found = 'null';
  }
  if (found !== origin) {
    throw new AppError(
      'sync.uploadOriginMismatch',
      `upload URL ${found === 'null' ? JSON.stringify(url.slice(0, 200)) : found} is not on the department's origin ${origin}`,
      { departmentId: endpoint.departmentId, origin: found === 'null' ? url.slice(0, 200) : found },
    );
  }
  return url;
}

/** The name a department's token is stored under: its config's `credential`, else `department/<id>`. */
export function credentialName(department: { id: string; credential?: string | undefined }): string {
  return department.credential ?? `department/${department.id}`;
}

export class Departments {
  private readonly byId = new Map<string, DepartmentInfo>();
  private readonly tokens = new Map<string, string>();
  private embeddedUrl: string | undefined;
  private embeddedProblem: string | undefined;

  constructor(
    config: HallConfig,
    private readonly credentials: Credentials,
  ) {
    for (const department of config.departments) {
      this.byId.set(department.id, {
        id: department.id,
        name: department.name,
        endpoint: department.endpoint,
        scheme: department.signature,
        credential: credentialName(department),
      });
    }
  }

  list(): DepartmentInfo[] {
    return [...this.byId.values()];
  }

  info(id: string): DepartmentInfo | undefined {
    return this.byId.get(id);
  }

  hasEmbedded(): boolean {
    return this.list().some((d) => d.endpoint === 'embedded');
  }

  /** The embedded inbox is up (or failed to start, with why). */
  setEmbedded(url: string | undefined, problem?: string): void {
    this.embeddedUrl = url;
    this.embeddedProblem = problem;
  }

  /** The embedded inbox's base URL while it runs (its port may change between starts). */
  embeddedBaseUrl(): string | undefined {
    return this.embeddedUrl;
  }

  token(id: string): string | undefined {
    const info = this.byId.get(id);
    if (!info) return undefined;
    if (!this.tokens.has(info.credential)) {
      const stored = this.credentials.get(info.credential);
      if (stored === undefined) return undefined;
      this.tokens.set(info.credential, stored);
    }
    return this.tokens.get(info.credential);
  }

  setToken(id: string, token: string, setBy: string): void {
    const info = this.byId.get(id);
    if (!info) throw new AppError('sync.departmentUnknown', `no department ${id} in the config`, { departmentId: id });
    this.credentials.set(info.credential, token, setBy);
    this.tokens.set(info.credential, token);
  }

  /** Where to call and with which token; throws why not (unknown, no token, embedded not up). */
  endpoint(id: string): DepartmentEndpoint {
    const info = this.byId.get(id);
    if (!info) {
      throw new AppError('sync.departmentUnknown', `no department ${id} in the config`, { departmentId: id });
    }
    const baseUrl = this.baseUrl(info);
    const token = this.token(id);
    if (token === undefined) {
      throw new AppError('sync.tokenMissing', `no token set for department ${id}`, { departmentId: id });
    }
    return { departmentId: id, baseUrl, token };
  }

  /**
   * Upload URLs of the embedded inbox carry the port of the run that made them; the
   * inbox may listen elsewhere after a restart, so they are moved onto today's origin.
   */
  rebase(id: string, url: string): string {
    const info = this.byId.get(id);
    if (!info || info.endpoint !== 'embedded' || !this.embeddedUrl) return url;
    const parsed = new URL(url);
    const current = new URL(this.embeddedUrl);
    if (parsed.hostname !== current.hostname) return url;
    parsed.protocol = current.protocol;
    parsed.port = current.port;
    return parsed.toString();
  }

  private baseUrl(info: DepartmentInfo): string {
    if (info.endpoint !== 'embedded') return info.endpoint;
    if (this.embeddedUrl) return this.embeddedUrl;
    throw new DepartmentError(
      'network',
      `embedded inbox not running${this.embeddedProblem ? `: ${this.embeddedProblem}` : ' yet'}`,
    );
  }
}
