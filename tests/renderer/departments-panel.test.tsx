import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src-main/common/i18n/index.ts';
import { FakeCore } from './fake-core.ts';
import { completeSocialCard, pngBytes, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK, INSTALLER, renderOn } from './render-app.tsx';

const BEIJING = {
  id: 'demo-dept',
  name: '北京市社会保险事业管理中心',
  endpoint: 'https://sbj.example.gov.cn/tongban',
  scheme: 'sm2',
} as const;
const DEMO = { id: 'demo-extra', name: '演示审批部门', endpoint: 'embedded' } as const;

function installerCore() {
  return new FakeCore({
    users: [INSTALLER, CLERK],
    signedIn: INSTALLER.username,
    sync: { windowId: 'BJ-XC-03', departments: [BEIJING, DEMO] },
  });
}

async function departmentCard(core: FakeCore, name: string) {
  const user = userEvent.setup();
  renderOn(core);
  const panel = await screen.findByRole('region', { name: '审批部门' });
  const card = await within(panel).findByRole('region', { name });
  return { user, panel, card: within(card) };
}

/** A clerk sealed a packet before the installer set the token: held for it. */
function heldPacket(core: FakeCore) {
  const clerk = core.byUsername(CLERK.username)!;
  const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, completeSocialCard());
  core.intake.seedFile(draft.id, 'applicant-id-card', '身份证.png', pngBytes(), 'image/png');
  core.intake.seedFile(draft.id, 'photo', '照片.png', pngBytes(), 'image/png');
  core.intake.sealDraft(clerk, draft.id);
  core.sync.pump();
  expect(core.intake.packets[0]!.state).toBe('blocked');
}

describe('DepartmentsPanel (部署与设备 → 审批部门)', () => {
  it('shows what the department needs to enrol this window, and copies the public key', async () => {
    const core = installerCore();
    const { user, panel, card } = await departmentCard(core, BEIJING.name);
    const key = core.sync.key('sm2');

    expect(within(panel).getAllByText('BJ-XC-03')[0]!.closest('dd')!.previousElementSibling!.textContent).toBe(
      '本窗口编号',
    );
    expect(card.getByText(BEIJING.endpoint)).toBeTruthy();
    expect(card.getByText('未接入')).toBeTruthy();
    expect(card.getByText(errorMessage('sync.tokenMissing', { departmentId: BEIJING.name }))).toBeTruthy();
    expect(card.getByText('未设置')).toBeTruthy();
    expect(card.getByText('SM2（国密，SM3 摘要）')).toBeTruthy();
    expect(card.getByText(key.keyId)).toBeTruthy();

    const publicKey = card.getByLabelText('签名公钥') as HTMLTextAreaElement;
    expect(publicKey.readOnly).toBe(true);
    expect(publicKey.value).toBe(key.publicKey);
    expect(publicKey.value).toMatch(/^04[0-9a-f]{128}$/);
    expect(publicKey.className).toContain('mono');

    await user.click(card.getByRole('button', { name: '复制公钥' }));
    expect(await card.findByText('已复制公钥。')).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(key.publicKey);

    // The embedded demo department enrols itself: no token to set.
    const demo = within(within(panel).getByRole('region', { name: DEMO.name }));
    expect(demo.getByText('本机内置（演示）')).toBeTruthy();
    expect(demo.getByText('已设置')).toBeTruthy();
    expect(demo.getByText('演示审批部门由本机自动登记，无需设置令牌。')).toBeTruthy();
    expect(demo.queryByLabelText('接入令牌')).toBeNull();
    expect((demo.getByLabelText('签名公钥') as HTMLTextAreaElement).value).toBe(core.sync.key('ed25519').publicKey);
  });

  it('refuses a malformed token before sending it', async () => {
    const core = installerCore();
    const { user, card } = await departmentCard(core, BEIJING.name);
    const field = card.getByLabelText('接入令牌') as HTMLInputElement;
    expect(field.type).toBe('password');
    await user.type(field, 'short token');
    await user.click(card.getByRole('button', { name: '保存令牌' }));
    expect(card.getByText('令牌应为 16–512 位字母、数字或符号，不含空格。')).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(core.methodsCalled()).not.toContain('sync.setDepartmentToken');
  });

  it('shows the Chinese reason when the department rejects the token, and stores nothing', async () => {
    const core = installerCore();
    const department = core.sync.department(BEIJING.id);
    const { user, card } = await departmentCard(core, BEIJING.name);
    const field = card.getByLabelText('接入令牌') as HTMLInputElement;

    await user.type(field, 'tb_not-issued-by-anyone-0123456789');
    await user.keyboard('{Enter}');
    expect((await card.findByRole('alert')).textContent).toBe(errorMessage('sync.tokenRejected'));
    expect(field.value).toBe('');
    expect(document.activeElement).toBe(field);
    expect(core.sync.tokenSet(BEIJING.id)).toBe(false);
    expect(card.getByText('未设置')).toBeTruthy();

    // Issued, but for another window's key.
    const foreign = department.enrol('BJ-XC-09', core.sync.key('sm2').keyId);
    await user.type(field, foreign);
    await user.keyboard('{Enter}');
    expect((await card.findByRole('alert')).textContent).toBe(errorMessage('sync.enrolmentMismatch'));
    expect(core.sync.tokenSet(BEIJING.id)).toBe(false);
  });

  it('sets a token the department issued for this window, never showing it, and held packets go on', async () => {
    const core = installerCore();
    heldPacket(core);
    const token = core.sync.department(BEIJING.id).enrol('BJ-XC-03', core.sync.key('sm2').keyId);
    const { user, card } = await departmentCard(core, BEIJING.name);
    const field = card.getByLabelText('接入令牌') as HTMLInputElement;

    await user.type(field, token);
    await user.click(card.getByRole('button', { name: '保存令牌' }));
    expect(await card.findByText('已保存接入令牌，审批部门已确认本窗口的登记。')).toBeTruthy();
    expect(field.value).toBe('');
    expect(await card.findByText('已设置')).toBeTruthy();
    expect(card.getByText('正常')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(token);
    expect(core.calls.find((c) => c.method === 'sync.setDepartmentToken')?.input).toEqual({
      departmentId: BEIJING.id,
      token,
    });
    // The packet held for the token is released (back to 待报送) and goes on.
    expect(core.intake.packets[0]!.state).toBe('sealed');
    core.sync.drain();
    expect(core.intake.packets[0]!.state).toBe('delivered');
  });

  it('stores a token it could not verify while the department is out of reach, and says so', async () => {
    const core = installerCore();
    core.sync.department(BEIJING.id).reachable = false;
    const { user, card } = await departmentCard(core, BEIJING.name);
    await user.type(card.getByLabelText('接入令牌'), 'tb_issued-on-paper-0123456789');
    await user.keyboard('{Enter}');
    expect(
      await card.findByText(`已保存接入令牌，但暂时未能向审批部门核实：${errorMessage('sync.unreachable')}`),
    ).toBeTruthy();
    expect(card.getByText('已设置')).toBeTruthy();
    expect(core.sync.tokenSet(BEIJING.id)).toBe(true);
  });
});
