// The foundation's whole path in a real browser against the real core: the first
// installer account, the installer creating a clerk, the clerk signing in to home.
import { expect, test } from './browser-host.ts';

test('installer sets up, creates a clerk, and the clerk signs in to home', async ({ page, host }) => {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });

  await page.goto(host.url);
  // The one-time code leaves the address bar at once; the token never was in it.
  await expect(page).not.toHaveURL(/code=/);

  await expect(page.getByRole('heading', { name: '首次使用：创建运维管理员账户' })).toBeVisible();
  await expect(page.getByLabel('用户名')).toBeFocused();
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('姓名').fill('王运维');
  await page.getByLabel('密码', { exact: true }).fill('Install#2026');
  await page.getByLabel('确认密码').fill('Install#2026');
  await page.getByLabel('确认密码').press('Enter');

  // Signed in as installer: user management is there.
  await page.getByRole('button', { name: '用户管理' }).click();
  await page.getByLabel('用户名').fill('clerk01');
  await page.getByLabel('姓名').fill('张窗口');
  await page.getByLabel('岗位角色').selectOption({ label: '窗口人员' });
  await page.getByLabel('初始密码').fill('Clerk#2026a');
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByText('已创建用户 clerk01')).toBeVisible();
  await expect(page.getByRole('table', { name: '用户列表' }).getByRole('cell', { name: 'clerk01' })).toBeVisible();

  // The status bar shows the store's health from core events.
  await expect(page.getByRole('contentinfo', { name: '设备与服务状态' })).toContainText('数据');

  await page.getByRole('button', { name: '退出登录' }).click();

  // A wrong password first: the clerk sees why, in Chinese.
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await page.getByLabel('用户名').fill('clerk01');
  await page.getByLabel('密码').fill('wrong-password');
  await page.getByLabel('密码').press('Enter');
  await expect(page.getByRole('alert')).toContainText('用户名或密码错误');

  await page.getByLabel('密码').fill('Clerk#2026a');
  await page.getByLabel('密码').press('Enter');
  await expect(page.getByText('今日暂无收件')).toBeVisible();
  await expect(page.getByRole('button', { name: '用户管理' })).toHaveCount(0);

  expect(consoleErrors).toEqual([]);
});

test('a clerk can work the keyboard only: lock with the header button, unlock with Enter', async ({ page, host }) => {
  await page.goto(host.url);
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('姓名').fill('王运维');
  await page.getByLabel('密码', { exact: true }).fill('Install#2026');
  await page.getByLabel('确认密码').fill('Install#2026');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: '用户管理' })).toBeVisible();

  await page.getByRole('button', { name: '锁定' }).click();
  await expect(page.getByRole('heading', { name: '屏幕已锁定' })).toBeVisible();
  await expect(page.getByLabel('密码')).toBeFocused();
  await page.keyboard.type('Install#2026');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: '屏幕已锁定' })).toHaveCount(0);
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('table', { name: '用户列表' })).toBeVisible();
});

test('the link the host opens works once: a second tab with it is refused, in Chinese', async ({ page, host, browser }) => {
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: '首次使用：创建运维管理员账户' })).toBeVisible();
  // A reload keeps the tab's token.
  await page.reload();
  await expect(page.getByRole('heading', { name: '首次使用：创建运维管理员账户' })).toBeVisible();

  const other = await browser.newContext();
  const stranger = await other.newPage();
  await stranger.goto(host.url);
  await expect(stranger.getByRole('alert')).toContainText('此打开链接已经使用过');
  await expect(stranger.getByRole('heading', { name: '无法打开通办专窗' })).toBeVisible();
  await other.close();
});
