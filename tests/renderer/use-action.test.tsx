import { act, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../src-renderer/api/client.ts';
import { useAction, type RunOptions } from '../../src-renderer/app/use-action.ts';
import { ErrorNotice } from '../../src-renderer/components/Notice.tsx';

/** A promise the test settles by hand. */
function deferred() {
  let resolve!: () => void;
  let reject!: (failure: unknown) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** One panel, as the screens build them: buttons that never disable themselves, so the hook alone guards. */
function Panel({
  work,
  options,
  onSettled,
}: {
  work: (tag: string) => Promise<unknown>;
  options?: RunOptions;
  onSettled?: (ran: boolean) => void;
}) {
  const action = useAction();
  const press = (tag?: string) => {
    void action.run(() => work(tag ?? ''), { ...options, ...(tag ? { tag } : {}) }).then((ran) => onSettled?.(ran));
  };
  return (
    <div>
      <button type="button" onClick={() => press()}>
        保存
      </button>
      <button type="button" onClick={() => press('a')}>
        重试甲
      </button>
      <button type="button" onClick={() => press('b')}>
        重试乙
      </button>
      <button type="button" onClick={action.clearError}>
        关闭提示
      </button>
      <p data-testid="busy">{action.busy ? '忙' : '闲'}</p>
      <p data-testid="busy-with">{['a', 'b'].filter((tag) => action.busyWith(tag)).join(',')}</p>
      <ErrorNotice message={action.error} />
    </div>
  );
}

const busy = () => screen.getByTestId('busy').textContent;
const wrongPassword = () => new ApiCallError('auth.invalidCredentials', 'no such user', { attempts: 5, minutes: 15 });

describe('useAction', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is busy while the work runs and idle once it is done', async () => {
    const user = userEvent.setup();
    const call = deferred();
    render(<Panel work={() => call.promise} />);
    expect(busy()).toBe('闲');

    await user.click(screen.getByRole('button', { name: '保存' }));
    expect(busy()).toBe('忙');

    await act(async () => call.resolve());
    expect(busy()).toBe('闲');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a failure in Chinese instead of throwing it, and is idle again', async () => {
    const user = userEvent.setup();
    const settled = vi.fn();
    render(<Panel work={() => Promise.reject(wrongPassword())} onSettled={settled} />);

    await user.click(screen.getByRole('button', { name: '保存' }));
    expect((await screen.findByRole('alert')).textContent).toBe('用户名或密码错误。连续输错 5 次后账户将被锁定 15 分钟；已锁定时请到时再试，或联系运维人员解锁。');
    expect(busy()).toBe('闲');
    expect(settled).toHaveBeenCalledWith(false);
  });

  it('says "internal" for anything thrown that is not the core’s answer', async () => {
    const user = userEvent.setup();
    render(<Panel work={() => Promise.reject(new TypeError('boom'))} />);

    await user.click(screen.getByRole('button', { name: '保存' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      '系统内部错误，操作未完成。请重试；如反复出现，请联系运维人员。',
    );
  });

  it('clears the previous failure when the next run starts', async () => {
    const user = userEvent.setup();
    const second = deferred();
    const work = vi.fn().mockRejectedValueOnce(wrongPassword()).mockReturnValueOnce(second.promise);
    const settled = vi.fn();
    render(<Panel work={work} onSettled={settled} />);

    await user.click(screen.getByRole('button', { name: '保存' }));
    expect(await screen.findByRole('alert')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: '保存' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(busy()).toBe('忙');

    await act(async () => second.resolve());
    expect(settled).toHaveBeenLastCalledWith(true);
  });

  it('lets the panel clear the failure by hand', async () => {
    const user = userEvent.setup();
    render(<Panel work={() => Promise.reject(wrongPassword())} />);

    await user.click(screen.getByRole('button', { name: '保存' }));
    await screen.findByRole('alert');
    await user.click(screen.getByRole('button', { name: '关闭提示' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('hands the thrown value to onFailure, for what only a failure needs', async () => {
    const user = userEvent.setup();
    const failure = wrongPassword();
    const onFailure = vi.fn();
    render(<Panel work={() => Promise.reject(failure)} options={{ onFailure }} />);

    await user.click(screen.getByRole('button', { name: '保存' }));
    await screen.findByRole('alert');
    expect(onFailure).toHaveBeenCalledExactlyOnceWith(failure);
  });

  it('ignores a second press while the first is still running (a double click sends once)', async () => {
    const user = userEvent.setup();
    const call = deferred();
    const work = vi.fn(() => call.promise);
    const settled = vi.fn();
    render(<Panel work={work} onSettled={settled} />);

    const button = screen.getByRole('button', { name: '保存' });
    // Both clicks land before React renders again: the busy state shown is still "idle".
    act(() => {
      button.click();
      button.click();
    });
    expect(work).toHaveBeenCalledTimes(1);
    await user.dblClick(button);
    expect(work).toHaveBeenCalledTimes(1);
    await act(async () => {});
    expect(settled.mock.calls).toEqual([[false], [false], [false]]); // the refused ones

    await act(async () => call.resolve());
    expect(busy()).toBe('闲');
    await user.click(screen.getByRole('button', { name: '保存' }));
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('keeps differently tagged runs apart: each is busy on its own, neither blocks the other', async () => {
    const user = userEvent.setup();
    const calls = { a: deferred(), b: deferred() };
    const work = vi.fn((tag: string) => calls[tag as 'a' | 'b'].promise);
    render(<Panel work={work} />);

    await user.click(screen.getByRole('button', { name: '重试甲' }));
    await user.click(screen.getByRole('button', { name: '重试乙' }));
    await user.click(screen.getByRole('button', { name: '重试甲' }));
    expect(work.mock.calls).toEqual([['a'], ['b']]);
    expect(screen.getByTestId('busy-with').textContent).toBe('a,b');

    await act(async () => calls.a.resolve());
    expect(screen.getByTestId('busy-with').textContent).toBe('b');
    expect(busy()).toBe('忙');

    await act(async () => calls.b.resolve());
    expect(screen.getByTestId('busy-with').textContent).toBe('');
    expect(busy()).toBe('闲');
  });

  it('starts a concurrent run even while one is in flight, and stays busy until both are done', async () => {
    const user = userEvent.setup();
    const first = deferred();
    const second = deferred();
    const work = vi.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    render(<Panel work={work} options={{ concurrent: true }} />);

    await user.click(screen.getByRole('button', { name: '保存' }));
    await user.click(screen.getByRole('button', { name: '保存' }));
    expect(work).toHaveBeenCalledTimes(2);

    await act(async () => first.resolve());
    expect(busy()).toBe('忙');
    await act(async () => second.resolve());
    expect(busy()).toBe('闲');
  });

  it('drops what arrives after the panel is gone: no follow-up, no React warning', async () => {
    const user = userEvent.setup();
    const errors = vi.spyOn(console, 'error');
    const call = deferred();
    const onFailure = vi.fn();
    const settled = vi.fn();
    const { unmount } = render(<Panel work={() => call.promise} options={{ onFailure }} onSettled={settled} />);

    await user.click(screen.getByRole('button', { name: '保存' }));
    unmount();
    await act(async () => call.reject(wrongPassword()));

    expect(settled).toHaveBeenCalledExactlyOnceWith(false);
    expect(onFailure).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
  });
});
