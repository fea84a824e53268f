// 评价 in the supervision area: open 差评 first with their 15-working-day clock (red once
// overdue), whether each reached the department, a rating's detail, and the follow-up
// record — from the keyboard.
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RatingView } from '../../src-main/common/rating-report.ts';
import { trackingCodeFromBytes } from '../../src-main/common/tracking-code.ts';
import { FakeCore } from './fake-core.ts';
import { SUPERVISOR, renderOn } from './render-app.tsx';

const GIVEN = Date.UTC(2026, 10, 20, 2, 0, 0); // 2026-11-20 10:00 in the hall

/** A valid 查询号 per rating (the contract checks its check symbol). */
const code = (id: number): string => {
  for (let seed = id * 16; ; seed++) {
    const found = trackingCodeFromBytes(new Uint8Array(7).fill(seed));
    if (found) return found;
  }
};

function rating(id: number, patch: Partial<RatingView> = {}): RatingView {
  return {
    ratingId: `00000000-0000-4000-8000-00000000000${id}`,
    packetId: '01900000-0000-7000-8000-000000000000',
    version: 1,
    trackingCode: code(id),
    itemCode: 'SB-0001',
    itemName: '社会保障卡申领',
    departmentId: 'demo-dept',
    departmentName: '成都市人社局',
    regionCode: '110105',
    clerk: { username: 'zhangli', displayName: '张丽' },
    overall: 5,
    efficiency: 5,
    skill: 5,
    attitude: 5,
    category: null,
    text: null,
    bad: false,
    givenAt: GIVEN + id * 60_000,
    followUp: null,
    sync: { state: 'sent', attempts: 0, lastErrorCode: null, nextAttemptAt: null, sentAt: GIVEN },
    ...patch,
  };
}

function bad(id: number, due: string, workingDaysLeft: number, patch: Partial<RatingView> = {}): RatingView {
  return rating(id, {
    overall: 2,
    efficiency: 1,
    attitude: 2,
    bad: true,
    category: 'repeatedVisits',
    text: '材料交了三次',
    followUp: { due, workingDaysLeft, overdue: workingDaysLeft < 0, closedAt: null, records: [] },
    ...patch,
  });
}

function coreWith(ratings: RatingView[]): FakeCore {
  const core = new FakeCore({ users: [SUPERVISOR], signedIn: SUPERVISOR.username });
  core.ratings.ratings = ratings;
  return core;
}

async function ratingRows() {
  const table = await screen.findByRole('table', { name: '评价' });
  return within(table).getAllByRole<HTMLTableRowElement>('row').slice(1);
}

describe('评价 (the supervisor’s ratings panel)', () => {
  it('lists open 差评 first, overdue in red, with their clock and whether each was sent', async () => {
    const core = coreWith([
      rating(1),
      bad(2, '2026-12-11', 5),
      bad(3, '2026-12-04', -2),
      rating(4, {
        sync: { state: 'waiting', attempts: 3, lastErrorCode: 'sync.unreachable', nextAttemptAt: 1, sentAt: null },
      }),
      bad(5, '2026-12-09', 0, {
        followUp: {
          due: '2026-12-09',
          workingDaysLeft: null,
          overdue: false,
          closedAt: GIVEN + 86_400_000,
          records: [],
        },
        sync: { state: 'held', attempts: 1, lastErrorCode: 'sync.tokenRejected', nextAttemptAt: null, sentAt: null },
      }),
    ]);
    renderOn(core);
    const rows = await ratingRows();
    expect(rows.map((row) => [...row.cells].map((cell) => cell.textContent))).toEqual([
      [
        '2026-11-20 10:03',
        `${code(3)} 社会保障卡申领`,
        '张丽',
        '差评 不满意',
        '已逾期 2 个工作日（应于 2026-12-04 前完成）',
        '已报送',
      ],
      [
        '2026-11-20 10:02',
        `${code(2)} 社会保障卡申领`,
        '张丽',
        '差评 不满意',
        '剩 5 个工作日（2026-12-11 前）',
        '已报送',
      ],
      [
        '2026-11-20 10:05',
        `${code(5)} 社会保障卡申领`,
        '张丽',
        '差评 不满意',
        '已完成回访（2026-11-21 10:00）',
        '报送受阻，请联系运维人员',
      ],
      ['2026-11-20 10:04', `${code(4)} 社会保障卡申领`, '张丽', '非常满意', '—', '待报送（已重试 3 次）'],
      ['2026-11-20 10:01', `${code(1)} 社会保障卡申领`, '张丽', '非常满意', '—', '已报送'],
    ]);
    expect(rows[0]!.cells[4]!.className).toContain('follow-up-overdue');
    expect(rows[1]!.cells[4]!.className).not.toContain('follow-up-overdue');
  });

  it('moves with ↑ / ↓, shows the rating, and records a follow-up that stops the clock', async () => {
    const user = userEvent.setup();
    const core = coreWith([bad(2, '2026-12-11', 5), bad(3, '2026-12-04', -2)]);
    renderOn(core);
    const rows = await ratingRows();
    const detail = () => screen.getByRole('region', { name: '评价详情' });
    expect(rows[0]!.getAttribute('aria-selected')).toBe('true');
    expect(within(detail()).getByRole('heading', { name: `${code(3)} 社会保障卡申领` })).toBeTruthy();

    rows[0]!.focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(rows[1]);
    expect(rows[1]!.getAttribute('aria-selected')).toBe('true');
    expect(within(detail()).getByRole('heading', { name: `${code(2)} 社会保障卡申领` })).toBeTruthy();
    expect(
      within(detail()).getByText('总体评价 不满意，办事效率 非常不满意，业务水平 非常满意，服务态度 不满意'),
    ).toBeTruthy();
    expect(within(detail()).getByText('多次跑动、反复提交材料')).toBeTruthy();
    expect(within(detail()).getByText('材料交了三次')).toBeTruthy();
    expect(within(detail()).getByText('尚无整改回访记录')).toBeTruthy();

    // Enter: to the record field. An empty record is not sent.
    await user.keyboard('{Enter}');
    const field = within(detail()).getByRole('textbox', { name: '本次所做的工作（回访、整改、答复情况）' });
    expect(document.activeElement).toBe(field);
    await user.click(within(detail()).getByRole('button', { name: '保存记录' }));
    expect(within(detail()).getByRole('alert').textContent).toBe('请填写所做的工作。');
    expect(core.ratings.followUps).toEqual([]);

    await user.type(field, '已电话回访并整改');
    await user.click(within(detail()).getByRole('checkbox', { name: '整改回访已完成，结束计时' }));
    await user.click(within(detail()).getByRole('button', { name: '保存记录' }));
    expect(await within(detail()).findByText('已保存整改回访记录。')).toBeTruthy();
    expect(core.ratings.followUps).toEqual([
      { ratingId: '00000000-0000-4000-8000-000000000002', action: '已电话回访并整改', closes: true },
    ]);
    expect(within(detail()).getByRole('listitem').textContent).toMatch(/ 刘强：已电话回访并整改$/);
    expect((await ratingRows())[1]!.cells[4]!.textContent).toMatch(/^已完成回访/);
  });

  it('filters to 差评 only', async () => {
    const user = userEvent.setup();
    renderOn(coreWith([rating(1), bad(2, '2026-12-11', 5)]));
    expect(await ratingRows()).toHaveLength(2);
    await user.selectOptions(screen.getByRole('combobox', { name: '显示' }), '仅差评');
    await screen.findByRole('table', { name: '评价' });
    expect(await ratingRows()).toHaveLength(1);
  });

  it('says when there are no ratings yet', async () => {
    renderOn(coreWith([]));
    expect(await screen.findByText('暂无评价')).toBeTruthy();
  });
});
