import { describe, expect, it } from 'vitest';
import { migrations } from '../../../src-main/store/migrations/index.ts';

describe('migrations', () => {
  it('are numbered 1..n in order, with unique non-empty names', () => {
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    const names = migrations.map((m) => m.name);
    expect(names.every((name) => name.trim().length > 0)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });
});
