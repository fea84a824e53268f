// The binder on its own: the same request gives the same bytes (a 补正 that leaves a
// material alone re-sends nothing), a certificate included, and a name outside the main
// font's range still prints on the mark.
import { describe, expect, it } from 'vitest';
import { bindPages } from '../../../src-main/documents/bind-pages.ts';
import type { BindRequest } from '../../../src-main/documents/render-protocol.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { pngBytes } from '../../fixtures/files.ts';

const pages = [
  { bytes: pngBytes(856, 540, 60), mediaType: 'image/png' as const },
  { bytes: pngBytes(856, 540, 160), mediaType: 'image/png' as const },
  { bytes: pngBytes(300, 200, 90), mediaType: 'image/png' as const },
];

describe('bindPages', () => {
  it('gives the same bytes for the same request, certificate and card layout included', async () => {
    const request: BindRequest = { pages, layout: 'idCard', certificate: { clerk: '林𠮷', on: '2026-12-06' } };
    const first = await bindPages(request);
    expect(Buffer.from(await bindPages(request)).equals(Buffer.from(first))).toBe(true);
    // Another day is another mark, so other bytes.
    const later = await bindPages({ ...request, certificate: { clerk: '林𠮷', on: '2026-12-07' } });
    expect(Buffer.from(later).equals(Buffer.from(first))).toBe(false);
  });

  it('sets cards two to a sheet (an odd last one alone) and marks every sheet', async () => {
    const bytes = await bindPages({ pages, layout: 'idCard', certificate: { clerk: '林𠮷', on: '2026-12-06' } });
    const sheets = (await pdfText(bytes)).split('\f');
    expect(sheets).toHaveLength(2);
    for (const sheet of sheets) {
      expect(sheet).toContain('此件经与原件核对无误');
      expect(sheet).toContain('核对人：林𠮷');
      expect(sheet).toContain('2026年12月6日');
    }
    // Without a certificate: no mark, one page per picture.
    const plain = await bindPages({ pages, layout: 'pages' });
    expect((await pdfText(plain)).split('\f')).toHaveLength(3);
    expect(await pdfText(plain)).not.toContain('核对');
  });
});
