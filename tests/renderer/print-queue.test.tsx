// 回执打印: the receipt printer's queue where the window has one — reached from the nav and
// from the status bar's 回执待打印 button, listing the slips with their state and the
// printer's reason in words; 打印, 补打, 不再自动打印 calling the contract; 预览 in a dialog
// opened and closed from the keyboard.
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { PrintJob } from '../../src-main/common/printing.ts';
import { hallTime } from '../../src-main/common/hall-time.ts';
import { FakeCore, INTAKE_NOW } from './fake-core.ts';
import type { FakePrinterOptions } from './fake-printer.ts';
import { CLERK, INSTALLER, renderOn } from './render-app.tsx';

const AT = INTAKE_NOW - 30 * 60_000;

/** Four slips of the day: printed, out of paper, given up (a 补正 slip), and a 补打 of the first. */
const JOBS: Array<Partial<PrintJob>> = [
  { id: 1, applicantName: '张伟', trackingCode: 'TB-0001', createdAt: AT, printedAt: AT + 60_000 },
  {
    id: 2,
    applicantName: '李小梅',
    trackingCode: 'TB-0002',
    state: 'waiting',
    attempts: 3,
    lastError: { code: 'printer.paperOut', detail: 'DLE EOT 4: paper end' },
    createdAt: AT + 10 * 60_000,
  },
  {
    id: 3,
    applicantName: '王建国',
    trackingCode: 'TB-0003',
    document: 'correction',
    number: 'DEMO-HALL-BZ-2026-000001',
    itemName: '居民身份证换领补领',
    state: 'cancelled',
    attempts: 1,
    lastError: { code: 'printer.coverOpen', detail: 'cover open' },
    createdAt: AT + 20 * 60_000,
  },
  { id: 4, applicantName: '张伟', trackingCode: 'TB-0001', reprintOf: 1, createdAt: AT + 25 * 60_000 },
];

function withPrinter(printer: FakePrinterOptions = { jobs: JOBS }) {
  const core = new FakeCore({ users: [INSTALLER, CLERK], signedIn: CLERK.username, printer });
  const user = userEvent.setup();
  renderOn(core);
  return { core, user, printer: core.printer! };
}

async function openPanel(user: ReturnType<typeof userEvent.setup>) {
  const nav = within(await screen.findByRole('navigation', { name: '功能区' }));
  await user.click(await nav.findByRole('button', { name: '回执打印' }));
  return within(await screen.findByRole('table', { name: '回执打印记录' }));
}

function rowOf(table: { getAllByRole: (role: 'row') => HTMLElement[] }, id: number): HTMLElement {
  const row = table.getAllByRole('row').find((each) => each.dataset.rowKey === String(id));
  if (!row) throw new Error(`no row for job ${id}`);
  return row;
}

const number = (id: number) => `DEMO-HALL-SJ-2026-${String(id).padStart(6, '0')}`;

describe('the 回执打印 panel', () => {
  it('is in the clerk’s nav only where the window has a receipt printer', async () => {
    const { user } = withPrinter();
    const nav = within(await screen.findByRole('navigation', { name: '功能区' }));
    await waitFor(() =>
      expect(nav.getAllByRole('button').map((b) => b.textContent)).toEqual([
        '今日队列Alt+1',
        '原件寄递Alt+2',
        '回执打印Alt+3',
      ]),
    );
    await user.keyboard('{Alt>}3{/Alt}');
    expect(document.activeElement).toBe(await screen.findByRole('heading', { name: '回执打印', level: 2 }));
  });

  it('lists the slips newest first with their state and the printer’s reason in words', async () => {
    const { user } = withPrinter();
    const table = await openPanel(user);
    const rows = table.getAllByRole('row').slice(1);
    expect(rows.map((row) => row.dataset.rowKey)).toEqual(['4', '3', '2', '1']);
    const cells = (row: HTMLElement) => [...row.querySelectorAll('td, th')].map((cell) => cell.textContent);

    expect(cells(rows[3]!)).toEqual([
      hallTime(AT),
      `回执${number(1)}`,
      'TB-0001',
      '张伟',
      '社会保障卡申领',
      `已打印 ${hallTime(AT + 60_000)}`,
      '补打预览',
    ]);
    expect(cells(rows[2]!).slice(5)).toEqual([
      '等待打印打印机缺纸，请装入热敏纸后重试。 （已尝试 3 次）',
      '打印不再自动打印预览',
    ]);
    expect(cells(rows[1]!).slice(1, 2)).toEqual(['补正告知DEMO-HALL-BZ-2026-000001']);
    expect(cells(rows[1]!).slice(5)).toEqual([
      '不再自动打印打印机纸仓盖未合上，请合好纸仓盖后重试。 （已尝试 1 次）',
      '打印预览',
    ]);
    // A 补打 says so.
    expect(within(rows[0]!).getByText('补打', { selector: '.badge' })).toBeTruthy();
    expect(screen.getByText('共 4 张，待打印 1 张')).toBeTruthy();
  });

  it('prints a waiting slip with 打印, the focus staying on the row’s button as it becomes 补打', async () => {
    const { core, user, printer } = withPrinter();
    const table = await openPanel(user);
    const print = within(rowOf(table, 2)).getByRole('button', { name: `打印回执 ${number(2)}` });
    print.focus();
    await user.keyboard('{Enter}');

    await waitFor(() => expect(print.textContent).toBe('补打'));
    expect(core.calls.filter((c) => c.method === 'printing.print').map((c) => c.input)).toEqual([{ jobId: 2 }]);
    expect(printer.jobs.find((j) => j.id === 2)!.state).toBe('printed');
    expect(print.getAttribute('aria-label')).toBe(`补打回执 ${number(2)}`);
    expect(document.activeElement).toBe(print);
    expect(rowOf(table, 2).textContent).not.toContain('缺纸');
  });

  it('shows the busy button as working, and a failed print’s reason in an alert', async () => {
    const { user, printer } = withPrinter({ jobs: JOBS, fault: { code: 'printer.offline' } });
    const table = await openPanel(user);
    const row = rowOf(table, 2);
    await user.click(within(row).getByRole('button', { name: `打印回执 ${number(2)}` }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      `回执 ${number(2)}：打印机处于离线状态（可能正在进纸或刚出错）。请稍候几秒后重试；如仍不行，请关闭打印机电源再打开。`,
    );
    await waitFor(() => expect(row.textContent).toContain('（已尝试 4 次）'));
    expect(printer.jobs.find((j) => j.id === 2)!.state).toBe('waiting');
  });

  it('marks the row’s button busy while the printer is at it', async () => {
    const { core, user } = withPrinter();
    const table = await openPanel(user);
    // The core holds the answer: the call is in flight.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const call = core.transport.call;
    core.transport.call = async (message) => {
      if (message.method === 'printing.print') await gate;
      return call(message);
    };
    const button = within(rowOf(table, 2)).getByRole('button', { name: `打印回执 ${number(2)}` });
    await user.click(button);
    expect(button.textContent).toBe('正在打印…');
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.getAttribute('aria-busy')).toBe('true');
    await user.click(button); // a second press while it runs sends nothing
    release();
    await waitFor(() => expect(button.textContent).toBe('补打'));
    expect(core.calls.filter((c) => c.method === 'printing.print')).toHaveLength(1);
  });

  it('reprints a printed slip with 补打: a new row marked 补打', async () => {
    const { core, user } = withPrinter();
    const table = await openPanel(user);
    await user.click(within(rowOf(table, 1)).getByRole('button', { name: `补打回执 ${number(1)}` }));
    await waitFor(() => expect(table.getAllByRole('row')).toHaveLength(6));
    expect(core.calls.filter((c) => c.method === 'printing.reprint').map((c) => c.input)).toEqual([{ jobId: 1 }]);
    const newest = table.getAllByRole('row')[1]!;
    expect(newest.dataset.rowKey).toBe('5');
    expect(within(newest).getByText('补打', { selector: '.badge' })).toBeTruthy();
  });

  it('gives a waiting slip up with 不再自动打印, the focus moving to the row’s 打印', async () => {
    const { core, user, printer } = withPrinter();
    const table = await openPanel(user);
    const row = rowOf(table, 2);
    const cancel = within(row).getByRole('button', { name: `回执 ${number(2)} 不再自动打印` });
    cancel.focus();
    await user.keyboard('{Enter}');

    await waitFor(() => expect(within(row).queryByRole('button', { name: /不再自动打印$/ })).toBeNull());
    expect(core.calls.filter((c) => c.method === 'printing.cancel').map((c) => c.input)).toEqual([{ jobId: 2 }]);
    expect(printer.jobs.find((j) => j.id === 2)!.state).toBe('cancelled');
    expect(row.textContent).toContain('不再自动打印');
    expect(document.activeElement).toBe(within(row).getByRole('button', { name: `打印回执 ${number(2)}` }));
  });

  it('previews a slip in a dialog opened with Enter, kept to the keyboard, closed with Esc', async () => {
    const { core, user } = withPrinter();
    const table = await openPanel(user);
    const preview = within(rowOf(table, 2)).getByRole('button', { name: `预览回执 ${number(2)}` });
    preview.focus();
    await user.keyboard('{Enter}');

    const dialog = await screen.findByRole('dialog', { name: `回执预览（${number(2)}）` });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const image = await within(dialog).findByRole('img', { name: `回执 ${number(2)} 在热敏纸上的打印效果` });
    expect(image.getAttribute('src')).toMatch(/^blob:/);
    expect(core.calls.filter((c) => c.method === 'printing.preview').map((c) => c.input)).toEqual([{ jobId: 2 }]);

    // The focus starts on 关闭 and goes round inside: 关闭 → the scrolled slip → 关闭.
    const close = within(dialog).getByRole('button', { name: '关闭' });
    expect(document.activeElement).toBe(close);
    await user.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole('region'));
    await user.tab();
    expect(document.activeElement).toBe(close);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(within(dialog).getByRole('region'));

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(preview);

    // 关闭 with Enter too.
    await user.keyboard('{Enter}');
    await screen.findByRole('dialog');
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(preview);
  });
  it('reads nothing while the idle lock shows, and reads again on unlocking', async () => {
    const { core, user } = withPrinter();
    await openPanel(user);
    await user.click(screen.getByRole('button', { name: '锁定' }));
    await screen.findByRole('heading', { name: '屏幕已锁定' });
    const reads = () => core.methodsCalled().filter((m) => m === 'printing.jobs').length;
    const before = reads();

    act(() => core.emit('printing.changed', { waiting: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads()).toBe(before);

    await user.type(screen.getByLabelText('密码'), `${CLERK.password}{Enter}`);
    await screen.findByRole('table', { name: '回执打印记录' });
    await waitFor(() => expect(reads()).toBeGreaterThan(before));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('the status bar’s 回执待打印', () => {
  it('counts the slips the printer owes and opens the panel', async () => {
    const { core, user } = withPrinter();
    const bar = within(await screen.findByRole('contentinfo', { name: '设备与服务状态' }));
    const button = await bar.findByRole('button', { name: '回执待打印 1 张，打开回执打印' });
    expect(button.textContent).toBe('回执待打印 1');

    act(() => core.emit('printing.changed', { waiting: 3 }));
    expect(button.textContent).toBe('回执待打印 3');

    button.focus();
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(await screen.findByRole('heading', { name: '回执打印', level: 2 }));
    expect(await screen.findByRole('table', { name: '回执打印记录' })).toBeTruthy();

    act(() => core.emit('printing.changed', { waiting: 0 }));
    expect(bar.queryByRole('button', { name: /回执待打印/ })).toBeNull();
  });

  it('is not there when nothing waits', async () => {
    withPrinter({ jobs: [JOBS[0]!] });
    await screen.findByRole('button', { name: '回执打印' });
    expect(screen.queryByRole('button', { name: /回执待打印/ })).toBeNull();
  });
});
