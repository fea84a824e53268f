// The queue at a busy window in Chromium against the real core, at the window's 1366×768:
// a year of history (sealed through the real PacketStore into the host's own encrypted
// database), every filter with its count, pages turned by keyboard, a search by name and by
// 查询号 typed loosely, and a document opened from its row. Screenshots for a person to look at.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { PacketStore } from '../../src-main/packets/packet-store.ts';
import { recordBlob } from '../../src-main/store/blob-records.ts';
import { BlobStore } from '../../src-main/store/blob-store.ts';
import { openDatabase } from '../../src-main/store/database.ts';
import { deriveStoreKeys } from '../../src-main/store/keys.ts';
import { fillHistory, type HistoryPacket } from '../fixtures/queue-history.ts';
import { expect, startHost, test } from './browser-host.ts';
import { CLERK_PASSWORD, signInNewClerk } from './flows.ts';

const COUNT = 130;

/** Seals a year of history into the stopped host's data directory; the notices name one real PDF. */
async function fillDataDir(dataDir: string): Promise<HistoryPacket[]> {
  const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const backups = mkdtempSync(join(tmpdir(), 'tongban-e2e-backup-'));
  const db = openDatabase({ file: join(dataDir, 'db', 'tongban.db'), key: keys.databaseKey, backupDir: backups });
  try {
    const pdf = await PDFDocument.create();
    pdf.addPage([595, 842]);
    const bytes = await pdf.save();
    const stored = await new BlobStore(join(dataDir, 'blobs'), keys.blobKey).put(bytes);
    recordBlob(db, { sha256: stored.sha256, size: bytes.length }, Date.now());
    return fillHistory(db, new PacketStore(db, keys.searchKey), {
      count: COUNT,
      until: Date.now(),
      days: 365,
      seed: 11,
      documentBlob: { sha256: stored.sha256, size: bytes.length },
    });
  } finally {
    db.close();
    rmSync(backups, { recursive: true, force: true });
  }
}

test('a year of history: filters with counts, pages by keyboard, search by name and 查询号, at 1366×768', async ({
  page,
  host,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signInNewClerk(page, host.url);
  await host.stop();
  const history = await fillDataDir(host.dataDir);
  const again = await startHost({ dataDir: host.dataDir });
  try {
    await page.goto('about:blank');
    await page.goto(again.url);
    await page.getByLabel('用户名').fill('clerk01');
    await page.getByLabel('密码').fill(CLERK_PASSWORD);
    await page.getByLabel('密码').press('Enter');

    // Every filter says how many it holds; 需人工处理 is an alert, on the queue and in the status bar.
    // (The history has no outbox rows: what needs the clerk here are the department's decisions.)
    const attention = history.filter((p) => ['correction_required', 'refused', 'approved'].includes(p.state));
    const all = page.getByRole('radio', { name: '全部', exact: true });
    await expect(page.locator('[data-count="all"]')).toHaveText(`${COUNT} 件`);
    await expect(page.locator('[data-count="attention"]')).toHaveText(`${attention.length} 件`);
    await expect(
      page.getByRole('status').filter({ hasText: `有 ${attention.length} 件收件包需要您处理` }),
    ).toBeVisible();
    await expect(page.getByTestId('attention-badge')).toHaveText(String(attention.length));

    await all.check();
    const table = page.getByRole('table', { name: '全部收件包' });
    await expect(table.getByRole('row')).toHaveCount(51);
    const newest = [...history].sort((a, b) => b.sealedAt - a.sealedAt);
    await expect(table.getByRole('row').nth(1)).toContainText(newest[0]!.name);
    await page.screenshot({ path: test.info().outputPath('queue-all-1366x768.png') });

    // The table fits the screen: no column, no action pushed off to the right.
    const box = (await table.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1366);
    for (const button of await table.getByRole('button').all()) {
      const each = (await button.boundingBox())!;
      expect(each.x + each.width).toBeLessThanOrEqual(1366);
    }

    // Next page by keyboard: the next 50, newest first, without a repeat.
    const next = page.getByRole('navigation', { name: '翻页' }).getByRole('button', { name: '下一页' });
    await next.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByText(`第 2 页 · 共 ${COUNT} 件`)).toBeVisible();
    await expect(table.getByRole('row').nth(1)).toContainText(newest[50]!.name);
    await page.keyboard.press('Enter');
    await expect(page.getByText(`第 3 页 · 共 ${COUNT} 件`)).toBeVisible();
    await expect(table.getByRole('row')).toHaveCount(COUNT - 100 + 1);
    await expect(next).toBeDisabled();

    // Search by a whole name, typed into the one box and sent with Enter.
    const target = newest[70]!;
    const box2 = page.getByRole('searchbox', { name: '查找收件包' });
    await box2.focus();
    await page.keyboard.type(target.name);
    await page.keyboard.press('Enter');
    const found = page.getByRole('table', { name: `查找“${target.name}”：全部` });
    const sameName = history.filter((p) => p.name === target.name);
    await expect(found.getByRole('row')).toHaveCount(sameName.length + 1);
    await expect(page.locator('[data-count="all"]')).toHaveText(`${sameName.length} 件`);

    // The 查询号 as an applicant reads it out: lower case, no dashes.
    await box2.fill(target.trackingCode.replace(/-/g, '').toLowerCase());
    await box2.press('Enter');
    const byCode = page.getByRole('table', { name: /^查找“/ });
    await expect(byCode.getByRole('row')).toHaveCount(2);
    await expect(byCode.getByRole('row').nth(1)).toContainText(target.trackingCode);

    // Every document of the packet opens from its row.
    await byCode.getByRole('button', { name: '查看《申请材料接收凭证》' }).click();
    await expect(page.getByRole('link', { name: '下载《申请材料接收凭证》' })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('queue-search-1366x768.png') });

    // Escape clears the search: back to the whole filter.
    await box2.focus();
    await page.keyboard.press('Escape');
    await expect(page.locator('[data-count="all"]')).toHaveText(`${COUNT} 件`);
  } finally {
    await again.stop();
  }
});
