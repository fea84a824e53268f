// Binds a material's pages taken on the document camera into one PDF (pdf-lib), in the
// clerk's order. Runs in the render worker at seal.
//
// Two layouts: one page per picture, or an identity card's copy (front and back on one
// A4 page at the card's true size, the way a photocopy of an ID card looks). A material
// the clerk checked against its originals carries 此件经与原件核对无误 with the clerk and
// the day on every page.
//
// The output depends on the request alone (no dates of its own, no random ids), so a
// material left unchanged in a 补正 binds to the same bytes and the same sha256, and its
// upload is not sent twice. JPEG pages are embedded as they are (no re-encoding, no
// loss); PNG pages are embedded losslessly.
import { PDFDocument, type PDFImage, type PDFPage, rgb } from 'pdf-lib';
import { documentFontkit, loadFontBytes } from './fonts.ts';
import { formatDate } from './format.ts';
import { PAGE_HEIGHT, PAGE_WIDTH } from './layout.ts';
import { type BindRequest, type CopyCertificate, PageUnreadable, type PageToBind } from './render-protocol.ts';
import { embedFallbacks, Typeface } from './typeface.ts';

/** The width of a portrait page in PDF points (A4); a landscape page is as tall. */
const A4_SHORT_SIDE = PAGE_WIDTH;
const MM = 72 / 25.4;
/** ID-1 (ISO/IEC 7810), the size of a 居民身份证: 85.6 × 54 mm. */
const CARD = { width: 85.6 * MM, height: 53.98 * MM };
/** From the sheet's top to the front's top, and between front and back. */
const CARD_TOP = 60 * MM;
const CARD_GAP = 25 * MM;
const STAMP_RED = rgb(0.75, 0.08, 0.08);

export async function bindPages(request: BindRequest): Promise<Uint8Array> {
  const { pages, layout, certificate } = request;
  if (pages.length === 0) throw new Error('no pages to bind');
  // No producer, creator or dates: the bytes must depend on the request only.
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const images: PDFImage[] = [];
  for (const [index, page] of pages.entries()) images.push(await embed(pdf, page, index));

  const sheets = layout === 'idCard' ? cardSheets(pdf, images) : pageSheets(pdf, images);
  if (certificate) {
    const stamp = await stampOf(pdf, certificate);
    for (const sheet of sheets) stamp(sheet);
  }
  return pdf.save({ useObjectStreams: true });
}

function embed(pdf: PDFDocument, page: PageToBind, index: number): Promise<PDFImage> {
  return (page.mediaType === 'image/jpeg' ? pdf.embedJpg(page.bytes) : pdf.embedPng(page.bytes)).catch(
    (error: unknown) => {
      throw new PageUnreadable(index, `page ${index + 1} (${page.mediaType}) could not be read: ${String(error)}`);
    },
  );
}

/** One page per picture; its short side is A4's, so pages print at their true shape. */
function pageSheets(pdf: PDFDocument, images: readonly PDFImage[]): PDFPage[] {
  return images.map((image) => {
    const scale = A4_SHORT_SIDE / Math.min(image.width, image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    const sheet = pdf.addPage([width, height]);
    sheet.drawImage(image, { x: 0, y: 0, width, height });
    return sheet;
  });
}

/**
 * Pictures two by two (front, back) on A4 sheets, each at the card's size, one above the
 * other and centred; an odd last picture stands alone. A picture of another shape fits
 * inside the card's box without distortion.
 */
function cardSheets(pdf: PDFDocument, images: readonly PDFImage[]): PDFPage[] {
  const sheets: PDFPage[] = [];
  for (let i = 0; i < images.length; i += 2) {
    const sheet = pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    images.slice(i, i + 2).forEach((image, side) => {
      const scale = Math.min(CARD.width / image.width, CARD.height / image.height);
      const width = image.width * scale;
      const height = image.height * scale;
      // The box's top, from the sheet's top; the picture is centred in its box.
      const top = CARD_TOP + side * (CARD.height + CARD_GAP);
      sheet.drawImage(image, {
        x: (PAGE_WIDTH - width) / 2,
        y: PAGE_HEIGHT - top - CARD.height + (CARD.height - height) / 2,
        width,
        height,
      });
    });
    sheets.push(sheet);
  }
  return sheets;
}

/**
 * The certificate as a framed red mark in the sheet's lower right corner, on white so it
 * reads over a picture: 此件经与原件核对无误 / 核对人：… / the day.
 */
async function stampOf(pdf: PDFDocument, certificate: CopyCertificate): Promise<(sheet: PDFPage) => void> {
  const lines = [
    { text: '此件经与原件核对无误', size: 11 },
    { text: `核对人：${certificate.clerk}`, size: 9 },
    { text: formatDate(certificate.on), size: 9 },
  ];
  pdf.registerFontkit(documentFontkit);
  const fallbacks = await embedFallbacks(
    pdf,
    lines.map((line) => line.text),
  );
  const face = new Typeface(await pdf.embedFont((await loadFontBytes()).regular, { subset: true }), fallbacks);
  const padding = 6;
  const leading = 1.45;
  const textWidth = Math.max(...lines.map((line) => face.width(line.text, line.size)));
  const width = textWidth + 2 * padding;
  const height = lines.reduce((sum, line) => sum + line.size * leading, 0) + padding;
  const margin = 10 * MM;
  return (sheet) => {
    const x = sheet.getWidth() - margin - width;
    const y = margin;
    sheet.drawRectangle({
      x,
      y,
      width,
      height,
      color: rgb(1, 1, 1),
      opacity: 0.85,
      borderColor: STAMP_RED,
      borderWidth: 1,
    });
    let baseline = y + height - padding / 2;
    for (const line of lines) {
      baseline -= line.size * leading;
      const lineWidth = face.width(line.text, line.size);
      face.draw(sheet, line.text, {
        x: x + (width - lineWidth) / 2,
        y: baseline + line.size * 0.3,
        size: line.size,
        color: STAMP_RED,
      });
    }
  };
}
