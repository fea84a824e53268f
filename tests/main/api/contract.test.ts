// The contract is the floor both sides stand on: every method and event declares the
// shape of what it carries, so the dispatcher can check every answer and strip what
// was never meant to leave the core.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { events, methods } from '../../../src-main/api/contract/index.ts';
import { Bytes } from '../../../src-main/api/contract/method.ts';
import { SealedPacket } from '../../../src-main/common/packets.ts';
import { UserSummary } from '../../../src-main/common/users.ts';

/** Paths inside a schema where anything at all would pass unchecked. */
function uncheckedPaths(schema: z.ZodType, path = '(output)', seen = new Set<z.ZodType>()): string[] {
  if (schema === Bytes || seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = (child: unknown, at: string) => uncheckedPaths(child as z.ZodType, at, seen);
  switch (def.type) {
    case 'any':
    case 'unknown':
    case 'custom':
      return [path];
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      return Object.entries(shape).flatMap(([key, child]) => inner(child, `${path}.${key}`));
    }
    case 'array':
      return inner(def.element, `${path}[]`);
    case 'record':
      return inner(def.valueType, `${path}{}`);
    case 'union':
      return (def.options as z.ZodType[]).flatMap((option, i) => inner(option, `${path}|${i}`));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return inner(def.innerType, path);
    case 'pipe':
      return inner(def.out, path);
    default:
      return [];
  }
}

describe('the contract', () => {
  it('declares the shape of every method’s answer: nothing passes through unchecked', () => {
    const unchecked = Object.entries(methods).flatMap(([name, spec]) =>
      uncheckedPaths(spec.output).map((path) => `${name} ${path}`),
    );
    expect(unchecked).toEqual([]);
  });

  it('declares the shape of every event', () => {
    const unchecked = Object.entries(events).flatMap(([name, schema]) =>
      uncheckedPaths(schema).map((path) => `${name} ${path}`),
    );
    expect(unchecked).toEqual([]);
  });

  it('finds an unchecked answer when there is one (the check itself works)', () => {
    expect(uncheckedPaths(z.object({ packets: z.array(z.custom<object>(() => true)) }))).toEqual(['(output).packets[]']);
  });

  it('strips what an answer carries beyond its shape, at any depth', () => {
    const user = { id: 1, username: 'clerk01', displayName: '张三', role: 'clerk', disabled: false, lockedUntil: null, createdAt: 0 };
    expect(methods['users.list'].output.parse({ users: [{ ...user, passwordHash: 'secret' }] })).toEqual({ users: [user] });
    expect(UserSummary.parse({ ...user, password_hash: 'x' })).toEqual(user);
    const sealed = {
      packetId: '01900000-0000-7000-8000-000000000001',
      version: 1,
      outcome: 'accept',
      state: 'sealed',
      manifestHash: '0'.repeat(64),
      deadline: null,
      trackingCode: '0000-0000-0000',
      documents: [{ kind: 'receipt', number: 'H-W01-SJ-2026-000001', title: '收件凭证', sha256: '1'.repeat(64), path: '/x' }],
    };
    const parsed = SealedPacket.parse(sealed);
    expect(parsed.documents[0]).not.toHaveProperty('path');
    expect(methods['drafts.seal'].output.parse(sealed)).toEqual(parsed);
  });

  it('refuses an answer whose packet state is not one of the states', () => {
    const result = methods['drafts.seal'].output.safeParse({
      packetId: '01900000-0000-7000-8000-000000000001',
      version: 1,
      outcome: 'accept',
      state: 'uplaoding',
      manifestHash: '0'.repeat(64),
      deadline: null,
      documents: [],
    });
    expect(result.success).toBe(false);
  });
});
