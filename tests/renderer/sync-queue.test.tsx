import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorMessage } from '../../src-main/common/i18n/index.ts';
import { FakeCore, INTAKE_NOW, type FakeCoreOptions } from './fake-core.ts';
import { completeSocialCard, pngBytes, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, INSTALLER, renderOn, SUPERVISOR } from './render-app.tsx';

const MiB = 1024 * 1024;

afterEach(() => {
  vi.useRealTimers();
});

function coreWith(options: FakeCoreOptions = {}) {
  return new FakeCore({ users: [INSTALLER, CLERK], signedIn: CLERK.username, ...options });
}

function clerkOf(core: FakeCore) {
  return core.byUsername(CLERK.username)!;
}

/**
 * Seals a 社会保障卡申领 for `name` through the fake core's real review: accepted
 * with both scans, a window 补正 without the photo.
 */
function seal(core: FakeCore, name: string, options: { photo?: Uint8Array | null } = {}) {
  const patch = completeSocialCard();
  patch.applicant = { ...patch.applicant!, name };
  patch.answers = { ...patch.answers, applicantName: name };
  const draft = core.intake.seedDraft(clerkOf(core), SOCIAL_CARD, patch);
  core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
  if (options.photo !== null)
    core.intake.seedFile(draft.id, 'photo', '照片.png', options.photo ?? pngBytes(), 'image/png');
  return core.intake.sealDraft(clerkOf(core), draft.id);
}

async function showQueue(core: FakeCore) {
  const user = userEvent.setup();
  renderOn(core);
  const table = await screen.findByRole('table', { name: '今日已封装' });
  return { user, table };
}

function rowOf(table: HTMLElement, applicant: string): HTMLElement {
  return within(table).getByRole('cell', { name: applicant }).closest('tr')!;
}

/** Runs the fake worker (its events reach the UI) and waits for the UI to catch up. */
async function pump(core: FakeCore, times = 1) {
  await act(async () => {
    for (let i = 0; i < times; i++) core.sync.pump();
  });
}

/** The hall's wall clock for the UI (deadlines, "time left"); the fake core keeps its own. */
function hallClock(isoLocal: string) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(`${isoLocal}+08:00`));
}

describe('travel states and department decisions', () => {
  it('follows a packet from 待报送 to 已送达 live, keeping the keyboard focus where it was', async () => {
    const core = coreWith();
    seal(core, '张伟');
    const { user, table } = await showQueue(core);
    const row = rowOf(table, '张伟');
    expect(within(row).getByText('待报送')).toBeTruthy();
    expect(within(row).getByText('报送至：演示审批部门')).toBeTruthy();

    const documentButton = within(row).getByRole('button', { name: '查看《申请材料接收凭证》' });
    documentButton.focus();
    await user.keyboard('{Enter}');
    expect(documentButton.getAttribute('aria-expanded')).toBe('true');

    await pump(core); // register
    expect(await within(row).findByText('正在上传')).toBeTruthy();
    core.sync.chunkBytes = 1; // slow: the upload is seen in progress
    await pump(core);
    expect(within(row).getByRole('progressbar', { name: '上传进度' })).toBeTruthy();
    core.sync.chunkBytes = 100;
    await act(async () => {
      while (core.sync.entries[0]!.step === 'upload') core.sync.pump();
    });
    expect(await within(row).findByText('已提交')).toBeTruthy();
    expect(within(row).queryByRole('progressbar')).toBeNull();
    await pump(core); // commit: the department's receipt
    expect(await within(row).findByText('已送达')).toBeTruthy();
    const reference = core.sync.entries[0]!.departmentReference!;
    expect(within(row).getByText(reference).closest('p')!.textContent).toBe(`收件编号：${reference}`);
    expect(within(row).getByText(/^送达时间：/)).toBeTruthy();

    // Every change re-read the list; the clerk's place did not move.
    expect(document.activeElement).toBe(documentButton);
    expect(documentButton.getAttribute('aria-expanded')).toBe('true');
    expect(core.methodsCalled().filter((m) => m === 'packets.list').length).toBeGreaterThanOrEqual(4);
  });

  it('shows the department’s decision with its reason, 补正 items and EMS waybill', async () => {
    const core = coreWith();
    const approved = seal(core, '张伟');
    const corrected = seal(core, '李娜');
    const refused = seal(core, '王芳');
    const denied = seal(core, '赵敏');
    core.sync.drain();
    core.sync.decide(approved.packetId, 1, { state: 'accepted', decidedBy: '赵审批' });
    core.sync.decide(approved.packetId, 1, { state: 'approved', waybill: '1151234567890', decidedBy: '赵审批' });
    core.sync.decide(corrected.packetId, 1, {
      state: 'correction_required',
      correctionItems: ['户口簿首页及本人页复印件', '照片背景须为白色'],
      decidedBy: '钱审批',
    });
    core.sync.decide(refused.packetId, 1, { state: 'refused', reason: '申请人已在参保地办理过社会保障卡' });
    core.sync.decide(denied.packetId, 1, { state: 'accepted', decidedBy: '赵审批' });
    core.sync.decide(denied.packetId, 1, { state: 'refused', reason: '参保关系已转出', decidedBy: '赵审批' });
    const { table } = await showQueue(core);

    // The outcome after 受理 is named by the item's type (a public service: 办结).
    const first = rowOf(table, '张伟');
    expect(within(first).getByText('办结')).toBeTruthy();
    expect(within(first).getByText('审批部门意见：办结')).toBeTruthy();
    expect(within(first).getByText('1151234567890').closest('p')!.textContent).toBe('EMS 邮件号：1151234567890');
    expect(within(first).getByText(/^经办人：赵审批/)).toBeTruthy();
    // 统一窗口出件: the department's documents are printed here, named by the item's type.
    expect(within(first).getByRole('button', { name: '查看审批部门《受理通知书》' })).toBeTruthy();
    const result = within(first).getByRole('button', { name: '查看审批部门《办结通知书》' });
    await userEvent.setup().click(result);
    expect(result.getAttribute('aria-expanded')).toBe('true');
    const shown = await screen.findByText('《办结通知书》');
    expect(shown.closest('li')!.querySelector('.mono')!.textContent).toBe(approved.trackingCode);
    await waitFor(() => expect(core.methodsCalled()).toContain('documents.department'));

    const second = rowOf(table, '李娜');
    expect(within(second).getByText('需补正')).toBeTruthy();
    const items = within(second).getByRole('list', { name: '需补正的内容' });
    expect(
      within(items)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['户口簿首页及本人页复印件', '照片背景须为白色']);

    const third = rowOf(table, '王芳');
    expect(within(third).getByText('不予受理')).toBeTruthy();
    // Refused after 受理: the outcome (不予办理), never 不予受理.
    const fourth = rowOf(table, '赵敏');
    expect(within(fourth).getByText('不予办理')).toBeTruthy();
    expect(within(fourth).getByText('审批部门意见：不予办理')).toBeTruthy();
    expect(within(fourth).queryByText('不予受理')).toBeNull();
    expect(within(third).getByText('理由：申请人已在参保地办理过社会保障卡')).toBeTruthy();
    // Only a department 补正 offers 补正续办.
    expect(within(first).queryByRole('button', { name: '补正续办' })).toBeNull();
    expect(within(third).queryByRole('button', { name: '补正续办' })).toBeNull();

    // 交付: a result posted with a waybill is registered as posted, a refusal as handed over here.
    expect(within(second).queryByRole('button', { name: /^登记已/ })).toBeNull();
    await userEvent.setup().click(within(first).getByRole('button', { name: '登记已邮寄送达' }));
    expect(await within(rowOf(table, '张伟')).findByText(/已登记邮寄送达$/)).toBeTruthy();
    expect(within(rowOf(table, '张伟')).queryByRole('button', { name: /^登记已/ })).toBeNull();
    expect(rowOf(table, '张伟').getAttribute('data-attention')).toBeNull();
    await userEvent.setup().click(within(rowOf(table, '赵敏')).getByRole('button', { name: '登记已交付申请人' }));
    expect(await within(rowOf(table, '赵敏')).findByText(/已在窗口交付申请人$/)).toBeTruthy();
    expect(core.calls.filter((c) => c.method === 'packets.handOver').map((c) => c.input)).toEqual([
      { packetId: approved.packetId, version: 1, how: 'post' },
      { packetId: denied.packetId, version: 1, how: 'window' },
    ]);
  }, 20_000);

  it('picks up a decision pushed while the queue is open, and offers 补正续办 for a department 补正', async () => {
    const core = coreWith();
    const sealed = seal(core, '李娜');
    core.sync.drain();
    const { user, table } = await showQueue(core);
    const row = rowOf(table, '李娜');
    expect(within(row).getByText('已送达')).toBeTruthy();

    await act(async () =>
      core.sync.decide(sealed.packetId, 1, { state: 'correction_required', correctionItems: ['户口簿复印件'] }),
    );
    expect(await within(row).findByText('需补正')).toBeTruthy();
    await user.click(within(row).getByRole('button', { name: '补正续办' }));

    expect(await screen.findByText(/^补正续办：原收件包/)).toBeTruthy();
    const drafts = [...core.intake.drafts.values()];
    expect(drafts.map((d) => d.previous)).toEqual([{ packetId: sealed.packetId, version: 1 }]);
  });
});

describe('upload progress', () => {
  it('shows bytes sent of the total and a smoothed time left from sync.progress events', async () => {
    hallClock('2026-03-10T10:00:00');
    const core = coreWith();
    seal(core, '张伟', { photo: new Uint8Array(6 * MiB) });
    core.sync.chunkBytes = MiB;
    const { table } = await showQueue(core);
    const row = rowOf(table, '张伟');
    const total = core.sync.entries[0]!.files.reduce((sum, f) => sum + f.size, 0);

    await pump(core, 2); // register, then the first MiB (the id card scan and the rest come after)
    const bar = await within(row).findByRole('progressbar', { name: '上传进度' });
    await waitFor(() => expect(bar.getAttribute('value')).toBe(String(MiB)));
    expect(bar.getAttribute('max')).toBe(String(total));
    expect(within(row).getByText('1.0 MB / 6.0 MB（16%）')).toBeTruthy();
    expect(within(row).getByText('正在估算剩余时间…')).toBeTruthy();

    vi.setSystemTime(Date.now() + 1000);
    await pump(core); // 2 MiB after one second: 1 MiB/s
    await within(row).findByText('2.0 MB / 6.0 MB（33%）');
    expect(within(row).getByText('约剩 5 秒')).toBeTruthy();
    expect(bar.getAttribute('aria-valuetext')).toBe('2.0 MB / 6.0 MB（33%），约剩 5 秒');

    // Faster now: 3 MiB in the next second. Smoothed, the rate is 1.6 MiB/s, not 3.
    core.sync.chunkBytes = 3 * MiB;
    vi.setSystemTime(Date.now() + 1000);
    await pump(core);
    await within(row).findByText('5.0 MB / 6.0 MB（83%）');
    expect(within(row).getByText('约剩 1 秒')).toBeTruthy();

    core.sync.chunkBytes = 6 * MiB;
    await pump(core);
    expect(await within(row).findByText('已提交')).toBeTruthy();
    expect(within(row).queryByRole('progressbar')).toBeNull();
  });
});

describe('deadlines', () => {
  /** Seals on 2026-03-10 (the fake core's intake day), then shows every open packet on `day`. */
  async function queueOn(day: string, decide?: (core: FakeCore, packetId: string) => void) {
    let now = INTAKE_NOW;
    const core = coreWith({ now: () => now });
    const accepted = seal(core, '张伟'); // decides by 2026-03-24
    seal(core, '李娜', { photo: null }); // window 补正: the applicant has until 2026-03-17
    decide?.(core, accepted.packetId);
    now = Date.parse(`${day}T09:00:00+08:00`);
    hallClock(`${day}T09:00:00`);
    const user = userEvent.setup();
    renderOn(core);
    await user.click(await screen.findByRole('radio', { name: '全部未办结' }));
    const table = await screen.findByRole('table', { name: '全部未办结' });
    const deadlineOf = (name: string) => rowOf(table, name).querySelector<HTMLElement>('.deadline')!;
    return { core, deadlineOf };
  }

  it('says nothing while a deadline is far', async () => {
    const { deadlineOf } = await queueOn('2026-03-12');
    expect(deadlineOf('张伟').textContent).toBe('2026-03-24');
    expect(deadlineOf('张伟').className).toBe('deadline deadline-ok');
    expect(deadlineOf('李娜').textContent).toBe('2026-03-17');
  });

  it('turns yellow with words a working day before', async () => {
    const { deadlineOf } = await queueOn('2026-03-16');
    expect(deadlineOf('李娜').textContent).toBe('2026-03-17还剩 1 个工作日');
    expect(deadlineOf('李娜').classList.contains('deadline-near')).toBe(true);
    expect(deadlineOf('张伟').classList.contains('deadline-ok')).toBe(true);
  });

  it('stays yellow on the day itself', async () => {
    const { deadlineOf } = await queueOn('2026-03-24');
    expect(deadlineOf('张伟').textContent).toBe('2026-03-24今天到期');
    expect(deadlineOf('张伟').classList.contains('deadline-near')).toBe(true);
  });

  it('turns red with the days overdue once passed', async () => {
    const { deadlineOf } = await queueOn('2026-03-26');
    expect(deadlineOf('张伟').textContent).toBe('2026-03-24已逾期 2 天');
    expect(deadlineOf('张伟').classList.contains('deadline-passed')).toBe(true);
    expect(within(deadlineOf('张伟')).getByText('已逾期 2 天')).toBeTruthy();
  });

  it('calls a window 补正 the applicant let pass 视为放弃, not overdue', async () => {
    const { deadlineOf } = await queueOn('2026-03-19');
    expect(deadlineOf('李娜').textContent).toBe('2026-03-17逾期未补正，视为放弃');
    expect(deadlineOf('李娜').classList.contains('deadline-lapsed')).toBe(true);
  });

  it('does not warn once the department has decided', async () => {
    const { deadlineOf } = await queueOn('2026-03-30', (core, packetId) => {
      core.sync.drain();
      core.sync.decide(packetId, 1, { state: 'accepted' });
      core.sync.decide(packetId, 1, { state: 'approved', waybill: 'EA123456789CN' });
    });
    expect(deadlineOf('张伟').textContent).toBe('2026-03-24');
    expect(deadlineOf('李娜').textContent).toBe('2026-03-17逾期未补正，视为放弃');
  });
});

describe('packets that need a person', () => {
  it('filters them, says what to do, and retries the one asked for', async () => {
    hallClock('2026-03-10T10:00:00');
    const core = coreWith();
    const department = core.sync.department('demo-dept');
    // One held (the department refuses this window's signature), one waiting (out of reach), one delivered.
    department.refusesSignature = true;
    const held = seal(core, '张伟');
    core.sync.drain();
    department.refusesSignature = false;
    department.reachable = false;
    seal(core, '李娜');
    core.sync.pump();
    department.reachable = true;
    seal(core, '王芳');
    core.sync.pump();
    core.sync.drain();
    expect(core.intake.packets.map((p) => p.state)).toEqual(['blocked', 'retry_wait', 'delivered']);

    const { user, table } = await showQueue(core);
    const waiting = rowOf(table, '李娜');
    expect(within(waiting).getByText('等待重试')).toBeTruthy();
    expect(within(waiting).getByText(errorMessage('sync.unreachable'))).toBeTruthy();
    expect(within(waiting).getByText('将于 10:00 自动重试（已尝试 1 次）。')).toBeTruthy();

    const filter = screen.getByRole('radio', { name: '需人工处理' });
    expect(screen.getByText('1 件').id).toBe(filter.getAttribute('aria-describedby'));
    await user.click(filter);
    const blocked = await screen.findByRole('table', { name: '需人工处理' });
    const rows = within(blocked).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    // The item, and under it the 查询号 the applicant quotes.
    expect(within(row).getByRole('rowheader').textContent).toMatch(
      /^社会保障卡申领查询号：[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/,
    );
    expect(within(row).getByText('张伟')).toBeTruthy();
    expect(within(row).getByText('需人工处理', { selector: '.travel-state' })).toBeTruthy();
    expect(within(row).getByText('处理办法：').parentElement!.textContent).toBe(
      `处理办法：${errorMessage('sync.signatureRejected')}`,
    );
    expect(within(row).getByText('问题解决后，按“立即重试”重新报送。')).toBeTruthy();

    const retry = within(row).getByRole('button', { name: '立即重试' });
    retry.focus();
    await user.keyboard('{Enter}');
    const call = core.calls.filter((c) => c.method === 'sync.retryNow');
    expect(call.map((c) => c.input)).toEqual([{ packetId: held.packetId, version: 1 }]);
    expect(await screen.findByText('没有需人工处理的收件包。')).toBeTruthy();
    expect(screen.getByText('已安排立即重试：社会保障卡申领')).toBeTruthy();
    // The row left the list under the focus: the focus lands on the list's heading, not the page.
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: '需人工处理', level: 3 }));
    expect(screen.getByText('0 件')).toBeTruthy();

    // The held packet goes on (the department takes the signature now).
    await pump(core);
    expect(core.intake.packets[0]!.state).toBe('delivered');
    await user.click(screen.getByRole('radio', { name: '全部未办结' }));
    const open = await screen.findByRole('table', { name: '全部未办结' });
    expect(within(rowOf(open, '张伟')).getByText('已送达')).toBeTruthy();
  });

  it('shows why a packet is held for a missing token, naming the department', async () => {
    const core = coreWith({
      sync: {
        departments: [
          { id: 'demo-dept', name: '北京市社会保险事业管理中心', endpoint: 'https://sbj.example.gov.cn/tongban' },
        ],
      },
    });
    seal(core, '张伟');
    core.sync.pump();
    const { table } = await showQueue(core);
    const row = rowOf(table, '张伟');
    expect(within(row).getByText('需人工处理')).toBeTruthy();
    // The message names the department by name.
    expect(
      within(row).getByText(
        '尚未设置审批部门“北京市社会保险事业管理中心”的接入令牌，收件包暂存本机。请运维人员在“部署与设备”中设置令牌。',
      ),
    ).toBeTruthy();
  });
});

describe('pausing and resuming', () => {
  it('shows a clerk that sending is paused, without offering the switch', async () => {
    const core = coreWith();
    seal(core, '张伟');
    core.sync.paused = true;
    const { table } = await showQueue(core);
    const bar = screen.getByRole('group', { name: '报送审批部门' });
    expect(within(bar).getByRole('status').textContent).toBe(
      '报送已暂停 收件包暂存本机，不会丢失；恢复后继续报送。待送达 1 件',
    );
    expect(within(bar).queryByRole('button')).toBeNull();
    expect(within(rowOf(table, '张伟')).getByText('报送已暂停')).toBeTruthy();
    await pump(core, 3);
    expect(core.intake.packets[0]!.state).toBe('sealed');
  });

  it('lets a supervisor pause sending for the hall and resume it', async () => {
    const core = new FakeCore({ users: [INSTALLER, CLERK, SUPERVISOR], signedIn: SUPERVISOR.username });
    seal(core, '张伟');
    const user = userEvent.setup();
    renderOn(core);
    const bar = await screen.findByRole('group', { name: '报送审批部门' });
    expect(within(bar).getByRole('status').textContent).toBe('报送进行中待送达 1 件');

    const toggle = within(bar).getByRole('button', { name: '暂停报送' });
    await user.click(toggle);
    await within(bar).findByText('报送已暂停');
    expect(toggle.textContent).toBe('恢复报送');
    expect(core.sync.paused).toBe(true);

    await user.click(toggle);
    await within(bar).findByText('报送进行中');
    expect(toggle.textContent).toBe('暂停报送');
    expect(core.sync.paused).toBe(false);
  });
});

describe('under the idle lock', () => {
  it('holds its reads while locked and catches up on unlock', async () => {
    const core = coreWith();
    seal(core, '张伟');
    const { user, table } = await showQueue(core);
    await user.click(screen.getByRole('button', { name: '锁定' }));
    await screen.findByRole('heading', { name: '屏幕已锁定' });
    const before = core.calls.length;

    await pump(core);
    expect(core.calls.slice(before).map((c) => c.method)).toEqual([]);

    await user.type(screen.getByLabelText('密码'), `${CLERK.password}{Enter}`);
    expect(await within(rowOf(table, '张伟')).findByText('正在上传')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
