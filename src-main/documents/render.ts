// renderDocument: one of the four documents a window issues, as an A4 PDF with
// the font embedded (only the glyphs used), ready to preview, print and store.
import { PDFDocument } from 'pdf-lib';
import { documentFontkit, loadFontBytes } from './fonts.ts';
import { Composer, type Fonts, paint } from './layout.ts';
import { DOCUMENT_TITLES, type DocumentInput, DocumentModel } from './model.ts';
import { layoutAcceptance, layoutCorrection, layoutRefusal } from './notices.ts';
import { layoutReceipt } from './receipt.ts';

/**
 * The document as PDF bytes. The model is checked first: one that does not parse
 * is a bug in the caller and throws. The same model gives the same bytes (the
 * PDF's dates are the issue date), so a stored document can be rendered again and compared.
 */
export async function renderDocument(input: DocumentInput): Promise<Uint8Array> {
  const parsed = DocumentModel.safeParse(input);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid ${String((input as { kind?: unknown }).kind)} document model: ${where}`);
  }
  const model = parsed.data;

  const bytes = await loadFontBytes();
  const doc = await PDFDocument.create();
  doc.registerFontkit(documentFontkit);
  const fonts: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
  };

  const c = new Composer(fonts);
  switch (model.kind) {
    case 'receipt':
      layoutReceipt(c, fonts, model);
      break;
    case 'acceptance':
      layoutAcceptance(c, model);
      break;
    case 'correction':
      layoutCorrection(c, model);
      break;
    case 'refusal':
      layoutRefusal(c, model);
      break;
  }
  paint(doc, fonts, c.pages);

  const issued = new Date(`${model.issuedOn}T00:00:00+08:00`);
  doc.setTitle(`${DOCUMENT_TITLES[model.kind]} ${model.number}`, { showInWindowTitleBar: true });
  doc.setSubject(model.item.name);
  doc.setAuthor(model.office.name);
  doc.setCreator('Tongban Desk');
  doc.setProducer('Tongban Desk (pdf-lib)');
  doc.setLanguage('zh-CN');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);
  return doc.save();
}
