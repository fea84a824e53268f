// 申请材料接收凭证, read back from the real PDF with PDF.js and a QR decoder.
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FONT_FILES } from '../../../src-main/documents/fonts.ts';
import { createRequire } from 'node:module';
import { acceptance, manyMaterials, receipt } from './fixtures.ts';
import { decodeQr, flat, pageCount, pdfText, renderToFile } from './pdf-tools.ts';

const HEADER = /序号\s+材料名称\s+应交份数\s+实交份数\s+备注/;

describe('receipt (申请材料接收凭证)', () => {
  it('prints every field of both copies, with the cut line between them on one sheet', async () => {
    const model = receipt({ agent: { name: '李建国', idType: '居民身份证', idNumber: '130102197905061233' } });
    const { file } = await renderToFile(model);
    expect(await pageCount(file)).toBe(1);
    const text = await pdfText(file);
    const all = flat(text);

    expect(text.match(/申请材料接收凭证/g)).toHaveLength(2);
    expect(text).toMatch(/第一联\s*申请人留存/);
    expect(text).toMatch(/第二联\s*窗口存档/);
    expect(text).toContain('沿此线剪开');
    // The first copy is above the cut line, the second below it.
    expect(text.indexOf('第一联')).toBeLessThan(text.indexOf('沿此线剪开'));
    expect(text.indexOf('沿此线剪开')).toBeLessThan(text.indexOf('第二联'));

    expect(all).toContain('编号：xc-zwfw-W03-SJ-2026-000007');
    expect(all).toContain('查询号：7K3M-Q9XD-4RW1');
    expect(all).toContain('申请人：欧阳晓燕（居民身份证：110102********242X）');
    expect(all).toContain('代办人：李建国（居民身份证：130102********1233）');
    // The full ID numbers are not on paper.
    expect(all).not.toContain('11010219860315242X');
    expect(all).not.toContain('130102197905061233');
    expect(all).toContain('申请事项：社会保障卡申领（事项编码：11100000000013127D3000118024000）');
    expect(all).toContain('收件地点：北京市西城区政务服务中心跨省通办专窗3号');
    expect(all).toContain('收件日期：2026年11月25日');
    expect(all).toContain('承诺办结时限：2026年12月9日（10个工作日）');
    expect(all).toContain('收件人：王芳');
    expect(all).toContain('联系电话：010-66012345');
    expect(text.match(/北京市西城区政务服务中心（盖章）/g)).toHaveLength(2);

    expect(all).toContain('审批部门：成都市锦江区医疗保障局');
    // The result's cell wraps beside the fees: its lines come out on either side of them.
    expect(all).toContain('办理结果及送达方式：社会保障卡，邮寄送达（四川省成都市收费：不收费锦江区红星路一段****，李**，尾号5678）');
    expect(all).toContain('咨询电话：028-86661234');
    expect(all).toContain(
      '不服审批部门决定的，可依法向成都市锦江区人民政府申请行政复议或者向成都市锦江区人民法院提起行政诉讼。',
    );
    expect(all.match(/审批部门：/g)).toHaveLength(2);

    expect(text.match(new RegExp(HEADER, 'g'))).toHaveLength(2);
    expect(text).toMatch(/1\s+居民身份证\s+原件1份\s+原件1份\s+核验后退还/);
    expect(text).toMatch(/2\s+近期免冠彩色证件照（白底，358×441\s+1\s+1\s+像素）/);
    expect(text).toMatch(/3\s+社会保障卡申领登记表\s+1\s+1/);
    expect(text).toMatch(/第\s*1\s*页\s*共\s*1\s*页/);
  });

  it('prints the fees as the catalog describes them and names no remedies body when none is configured', async () => {
    const { file } = await renderToFile(
      receipt({ fees: '到期换领工本费20元', remedies: undefined, result: { delivery: '窗口领取' } }),
    );
    expect(await pageCount(file)).toBe(1);
    const all = flat(await pdfText(file));
    expect(all).toContain('收费：到期换领工本费20元');
    expect(all).toContain('办理结果及送达方式：窗口领取');
    expect(all).not.toContain('行政复议');
    expect(all).not.toContain('本机关');
  });

  it('carries on each copy a QR code that scans back to the tracking number', async () => {
    const model = receipt();
    const { file } = await renderToFile(model);
    expect(await decodeQr(file, 1, 'top')).toBe(model.tracking.number);
    expect(await decodeQr(file, 1, 'bottom')).toBe(model.tracking.number);
  });

  it('puts the tracking URL in the QR code when the hall has one, and says it can be scanned', async () => {
    const url = 'https://zwfw.example.gov.cn/track/7K3M-Q9XD-4RW1';
    const { file } = await renderToFile(receipt({ tracking: { number: '7K3M-Q9XD-4RW1', url } }));
    expect(await decodeQr(file, 1, 'top')).toBe(url);
    const all = flat(await pdfText(file));
    expect(all.match(/扫码查询办理进度/g)).toHaveLength(2);
    expect(all).toContain('凭查询号或扫描二维码可在网上查询办理进度');
  });

  it('without a tracking URL promises no scanning: the QR code is the 查询号, asked about by phone or at the window', async () => {
    const { file } = await renderToFile(receipt());
    const all = flat(await pdfText(file));
    expect(all).not.toContain('扫码');
    expect(all).not.toContain('扫描二维码');
    expect(all).toContain('凭查询号可拨打上列联系电话或到收件窗口查询办理进度');
  });

  it('flows a 30-material list onto a second page with the table header repeated, each copy numbered on its own', async () => {
    const model = receipt({ materials: manyMaterials(30) });
    const { file } = await renderToFile(model);
    expect(await pageCount(file)).toBe(4);

    const pages = await Promise.all([1, 2, 3, 4].map((p) => pdfText(file, p)));
    for (const page of pages) expect(page).toMatch(HEADER);
    expect(pages[0]).toMatch(/第一联\s*申请人留存\s+第\s*1\s*页\s*共\s*2\s*页/);
    expect(pages[1]).toMatch(/第一联\s*申请人留存\s+第\s*2\s*页\s*共\s*2\s*页/);
    expect(pages[2]).toMatch(/第二联\s*窗口存档\s+第\s*1\s*页\s*共\s*2\s*页/);
    expect(pages[3]).toMatch(/第二联\s*窗口存档\s+第\s*2\s*页\s*共\s*2\s*页/);

    // Every row once per copy, in order, with its counts; the seal closes each copy.
    const copy1 = flat(pages[0]! + pages[1]!);
    let at = -1;
    for (let i = 1; i <= 30; i++) {
      const next = copy1.indexOf(`${i}第${i}项`, at + 1);
      expect(next, `row ${i}`).toBeGreaterThan(at);
      at = next;
    }
    expect(pages[1]).toMatch(/30\s+第30项 申请材料\s+原件1份\s+原件1份/);
    expect(pages[1]).toMatch(/复印件1份\s+复印件1份/);
    expect(pages[1]).toContain('（盖章）');
    expect(pages[0]).not.toContain('（盖章）');
    expect(flat(pages[2]!)).toContain('编号：xc-zwfw-W03-SJ-2026-000007');
    // One QR code per page that starts a copy.
    expect(await decodeQr(file, 1)).toBe(model.tracking.number);
    expect(await decodeQr(file, 3)).toBe(model.tracking.number);
  });

  it('stays small because only the glyphs used are embedded', async () => {
    const fontSize = statSync(createRequire(import.meta.url).resolve(FONT_FILES.regular)).size;
    const { bytes: one } = await renderToFile(receipt());
    const { bytes: long } = await renderToFile(receipt({ materials: manyMaterials(30) }));
    const { bytes: notice } = await renderToFile(acceptance());
    // Measured: ~43 KB for the one-page receipt, ~57 KB for four pages, ~37 KB for a
    // notice, against a 14.8 MB face. Bounds leave room for longer names, not for the whole font.
    expect(fontSize).toBeGreaterThan(10_000_000);
    expect(one.length).toBeLessThan(100_000);
    expect(notice.length).toBeLessThan(100_000);
    expect(long.length).toBeLessThan(150_000);
  });
});
