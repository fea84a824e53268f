// Binds a material's pages taken on the document camera into one PDF (pdf-lib), one
// page per picture, in the clerk's order. Runs in the render worker at seal.
//
// The output depends on the pages alone (no dates, no random ids), so a material left
// unchanged in a 补正 binds to the same bytes and the same sha256, and its upload is
// not sent twice. JPEG pages are embedded as they are (no re-encoding, no loss); PNG
// pages are embedded losslessly.
import { PDFDocument } from 'pdf-lib';
import { PageUnreadable, type PageToBind } from './render-protocol.ts';

/** The width of a portrait page in PDF points (A4); a landscape page is as tall. */
const A4_SHORT_SIDE = 595.28;

export async function bindPages(pages: readonly PageToBind[]): Promise<Uint8Array> {
  if (pages.length === 0) throw new Error('no pages to bind');
  // No producer, creator or dates: the bytes must depend on the pages only.
  const pdf = await PDFDocument.create({ updateMetadata: false });
  for (const [index, page] of pages.entries()) {
    const image = await (page.mediaType === 'image/jpeg' ? pdf.embedJpg(page.bytes) : pdf.embedPng(page.bytes)).catch(
      (error: unknown) => {
        throw new PageUnreadable(index, `page ${index + 1} (${page.mediaType}) could not be read: ${String(error)}`);
      },
    );
    // The picture fills the page; its short side is A4's, so pages print at their true shape.
    const scale = A4_SHORT_SIDE / Math.min(image.width, image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  }
  return pdf.save({ useObjectStreams: true });
}
