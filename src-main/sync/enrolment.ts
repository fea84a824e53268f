// Enrolling this window at its departments: the public key installers hand over, and
// the department's token for this window, checked with the department before it is kept.
import { AppError, isAppError, type ErrorCode } from '../common/errors.ts';
import type { EnrolmentInfo, TokenResult } from '../common/sync.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import type { DepartmentClient } from './department-client.ts';
import type { Departments } from './departments.ts';
import { classify } from './failures.ts';
import type { WindowKeys } from './secrets.ts';

export interface EnrolmentDeps {
  windowId: string;
  departments: Departments;
  keys: WindowKeys;
  client: DepartmentClient;
  events: EventLog;
  /** A token was stored: release what waited for one, poll the department now. */
  onTokenSet(departmentId: string): void;
}

export class Enrolment {
  constructor(private readonly deps: EnrolmentDeps) {}

  enrolment(): EnrolmentInfo {
    return {
      windowId: this.deps.windowId,
      departments: this.deps.departments.list().map((department) => {
        const key = this.deps.keys.get(department.scheme);
        return {
          departmentId: department.id,
          name: department.name,
          endpoint: department.endpoint,
          embedded: department.endpoint === 'embedded',
          scheme: department.scheme,
          publicKey: key.publicKey,
          keyId: key.keyId,
          tokenSet: this.deps.departments.token(department.id) !== undefined,
        };
      }),
    };
  }

  /**
   * Stores the department's token for this window, after asking the department who it
   * says this window is. A token the department refuses, or one enrolled for another
   * window or key, is not stored. Unreachable: stored, and said so.
   */
  async setDepartmentToken(actor: string, departmentId: string, token: string): Promise<TokenResult> {
    const { departments, keys, windowId } = this.deps;
    const department = departments.info(departmentId);
    if (!department) {
      throw new AppError('sync.departmentUnknown', `no department ${departmentId} in the config`, { departmentId });
    }
    if (department.endpoint === 'embedded') {
      throw new AppError('sync.departmentEmbedded', `department ${departmentId} is the embedded demo inbox`);
    }
    let verified = false;
    let problem: ErrorCode | null = null;
    try {
      const me = await this.deps.client.whoami({ departmentId, baseUrl: department.endpoint, token });
      const key = keys.get(department.scheme);
      if (me.windowId !== windowId || me.scheme !== department.scheme || me.keyId !== key.keyId) {
        throw new AppError(
          'sync.enrolmentMismatch',
          `token names window ${me.windowId} (${me.scheme}, key ${me.keyId.slice(0, 12)}); this window is ` +
            `${windowId} (${department.scheme}, key ${key.keyId.slice(0, 12)})`,
        );
      }
      verified = true;
    } catch (error) {
      if (isAppError(error)) throw error;
      const verdict = classify(error);
      if (verdict.action === 'block') {
        // Another 4xx from who-am-I: the endpoint is not an inbox of this protocol.
        throw new AppError(
          verdict.code === 'sync.packetRefused' ? 'sync.departmentError' : verdict.code,
          verdict.detail,
          verdict.params,
        );
      }
      problem = verdict.code;
    }
    departments.setToken(departmentId, token, actor);
    this.deps.events.append({
      stream: AUDIT_STREAM,
      actor,
      kind: 'sync.tokenSet',
      payload: { departmentId, verified },
    });
    this.deps.onTokenSet(departmentId);
    return { departmentId, tokenSet: true, verified, problem };
  }
}
