// The contract boundary under hostile input: whatever arrives, the answer is a
// typed result and the core keeps serving.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src-main/common/errors.ts';
import { methods } from '../../../src-main/api/contract/index.ts';
import type { ResultMessage } from '../../../src-main/api/wire.ts';
import { bootTestCore } from '../helpers.ts';

const methodNames = Object.keys(methods);

describe('dispatcher', () => {
  it('answers unknown methods, bad envelopes and bad input with typed errors', async () => {
    const { core } = await bootTestCore();
    const connection = core.openConnection(() => undefined);
    expect(await connection.handle({ type: 'call', id: 1, method: 'nope.nothing', input: {} })).toMatchObject({
      id: 1,
      ok: false,
      error: { code: 'request.unknownMethod' },
    });
    expect(await connection.handle('garbage')).toMatchObject({ ok: false, error: { code: 'request.malformed' } });
    expect(
      await connection.handle({ type: 'call', id: 2, method: 'auth.login', input: { username: 5 } }),
    ).toMatchObject({
      id: 2,
      ok: false,
      error: { code: 'request.invalidInput', params: { fields: 'username, password' } },
    });
    expect(
      await connection.handle({
        type: 'call',
        id: 3,
        method: 'auth.login',
        input: { username: 'a'.repeat(10_000), password: 'x' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'request.invalidInput' } });
    expect(
      await connection.handle({ type: 'call', id: 4, method: 'auth.setupState', input: { extra: true } }),
    ).toMatchObject({ ok: false, error: { code: 'request.invalidInput' } });
  });

  it('refuses input nested deeper than any method takes, before a recursive schema could overflow the stack', async () => {
    const { core } = await bootTestCore();
    const connection = core.openConnection(() => undefined);
    let deep: unknown = 'bottom';
    for (let level = 0; level < 20_000; level++) deep = { a: [deep] };
    expect(await connection.handle({ type: 'call', id: 5, method: 'auth.login', input: deep })).toMatchObject({
      ok: false,
      error: { code: 'request.invalidInput', detail: expect.stringContaining('nested deeper') },
    });
    expect(await connection.handle({ type: 'call', id: 6, method: 'app.info', input: {} })).toMatchObject({ ok: true });
  });

  it('does not treat inherited property names as methods', async () => {
    const { core } = await bootTestCore();
    const connection = core.openConnection(() => undefined);
    for (const method of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(await connection.handle({ type: 'call', id: 9, method, input: {} })).toMatchObject({
        ok: false,
        error: { code: 'request.unknownMethod' },
      });
    }
  });

  it('survives thousands of random payloads with a typed answer for each', async () => {
    const { core } = await bootTestCore();
    const connection = core.openConnection(() => undefined);
    const anyInput = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: true,
    });
    const message = fc.oneof(
      anyInput,
      fc.record({
        type: fc.constant('call'),
        id: fc.oneof(fc.nat(), fc.double(), fc.string()),
        method: fc.constantFrom(...methodNames),
        input: anyInput,
      }),
      fc.record({ type: fc.constant('call'), id: fc.nat(), method: fc.string({ maxLength: 120 }), input: anyInput }),
    );
    const seenCodes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(message, async (payload) => {
        const result: ResultMessage = await connection.handle(payload);
        expect(result.type).toBe('result');
        if (!result.ok) {
          expect(ERROR_CODES).toContain(result.error.code);
          expect(result.error.code).not.toBe('internal');
          seenCodes.add(result.error.code);
        }
      }),
      { numRuns: 3000 },
    );
    expect(seenCodes.has('request.invalidInput') || seenCodes.has('request.malformed')).toBe(true);
    // Still serving afterwards.
    expect(await connection.handle({ type: 'call', id: 1, method: 'auth.setupState', input: {} })).toMatchObject({
      ok: true,
      value: { needsFirstInstaller: true },
    });
  });
});
