// Receipt printer (#12): how long encoding a long receipt-like document takes (GB18030
// text with 2- and 4-byte characters, label–value pairs, a QR code, a logo, a cut), and
// how long our reader takes to read it back. Both are pure; the target is a few
// milliseconds for a receipt, far below the printer's own time on paper (seconds).
// Then the real 收件回执 slip (documents/thermal.ts): laying it out, encoding it, and the
// on-screen preview (previewPng: encode, read back, draw the roll dot for dot, PNG).
import { encodeDocument, type PrintDocument } from '../src-main/devices/printer/escpos.ts';
import { readEscPos } from '../src-main/devices/printer/escpos-reader.ts';
import { previewPng } from '../src-main/devices/printer/preview.ts';
import { receiptSlip } from '../src-main/documents/thermal.ts';
import { manyMaterials, receipt } from '../tests/main/documents/fixtures.ts';
import { record } from './support.ts';

function receiptLike(lines: number): PrintDocument {
  const logo = { width: 256, height: 64, bits: new Uint8Array(32 * 64).map((_, i) => (i * 31) & 0xff) };
  return {
    paper: 80,
    blocks: [
      { kind: 'image', image: logo },
      { kind: 'text', text: '收件回执', align: 'center', bold: true, width: 2, height: 2 },
      { kind: 'rule' },
      ...Array.from({ length: lines }, (_, i) =>
        i % 3 === 0
          ? { kind: 'pair' as const, left: `材料${i}：身份证明`, right: '原件 1 份' }
          : { kind: 'text' as const, text: `申请人 张𠮷龘 第${i}行：跨省通办专窗收件，请妥善保管本回执 TB2026-${i}` },
      ),
      { kind: 'qr', data: 'https://tongban.example/t/TB2026120600012345', moduleSize: 6 },
      { kind: 'barcode', data: 'TB2026120600012345' },
      { kind: 'cut' },
    ],
  };
}

export async function benchEscpos(): Promise<void> {
  for (const lines of [40, 400]) {
    const document = receiptLike(lines);
    for (let i = 0; i < 20; i++) encodeDocument(document);
    const runs = 200;
    let started = performance.now();
    let bytes: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < runs; i++) bytes = encodeDocument(document);
    const encodeMs = (performance.now() - started) / runs;
    started = performance.now();
    for (let i = 0; i < runs; i++) readEscPos(bytes);
    const readMs = (performance.now() - started) / runs;
    record(`escpos encode, ${lines}-line receipt`, `${encodeMs.toFixed(3)} ms`, `${bytes.length} bytes`);
    record(`escpos read back, ${lines}-line receipt`, `${readMs.toFixed(3)} ms`);
  }
  benchReceiptSlip();
  await Promise.resolve();
}

/** Mean milliseconds of `runs` calls, after `warm` untimed ones. */
function mean(runs: number, warm: number, fn: () => unknown): number {
  for (let i = 0; i < warm; i++) fn();
  const started = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - started) / runs;
}

/** The 收件回执 slip with an agent, a 4-byte character in the name and 8 materials, on both papers. */
function benchReceiptSlip(): void {
  const model = receipt({
    applicant: { name: '欧阳𠮷燕', idType: '居民身份证', idNumber: '11010219860315242X' },
    agent: { name: '李建国', idType: '居民身份证', idNumber: '130102197905061233' },
    materials: manyMaterials(8),
    tracking: { number: '7K3M-Q9XD-4RW1', url: 'https://zwfw.example.gov.cn/track/7K3M-Q9XD-4RW1' },
  });
  for (const paper of [58, 80] as const) {
    const options = { paper, receivedAt: '2026-11-25 14:32' };
    const document = receiptSlip(model, options);
    const bytes = encodeDocument(document);
    const layoutMs = mean(200, 20, () => receiptSlip(model, options));
    const encodeMs = mean(200, 20, () => encodeDocument(document));
    const png = previewPng(document);
    const previewMs = mean(10, 2, () => previewPng(document));
    const lines = readEscPos(bytes).filter((e) => e.kind === 'line').length;
    record(`receipt slip ${paper} mm, layout (receiptSlip)`, `${layoutMs.toFixed(3)} ms`, `${lines} lines`);
    record(`receipt slip ${paper} mm, encode`, `${encodeMs.toFixed(3)} ms`, `${bytes.length} bytes`);
    record(
      `receipt slip ${paper} mm, previewPng`,
      `${previewMs.toFixed(1)} ms`,
      `${(png.length / 1024).toFixed(0)} KiB PNG`,
    );
  }
}
