// 受理通知书, 补正材料通知书 and 不予受理通知书, read back from the real PDF.
import { describe, expect, it } from 'vitest';
import { renderDocument } from '../../../src-main/documents/render.ts';
import { acceptance, correction, refusal } from './fixtures.ts';
import { flat, pageCount, pdfText, renderToFile } from './pdf-tools.ts';

describe('acceptance notice (受理通知书)', () => {
  it('states the acceptance, the decision deadline and the materials received', async () => {
    const { file } = await renderToFile(acceptance());
    const text = await pdfText(file);
    const all = flat(text);
    expect(await pageCount(file)).toBe(1);
    expect(all).toContain('受理通知书');
    expect(all).toContain('编号：SL-110102-20261125-0003');
    expect(all).toContain('欧阳晓燕：');
    expect(all).toContain(
      '你（代办人：李建国）于2026年11月25日提交的“户口迁移（夫妻投靠）”（事项编码：11100000000013338W3000112001000）申请',
    );
    expect(all).toContain('材料齐全，符合法定形式，现予受理');
    expect(all).toContain('河北省石家庄市公安局长安分局将依法于2026年12月23日（20个工作日）前作出决定');
    expect(text).toMatch(/序号\s+材料名称\s+应交份数\s+实交份数\s+备注/);
    expect(text).toMatch(/1\s+迁入地居民户口簿\s+原件1份\s+原件1份/);
    expect(text).toMatch(/2\s+结婚证\s+原件1份\s+原件1份/);
    expect(text).toMatch(/4\s+授权委托书\s+原件1份\s+原件1份\s+代办/);
    expect(all).toContain('联系人：王芳联系电话：010-66012345');
    expect(all).toContain('北京市西城区政务服务中心（盖章）2026年11月25日');
  });

  it('under 委托受理 says in whose name the window accepts, and by which instrument', async () => {
    const { file } = await renderToFile(
      acceptance({ entrustedBy: { department: '河北省石家庄市公安局长安分局', document: '长公委〔2026〕3号' } }),
    );
    const all = flat(await pdfText(file));
    expect(all).toContain(
      '受河北省石家庄市公安局长安分局委托（长公委〔2026〕3号），经审查，申请材料齐全，符合法定形式，现予受理',
    );
  });

  it('says when a deadline rests on holidays not yet published', async () => {
    const { file } = await renderToFile(
      acceptance({ decisionDeadline: { date: '2027-01-08', workingDays: 20, provisional: true } }),
    );
    expect(flat(await pdfText(file))).toContain('2027年1月8日（20个工作日）（按预排节假日计算，以正式公布为准）');
  });
});

describe('correction notice (补正材料通知书, 一次性告知)', () => {
  it('lists every problem and every material to supply, the legal basis, deadline, lapse, contact and signatures', async () => {
    const { file } = await renderToFile(correction());
    const text = await pdfText(file);
    const all = flat(text);
    expect(all).toContain('补正材料通知书（一次性告知）');
    expect(all).toContain('编号：BZ-110102-20261125-0002');
    expect(all).toContain('欧阳晓燕：');
    expect(all).toContain('你于2026年11月25日提交的“户口迁移（夫妻投靠）”');
    expect(all).toContain('根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定');
    expect(all).toContain('一次性告知');
    expect(all).toContain('一、存在的问题（共3项）');
    expect(all).toContain('1．未提交结婚证原件。');
    expect(all).toContain('2．居民身份证号码校验码不符，可能有数字录入错误。');
    expect(all).toContain('3．申请表中“迁入地址”与户口簿记载不一致。');
    expect(all).toContain('二、需补正的材料');
    expect(all).toContain('1．结婚证原件1份。');
    expect(all).toContain('2．更正后的《户口迁移申请表》1份。');
    expect(all).toContain('请于2026年12月2日（5个工作日）前补正上述全部内容');
    expect(all).toContain('逾期视为放弃');
    expect(all).toContain('联系人：王芳联系电话：010-66012345');
    expect(all).toContain('窗口工作人员（签字）：');
    expect(all).toContain('申请人（签字）：');
    expect(all).toContain('北京市西城区政务服务中心（盖章）2026年11月25日');
  });

  it('runs a long list onto further pages, numbered 第 x 页 共 y 页', async () => {
    const problems = Array.from(
      { length: 45 },
      (_, i) => `第${i + 1}个问题：材料页面模糊，无法辨认签字和日期，请重新提交清晰的原件扫描件`,
    );
    const { file } = await renderToFile(correction({ problems }));
    const pages = await pageCount(file);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let p = 1; p <= pages; p++)
      expect(await pdfText(file, p)).toMatch(new RegExp(`第\\s*${p}\\s*页\\s*共\\s*${pages}\\s*页`));
    const all = flat(await pdfText(file));
    for (let i = 1; i <= 45; i++) expect(all).toContain(`${i}．第${i}个问题`);
    expect(flat(await pdfText(file, pages))).toContain('（盖章）');
  });
});

describe('refusal notice (不予受理通知书)', () => {
  it('gives each reason with its legal article and the remedies with the bodies named', async () => {
    const model = refusal({
      reasons: [
        refusal().reasons[0]!,
        {
          reason: '申请事项不属于本窗口受理范围',
          legalBasis: '《中华人民共和国行政许可法》第三十二条第一款第（二）项',
        },
      ],
    });
    const { file } = await renderToFile(model);
    const all = flat(await pdfText(file));
    expect(all).toContain('不予受理通知书');
    expect(all).toContain('编号：BSL-110102-20261125-0001');
    expect(all).toContain('欧阳晓燕：');
    expect(all).toContain(
      '你于2026年11月25日提交的“户口迁移（夫妻投靠）”（事项编码：11100000000013338W3000112001000）申请，经审查，决定不予受理',
    );
    expect(all).toContain(
      '1．申请人与被投靠人结婚未满2年，不符合迁入地夫妻投靠落户条件。依据：《中华人民共和国行政许可法》第三十二条第一款第（二）项。',
    );
    expect(all).toContain(
      '2．申请事项不属于本窗口受理范围。依据：《中华人民共和国行政许可法》第三十二条第一款第（二）项。',
    );
    expect(all).toContain('自收到本通知书之日起六十日内向北京市西城区人民政府申请行政复议');
    expect(all).toContain('自收到本通知书之日起六个月内向北京市西城区人民法院提起行政诉讼');
    expect(all).toContain('北京市西城区政务服务中心（盖章）2026年11月25日');
  });
});

describe('renderDocument', () => {
  it('gives the same bytes for the same model, so a stored document can be checked by rendering again', async () => {
    const a = await renderDocument(refusal());
    const b = await renderDocument(refusal());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('refuses a model that does not parse, naming the field', async () => {
    const bad = { ...acceptance(), receivedOn: '2026-02-30' };
    await expect(renderDocument(bad)).rejects.toThrow(/acceptance document model: receivedOn/);
    const noMaterials = { ...acceptance(), materials: [] };
    await expect(renderDocument(noMaterials)).rejects.toThrow(/materials/);
  });
});
