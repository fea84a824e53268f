// Receipt printer (#12): how long encoding a long receipt-like document takes (GB18030
// text with 2- and 4-byte characters, label–value pairs, a QR code, a logo, a cut), and
// how long our reader takes to read it back. Both are pure; the target is a few
// milliseconds for a receipt, far below the printer's own time on paper (seconds).
import { encodeDocument, type PrintDocument } from '../src-main/devices/printer/escpos.ts';
import { readEscPos } from '../src-main/devices/printer/escpos-reader.ts';
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
  await Promise.resolve();
}
