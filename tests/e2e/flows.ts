// Steps several end-to-end tests share, done through the UI as people do them.
import { expect, type Page } from '@playwright/test';
import { idNumber, pngBytes } from '../fixtures/files.ts';

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
  await addClerkAndSignIn(page);
}

/** From a signed-in installer: a clerk account (clerk01), then the clerk signed in at home. */
export async function addClerkAndSignIn(page: Page): Promise<void> {
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
  await expect(page.getByRole('listbox', { name: '事项搜索结果' }).getByRole('option').first()).toContainText(
    '社会保障卡申领',
  );
  await page.getByLabel('搜索事项').press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: '社会保障卡申领' })).toBeVisible();
}

export const APPLICANT_ID = idNumber('510104', '19900307', '124'); // even 17th digit: female

export async function typeApplicant(page: Page): Promise<void> {
  await page.getByLabel('姓名', { exact: true }).fill('李小梅');
  await page.getByLabel('公民身份号码').fill(APPLICANT_ID);
  await page.getByLabel('性别').selectOption({ label: '女' });
  await page.getByLabel('出生日期').fill('1990-03-07');
  await page.getByLabel('民族').selectOption({ label: '汉族' });
  await page.getByLabel('住址').fill('四川省成都市锦江区红星路一段1号');
  await page.getByLabel('业务属地行政区划代码').fill('510104');
}

/** 下一步 to the form and fill it, staying there. */
export async function fillFormFields(page: Page, phone: string): Promise<void> {
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { level: 3, name: '填写表单' })).toBeVisible();
  // Prefilled from the identity typed on the previous step.
  await expect(page.getByLabel('申请人姓名')).toHaveValue('李小梅');
  await expect(page.getByLabel('民族')).toHaveValue('汉');
  await page.getByLabel('联系电话').fill(phone);
  await page.getByLabel('性别').selectOption({ label: '女' });
  await page.getByLabel('参保地').fill('510104');
  await page.getByLabel('申请人未满16周岁').selectOption({ label: '否' });
  await page.getByLabel('开通金融账户功能').selectOption({ label: '否' });
  await page.getByLabel('送达方式').selectOption({ label: '窗口领取' });
}

export async function fillForm(page: Page, phone: string): Promise<void> {
  await fillFormFields(page, phone);
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { level: 3, name: '收取材料' })).toBeVisible();
}

export async function handIn(page: Page, material: string, file: { name: string; buffer: Buffer }): Promise<void> {
  const group = page.getByRole('group', { name: material });
  await group.getByRole('button', { name: '按应交份数收齐' }).click();
  await group.getByLabel('上传文件').setInputFiles({ ...file, mimeType: 'image/png' });
  await expect(group.getByRole('button', { name: `移除“${file.name}”` })).toBeVisible();
}

export async function review(page: Page, expected: '收件' | '补正'): Promise<void> {
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { level: 3, name: '形式审查' })).toBeVisible();
  for (const radio of await page.getByRole('radio', { name: '符合', exact: true }).all()) await radio.check();
  await page.getByRole('button', { name: '开始审查' }).click();
  await expect(page.getByRole('heading', { name: `审查结论：${expected}` })).toBeVisible();
}

export async function seal(page: Page): Promise<void> {
  await page.getByRole('button', { name: '封装', exact: true }).click();
  await page.getByRole('button', { name: '确认封装' }).click();
  await expect(page.getByRole('heading', { name: '已封装' })).toBeVisible();
}

/** From the clerk's home: 社会保障卡申领 for the typed applicant, with both materials, reviewed as 收件 and sealed. */
export async function sealSocialSecurityCard(page: Page): Promise<void> {
  await startSocialSecurityCard(page);
  await typeApplicant(page);
  await fillForm(page, '13812345678');
  await handIn(page, '申请人居民身份证', { name: '身份证正反面.png', buffer: Buffer.from(pngBytes(40, 25, 120)) });
  await handIn(page, '近期免冠彩色证件照片', { name: '证件照.png', buffer: Buffer.from(pngBytes(36, 44, 200)) });
  await review(page, '收件');
  await seal(page);
}
