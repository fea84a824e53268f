// How each department stands, for the health board's `sync` entry and the installer's
// panel: reachable or not (the change feed's last poll), token set or missing, the
// embedded demo department started or failed.
import type { ErrorCode } from '../common/errors.ts';
import type { HealthReporter } from '../common/health.ts';
import type { Departments } from './departments.ts';
import type { Verdict } from './failures.ts';

export interface DepartmentProblem {
  code: ErrorCode;
  detail: string;
}

/** Health reasons the status bar knows (health.reasons in the catalog). */
const HEALTH_REASON: Partial<Record<ErrorCode, string>> = {
  'sync.unreachable': 'offline',
  'sync.tokenMissing': 'notConfigured',
  'sync.tokenRejected': 'rejected',
  'sync.windowMismatch': 'rejected',
  'sync.departmentError': 'retrying',
  'sync.departmentBusy': 'retrying',
  'sync.localError': 'retrying',
  'store.diskFull': 'diskFull',
};

export class DepartmentHealth {
  private readonly problems = new Map<string, Verdict>();
  /** Departments the change feed (the probe) found unreachable. */
  private readonly offline = new Set<string>();
  private embeddedProblem: string | undefined;
  private paused = false;

  constructor(
    private readonly departments: Departments,
    private readonly health: HealthReporter,
  ) {}

  /** Each poll of a department's change feed ends here. */
  feedStatus(departmentId: string, problem: Verdict | undefined): void {
    if (problem) this.problems.set(departmentId, problem);
    else this.problems.delete(departmentId);
    if (problem?.code === 'sync.unreachable') this.offline.add(departmentId);
    this.report();
  }

  /** A 2xx from the department: true when the change feed had found it unreachable. */
  cameBack(departmentId: string): boolean {
    return this.offline.delete(departmentId);
  }

  /** A new token was stored: what the department said before no longer stands. */
  tokenSet(departmentId: string): void {
    this.problems.delete(departmentId);
    this.report();
  }

  embeddedStarted(problem: string | undefined): void {
    this.embeddedProblem = problem;
    this.report();
  }

  /** Sending paused by a supervisor or installer (or resumed): the board says so until resumed. */
  sendingPaused(paused: boolean): void {
    this.paused = paused;
    this.report();
  }

  problemOf(departmentId: string): DepartmentProblem | undefined {
    const department = this.departments.info(departmentId);
    if (department?.endpoint === 'embedded' && this.embeddedProblem) {
      return { code: 'sync.unreachable', detail: `embedded inbox: ${this.embeddedProblem}` };
    }
    if (department && department.endpoint !== 'embedded' && this.departments.token(departmentId) === undefined) {
      return { code: 'sync.tokenMissing', detail: `no token set for ${departmentId}` };
    }
    const problem = this.problems.get(departmentId);
    return problem && { code: problem.code, detail: problem.detail };
  }

  report(): void {
    const departments = this.departments.list();
    if (departments.length === 0) {
      this.health.report({
        id: 'sync',
        kind: 'sync',
        state: 'absent',
        reason: 'notConfigured',
        detail: 'no departments configured',
      });
      return;
    }
    const problems = departments
      .map((d) => ({ id: d.id, problem: this.problemOf(d.id) }))
      .filter((entry): entry is { id: string; problem: DepartmentProblem } => entry.problem !== undefined);
    const details = problems
      .map((p) => `${p.id}: ${p.problem.code} ${p.problem.detail}`)
      .join('; ')
      .slice(0, 500);
    if (this.paused) {
      // Nothing is sent while paused, whatever else stands: that is what the hall must see first.
      this.health.report({
        id: 'sync',
        kind: 'sync',
        state: 'paused',
        reason: 'paused',
        detail: details ? `sending paused; ${details}` : 'sending paused',
      });
      return;
    }
    if (problems.length === 0) {
      this.health.report({ id: 'sync', kind: 'sync', state: 'ready' });
      return;
    }
    const first = problems[0]!.problem;
    this.health.report({
      id: 'sync',
      kind: 'sync',
      state: first.code === 'sync.tokenMissing' && problems.length === departments.length ? 'absent' : 'error',
      reason: HEALTH_REASON[first.code] ?? 'retrying',
      detail: details,
    });
  }
}
