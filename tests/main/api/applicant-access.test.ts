// Access of the applicant screen, method by method over the whole contract: an applicant
// connection reaches only the applicant's methods and the few public reads marked for it;
// staff, whatever their role, reach none of the applicant's methods. The handlers are
// stand-ins that say "reached": access is the dispatcher's alone, decided before them.
import { describe, expect, it } from 'vitest';
import { type MethodName, methods } from '../../../src-main/api/contract/index.ts';
import { createDispatcher, type Handlers } from '../../../src-main/api/dispatcher.ts';
import type { Caller } from '../../../src-main/common/users.ts';

const names = Object.keys(methods) as MethodName[];
const reached = new Proxy({} as Handlers<Caller>, { get: () => () => ({ reached: true }) });

async function errorCodeOf(caller: Caller, method: MethodName): Promise<string | null> {
  const dispatcher = createDispatcher<Caller>({
    handlers: reached,
    caller: (c) => c,
    onInternalError: () => undefined,
  });
  const result = await dispatcher.dispatch({ type: 'call', id: 1, method, input: {} }, caller);
  return result.ok ? null : result.error.code;
}

describe('the applicant screen’s access', () => {
  it('lets the applicant connection past access for its own methods and app.info, and for nothing else', async () => {
    const applicant: Caller = { role: null, locked: false, applicant: true };
    const allowed: string[] = [];
    for (const method of names) {
      if ((await errorCodeOf(applicant, method)) !== 'applicant.notApplicant') allowed.push(method);
    }
    expect(allowed.sort()).toEqual(
      [
        'app.info',
        'applicant.attach',
        'applicant.screen',
        'applicant.consent',
        'applicant.confirm',
        'applicant.requestCorrection',
        'applicant.sign',
        'applicant.rate',
      ].sort(),
    );
  });

  it('refuses every applicant method to staff of every role, signed in or not', async () => {
    const applicantOnly = names.filter((m) => methods[m].access === 'applicant');
    expect(applicantOnly.length).toBe(6);
    for (const caller of [
      { role: null, locked: false },
      { role: 'clerk', locked: false },
      { role: 'supervisor', locked: false },
      { role: 'installer', locked: false },
    ] satisfies Caller[]) {
      for (const method of applicantOnly)
        expect(await errorCodeOf(caller, method), method).toBe('applicant.notApplicant');
    }
  });

  it('keeps the clerk’s applicant methods to clerks', async () => {
    for (const method of [
      'applicant.pairingCode',
      'applicant.showForConfirmation',
      'applicant.waiveConfirmation',
    ] as const) {
      expect(await errorCodeOf({ role: 'supervisor', locked: false }, method)).toBe('auth.forbidden');
      expect(await errorCodeOf({ role: null, locked: false }, method)).toBe('auth.required');
    }
  });
});
