// The limits that keep a burst of sign-ins in line: one check at a time per key, and a
// bounded number of scrypt runs on libuv's thread pool.
import { describe, expect, it } from 'vitest';
import { KeyedQueue, Semaphore } from '../../../src-main/common/one-at-a-time.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('KeyedQueue', () => {
  it('runs tasks of one key in arrival order, never overlapping, and other keys alongside', async () => {
    const queue = new KeyedQueue<string>();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([queue.run('a', task('a1')), queue.run('a', task('a2')), queue.run('b', task('b1'))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a1 end')).toBeLessThan(log.indexOf('a2 start'));
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('goes on with the next task after one fails', async () => {
    const queue = new KeyedQueue<string>();
    const failed = queue.run('a', () => Promise.reject(new Error('wrong password')));
    const next = queue.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('wrong password');
    expect(await next).toBe('next');
  });
});

describe('Semaphore', () => {
  it('lets at most the limit run at once and all of them finish', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.run(async () => {
          running++;
          most = Math.max(most, running);
          await tick();
          running--;
          if (i === 3) throw new Error('failed');
          return i;
        }).catch(() => -1),
      ),
    );
    expect(most).toBe(2);
    expect(results.filter((r) => r >= 0)).toHaveLength(19);
  });
});
