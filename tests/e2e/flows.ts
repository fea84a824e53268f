// Steps several end-to-end tests share, done through the UI as people do them.
import { expect, type Page } from '@playwright/test';

export const INSTALLER_PASSWORD = 'Install#2026';
export const CLERK_PASSWORD = 'Clerk#2026a';

/** First run: the installer account, a clerk account, then the clerk signed in at home. */
export async function signInNewClerk(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('姓名').fill('王运维');
  await page.getByLabel('密码', { exact: true }).fill(INSTALLER_PASSWORD);
  await page.getByLabel('确认密码').fill(INSTALLER_PASSWORD);
  await page.getByLabel('确认密码').press('Enter');
  await page.getByRole('button', { name: '用户管理' }).click();
  await page.getByLabel('用户名').fill('clerk01');
  await page.getByLabel('姓名').fill('张窗口');
  await page.getByLabel('岗位角色').selectOption({ label: '窗口人员' });
  await page.getByLabel('初始密码').fill(CLERK_PASSWORD);
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByText('已创建用户 clerk01')).toBeVisible();
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByLabel('用户名').fill('clerk01');
  await page.getByLabel('密码').fill(CLERK_PASSWORD);
  await page.getByLabel('密码').press('Enter');
  await expect(page.getByRole('button', { name: '新建收件' })).toBeVisible();
}

/** From the clerk's home: a new intake of 社会保障卡申领, chosen by its pinyin initials; lands on its applicant step. */
export async function startSocialSecurityCard(page: Page): Promise<void> {
  await page.getByRole('button', { name: '新建收件' }).click();
  await page.getByLabel('搜索事项').fill('sbk');
  await expect(page.getByRole('listbox', { name: '事项搜索结果' }).getByRole('option').first()).toContainText('社会保障卡申领');
  await page.getByLabel('搜索事项').press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: '社会保障卡申领' })).toBeVisible();
}
