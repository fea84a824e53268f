import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeCore } from './fake-core.ts';
import { SUPERVISOR, renderOn } from './render-app.tsx';

describe('时限看板 (the supervisor’s duty board)', () => {
  it('shows each clerk’s overruns in red before what is due today in yellow', async () => {
    const core = new FakeCore({ users: [SUPERVISOR], signedIn: SUPERVISOR.username });
    const item = { version: 1, applicantName: '李小梅', itemName: '社会保障卡申领', state: 'sealed' as const };
    core.dutyBoard = {
      today: '2026-12-07',
      clerks: [
        {
          username: 'zhangli',
          displayName: '张丽',
          yellow: 1,
          red: 1,
          items: [
            { ...item, packetId: 'p1', trackingCode: 'AAAA-BBBB-CCC1', duty: 'push', level: 'red', due: '2026-12-04' },
            {
              ...item,
              packetId: 'p2',
              trackingCode: 'AAAA-BBBB-CCC2',
              duty: 'post',
              level: 'yellow',
              due: '2026-12-07',
            },
          ],
        },
      ],
    };
    renderOn(core);
    await screen.findByRole('heading', { name: '时限看板' });
    expect(await screen.findByRole('heading', { name: '张丽：红色 1 件，黄色 1 件' })).toBeTruthy();
    const rows = within(screen.getByRole('table', { name: '张丽 的临近与超期办件' })).getAllByRole('row');
    expect(rows.slice(1).map((r) => r.textContent)).toEqual([
      '超期窗口推送（1 个工作日）AAAA-BBBB-CCC1李小梅社会保障卡申领2026-12-04',
      '临近原件寄出（2 个工作日）AAAA-BBBB-CCC2李小梅社会保障卡申领2026-12-07',
    ]);
  });

  it('says when nothing is near or overrun', async () => {
    const core = new FakeCore({ users: [SUPERVISOR], signedIn: SUPERVISOR.username });
    renderOn(core);
    expect(await screen.findByText('没有临近或超期的办件。')).toBeTruthy();
  });
});
