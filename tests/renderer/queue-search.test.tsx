// The queue at a busy window, in the UI: one search box, filters with their counts, pages
// turned and kept under the keyboard, and what needs the clerk — an alert on the queue and
// in the status bar, the row saying what to do, and the 补正续办 draft opening with what
// the department asked for.
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeCore } from './fake-core.ts';
import { completeSocialCard, pngBytes, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, INSTALLER, renderOn } from './render-app.tsx';

function coreWith() {
  return new FakeCore({ users: [INSTALLER, CLERK], signedIn: CLERK.username });
}

/** Seals an accepted 社会保障卡申领 for `name` through the fake core's real review. */
function seal(core: FakeCore, name: string) {
  const clerk = core.byUsername(CLERK.username)!;
  const patch = completeSocialCard();
  patch.applicant = { ...patch.applicant!, name };
  patch.answers = { ...patch.answers, applicantName: name };
  const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, patch);
  core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
  core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
  return core.intake.sealDraft(clerk, draft.id);
}

const countOf = (scope: string) => document.querySelector(`[data-count="${scope}"]`)?.textContent;

describe('the queue search', () => {
  it('finds by a whole name or a loosely typed 查询号, counts each filter, and Escape clears', async () => {
    const core = coreWith();
    seal(core, '张伟');
    const lina = seal(core, '李娜');
    seal(core, '王芳');
    const user = userEvent.setup();
    renderOn(core);
    await screen.findByRole('table', { name: '今日已封装' });
    expect(countOf('today')).toBe('3 件');

    const box = screen.getByRole('searchbox', { name: '查找收件包' });
    await user.type(box, '李娜{Enter}');
    const found = await screen.findByRole('table', { name: '查找“李娜”：今日收件' });
    expect(
      within(found)
        .getAllByRole('row')
        .slice(1)
        .map((row) => within(row).getAllByRole('cell')[0]!.textContent),
    ).toEqual(['李娜']);
    expect(countOf('today')).toBe('1 件');
    expect(countOf('all')).toBe('1 件');
    const asked = core.calls.filter((c) => c.method === 'packets.list').at(-1)!.input;
    expect(asked).toMatchObject({ scope: 'today', query: '李娜' });

    await user.clear(box);
    await user.type(box, `${lina.trackingCode!.replace(/-/g, '').toLowerCase()}{Enter}`);
    const byCode = await screen.findByRole('table', { name: /^查找“.*”：今日收件$/ });
    expect(within(byCode).getAllByRole('row')).toHaveLength(2);
    expect(within(byCode).getByText(lina.trackingCode!)).toBeTruthy();

    await user.clear(box);
    await user.type(box, '赵六{Enter}');
    expect(await screen.findByText('在“今日收件”中没有找到与“赵六”相符的收件包。')).toBeTruthy();

    box.focus();
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('table', { name: '今日已封装' })).toBeTruthy();
    expect((box as HTMLInputElement).value).toBe('');
    expect(countOf('today')).toBe('3 件');
  });

  it('turns pages forward and back by keyboard, keeping the focus on the pager', async () => {
    const core = coreWith();
    for (let i = 0; i < 53; i++) seal(core, `申请人${String(i).padStart(2, '0')}`);
    const user = userEvent.setup();
    renderOn(core);
    const table = await screen.findByRole('table', { name: '今日已封装' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(within(table).getAllByRole('row')[1]!.textContent).toContain('申请人52');

    const pager = screen.getByRole('navigation', { name: '翻页' });
    const next = within(pager).getByRole('button', { name: '下一页' });
    next.focus();
    await user.keyboard('{Enter}');
    expect(await within(pager).findByText('第 2 页 · 共 53 件')).toBeTruthy();
    const second = screen.getByRole('table', { name: '今日已封装' });
    await screen.findByText('申请人02');
    expect(within(second).getAllByRole('row')).toHaveLength(4);
    expect(document.activeElement).toBe(next);
    expect(next.getAttribute('aria-disabled')).toBe('true');

    const previous = within(pager).getByRole('button', { name: '上一页' });
    previous.focus();
    await user.keyboard('{Enter}');
    expect(await within(pager).findByText('第 1 页 · 共 53 件')).toBeTruthy();
    expect(await screen.findByText('申请人52')).toBeTruthy();
  }, 30_000);
});

describe('what needs the clerk', () => {
  it('raises an alert, marks the row with what to do, and opens 补正续办 with what the department asked for', async () => {
    const core = coreWith();
    const sealed = seal(core, '李娜');
    seal(core, '张伟');
    core.sync.drain();
    const user = userEvent.setup();
    renderOn(core);
    await screen.findByRole('table', { name: '今日已封装' });
    expect(screen.queryByTestId('attention-badge')).toBeNull();
    expect(countOf('attention')).toBe('0 件');

    await act(async () =>
      core.sync.decide(sealed.packetId, 1, {
        state: 'correction_required',
        reason: '户籍信息需核实',
        correctionItems: ['户口簿首页及本人页复印件', '近期免冠证件照（白底）'],
        decidedBy: '成都市社保局 赵审批',
      }),
    );
    expect(await screen.findByText('有 1 件收件包需要您处理')).toBeTruthy();
    expect(screen.getByTestId('attention-badge').textContent).toBe('1');
    expect(countOf('attention')).toBe('1 件');
    expect(document.querySelector('[data-count="attention"]')!.className).toContain('count-alert');

    await user.click(screen.getByRole('radio', { name: '需人工处理' }));
    const table = await screen.findByRole('table', { name: '需人工处理' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.getAttribute('data-attention')).toBe('true');
    expect(within(rows[0]!).getByText('审批部门要求补正，请联系申请人补正续办')).toBeTruthy();

    await user.click(within(rows[0]!).getByRole('button', { name: '补正续办' }));
    const request = await screen.findByRole('region', { name: '审批部门要求补正' });
    expect(within(request).getByText('理由：户籍信息需核实')).toBeTruthy();
    const items = within(request).getByRole('list', { name: '需补正的内容' });
    expect(
      within(items)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['户口簿首页及本人页复印件', '近期免冠证件照（白底）']);
    expect(within(request).getByText(/经办人：成都市社保局 赵审批/)).toBeTruthy();
    // The alert stays in the status bar while the clerk works on the draft.
    expect(screen.getByText('有 1 件收件包需要您处理')).toBeTruthy();
  }, 20_000);

  it('asks why before a lapsed 补正 goes on, and shows the reason on the resubmission', async () => {
    let now = Date.UTC(2026, 2, 10, 2, 0); // Tuesday 2026-03-10, 10:00 in the hall
    const core = new FakeCore({ users: [INSTALLER, CLERK], signedIn: CLERK.username, now: () => now });
    const clerk = core.byUsername(CLERK.username)!;
    const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, completeSocialCard());
    core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
    const sealed = core.intake.sealDraft(clerk, draft.id);
    expect(sealed.outcome).toBe('correction');
    now += 30 * 86_400_000;
    const user = userEvent.setup();
    renderOn(core);
    await screen.findByRole('radio', { name: '全部未办结' });
    await user.click(screen.getByRole('radio', { name: '全部未办结' }));
    const table = await screen.findByRole('table', { name: '全部未办结' });
    // The row says the 补正 lapsed (视为放弃), not that anyone is overdue.
    expect(within(table).getByText('逾期未补正，视为放弃')).toBeTruthy();
    await user.click(within(table).getByRole('button', { name: '补正续办' }));
    const panel = await screen.findByRole('alertdialog', { name: '记录理由并补正续办' });
    expect(panel.textContent).toContain(`补正期限已于 ${sealed.deadline} 届满`);
    const reason = within(panel).getByRole('textbox', { name: '继续办理的理由' });
    expect(document.activeElement).toBe(reason);
    const confirm = within(panel).getByRole('button', { name: '记录理由并补正续办' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    // Escape leaves it without a draft; the button asks again.
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await user.click(within(table).getByRole('button', { name: '补正续办' }));
    await user.type(await screen.findByRole('textbox', { name: '继续办理的理由' }), '申请人住院未能按期补正，科长同意');
    await user.tab(); // to the confirm button, by keyboard alone
    expect(document.activeElement?.textContent).toBe('记录理由并补正续办');
    await user.keyboard('{Enter}');
    const banner = await screen.findByTestId('supplement-request');
    expect(banner.textContent).toContain(
      `逾期补正（补正期限 ${sealed.deadline} 已过），继续办理的理由：申请人住院未能按期补正，科长同意`,
    );
    const calls = core.calls.filter((c) => c.method === 'drafts.supplement');
    expect(calls.map((c) => c.input)).toEqual([
      { packetId: sealed.packetId },
      { packetId: sealed.packetId },
      { packetId: sealed.packetId, late: { reason: '申请人住院未能按期补正，科长同意' } },
    ]);
  }, 20_000);

  it('opens a 补正续办 of a window-issued 补正 without a department request', async () => {
    const core = coreWith();
    const clerk = core.byUsername(CLERK.username)!;
    const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, completeSocialCard());
    core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
    const sealed = core.intake.sealDraft(clerk, draft.id);
    expect(sealed.outcome).toBe('correction');
    const user = userEvent.setup();
    renderOn(core);
    const table = await screen.findByRole('table', { name: '今日已封装' });
    await user.click(within(table).getByRole('button', { name: '补正续办' }));
    const banner = await screen.findByTestId('supplement-request');
    expect(banner.textContent).toMatch(/^补正续办：原收件包/);
    // The banner asks for the department's decision once it is on screen (an effect, so
    // after paint on a busy machine); with none to show, no request section appears.
    await waitFor(() => expect(core.calls.some((c) => c.method === 'packets.decision')).toBe(true));
    await act(async () => {});
    expect(within(banner).queryByRole('region')).toBeNull();
  }, 20_000);
});
