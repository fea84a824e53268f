// renderDocument: a document a window issues or prints for the department, as an A4 PDF with
// its fonts embedded (only the glyphs used), ready to preview, print and store.
// Runs in the render worker (render-worker.ts), never in the core.
import { PDFDocument } from 'pdf-lib';
import { documentFontkit, loadFontBytes } from './fonts.ts';
import { Composer, embedImages, type Fonts, paint } from './layout.ts';
import { DOCUMENT_TITLES, type DocumentInput, DocumentModel, modelTexts } from './model.ts';
import { layoutAcceptance, layoutCorrection, layoutRefusal } from './notices.ts';
import { layoutReceipt } from './receipt.ts';
import { layoutDepartmentDocument } from './department.ts';
import type { RenderedDocument } from './render-protocol.ts';
import { embedFallbacks, Typeface } from './typeface.ts';

export type { RenderedDocument } from './render-protocol.ts';

/** The document as PDF bytes (see `renderDocumentWithReport`). */
export async function renderDocument(input: DocumentInput): Promise<Uint8Array> {
  return (await renderDocumentWithReport(input)).bytes;
}

/**
 * The document as PDF bytes and the characters it could not draw. The model is checked
 * first: one that does not parse is a bug in the caller and throws. The same model gives
 * the same bytes (the PDF's dates are the issue date), so a stored document can be
 * rendered again and compared.
 */
export async function renderDocumentWithReport(input: DocumentInput): Promise<RenderedDocument> {
  const parsed = DocumentModel.safeParse(input);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid ${String((input as { kind?: unknown }).kind)} document model: ${where}`);
  }
  const model = parsed.data;

  const bytes = await loadFontBytes();
  const doc = await PDFDocument.create();
  doc.registerFontkit(documentFontkit);
  // The fallback files this model's text needs, embedded before layout (which is
  // synchronous); the fixed wording of the documents is all in the main face.
  const fallbacks = await embedFallbacks(
    doc,
    modelTexts(model).map(({ text }) => text),
  );
  const fonts: Fonts = {
    regular: new Typeface(await doc.embedFont(bytes.regular, { subset: true }), fallbacks),
    bold: new Typeface(await doc.embedFont(bytes.bold, { subset: true }), fallbacks),
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
    case 'department':
      layoutDepartmentDocument(c, model);
      break;
  }
  paint(doc, fonts, c.pages, await embedImages(doc, c.pages));

  const issued = new Date(`${model.issuedOn}T00:00:00+08:00`);
  const documentTitle = model.kind === 'department' ? model.title : DOCUMENT_TITLES[model.kind];
  doc.setTitle(`${documentTitle} ${model.number}`, { showInWindowTitleBar: true });
  doc.setSubject(model.item.name);
  doc.setAuthor(model.office.name);
  doc.setCreator('Tongban Desk');
  doc.setProducer('Tongban Desk (pdf-lib)');
  doc.setLanguage('zh-CN');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);
  const unprintable = [...new Set([...fonts.regular.unprintable, ...fonts.bold.unprintable])];
  return { bytes: await doc.save(), unprintable };
}
