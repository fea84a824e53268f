import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeCore } from './fake-core.ts';
import { CLERK, renderOn } from './render-app.tsx';
import type { MailingEntry } from '../../src-main/common/mailing.ts';

function parcel(n: number, extra: Partial<MailingEntry> = {}): MailingEntry {
  return {
    packetId: `0193a0c0-0000-7000-8000-00000000000${n}`,
    version: 1,
    trackingCode: `ABCD-EFGH-JKM${n}`,
    itemName: '企业职工基本养老保险关系转移接续',
    applicantName: ['李小梅', '王建国', '赵敏'][n - 1]!,
    departmentId: 'demo-dept',
    state: 'submitted',
    sealedAt: Date.UTC(2026, 11, 3, 2, 0),
    postBy: '2026-12-07',
    late: false,
    originals: [{ materialId: 'transfer-application', name: '基本养老保险关系转移接续申请表', count: 1 }],
    waybill: null,
    recordedAt: null,
    recordedBy: null,
    ...extra,
  };
}

describe('原件寄递 (the mailing list of originals)', () => {
  it('waits for a scan in the first unposted row, refuses a misread number, and moves on after each save', async () => {
    const user = userEvent.setup();
    const core = new FakeCore({ users: [CLERK], signedIn: CLERK.username });
    core.mailing = [
      parcel(1, { postBy: '2026-12-04', late: true }),
      parcel(2),
      parcel(3, { waybill: '1151234567890', recordedAt: Date.UTC(2026, 11, 3, 8), recordedBy: 'zhangli' }),
    ];
    renderOn(core);
    await screen.findByRole('button', { name: /新建收件/ });

    await user.keyboard('{Alt>}2{/Alt}');
    const table = await screen.findByRole('table', { name: '原件寄递清单' });
    expect(screen.getByText('共 3 件：待寄 2 件（其中超期 1 件），已寄 1 件')).toBeTruthy();
    expect(within(table).getByText('已超期')).toBeTruthy();
    expect(within(table).getAllByText('基本养老保险关系转移接续申请表 × 1')).toHaveLength(3);

    const first = within(table).getByLabelText('李小梅 的邮件号');
    await waitFor(() => expect(document.activeElement).toBe(first));

    // A misread scan: the check digit is wrong; nothing is saved.
    await user.keyboard('EA123456784CN{Enter}');
    expect((await within(table).findByRole('alert')).textContent).toMatch(/校验位不对/);
    expect(core.mailing[0]!.waybill).toBeNull();

    await user.clear(first);
    await user.keyboard('ea 123456785 cn{Enter}');
    await within(table).findByText('EA123456785CN');
    expect(core.mailing[0]!.waybill).toBe('EA123456785CN');
    // The cursor is in the next parcel without a number.
    await waitFor(() => expect(document.activeElement).toBe(within(table).getByLabelText('王建国 的邮件号')));
    expect(screen.getByText('共 3 件：待寄 1 件（其中超期 0 件），已寄 2 件')).toBeTruthy();
  });
});
