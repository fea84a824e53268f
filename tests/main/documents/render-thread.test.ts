// The render worker seen from the core: documents come back as PDFs, failures as
// AppErrors, and a worker that dies takes nothing with it but its own request.
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/common/errors.ts';
import { RenderThread, type RenderThreadOptions } from '../../../src-main/documents/render-thread.ts';
import { PDFDocument } from 'pdf-lib';
import { pngBytes } from '../../fixtures/files.ts';
import { acceptance } from './fixtures.ts';
import { flat, pdfText } from './pdf-tools.ts';

const threads: RenderThread[] = [];
function thread(options: RenderThreadOptions = {}): RenderThread {
  const t = new RenderThread(options);
  threads.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.close()));
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('render worker', () => {
  it('renders a document in a worker thread and ends it when released', async () => {
    const renderer = thread();
    const { bytes, unprintable } = await renderer.render(
      acceptance({ applicant: { name: '𠮷\u{F0000}', idType: '居民身份证', idNumber: '11010219860315242X' } }),
    );
    expect(unprintable).toEqual(['\u{F0000}']);
    expect(flat(await pdfText(bytes))).toContain('受理通知书');
    expect(renderer.running).toBe(true);
    await renderer.release();
    expect(renderer.running).toBe(false);
  });

  it('reports a model that does not parse as documents.renderFailed, and renders the next one', async () => {
    const renderer = thread();
    const error = await failure(renderer.render({ ...acceptance(), number: '' }));
    expect(error.code).toBe('documents.renderFailed');
    expect(error.detail).toMatch(/invalid acceptance document model: number/);
    expect((await renderer.render(acceptance())).bytes.length).toBeGreaterThan(10_000);
  });

  it('fails the render of a worker that dies, and starts a new worker for the next', async () => {
    let kills = 1;
    const renderer = thread({
      onPosted: (worker) => {
        if (kills-- > 0) void worker.terminate();
      },
    });
    const error = await failure(renderer.render(acceptance()));
    expect(error.code).toBe('documents.renderFailed');
    expect(error.detail).toMatch(/render worker exited/);
    expect(renderer.running).toBe(false);
    const again = await renderer.render(acceptance());
    expect(flat(await pdfText(again.bytes))).toContain('受理通知书');
  });

  it('ends a worker that does not answer in time', async () => {
    const renderer = thread({ timeoutMs: 1 });
    const error = await failure(renderer.render(acceptance()));
    expect(error.detail).toMatch(/did not answer within 1 ms/);
    expect(renderer.running).toBe(false);
  });

  it('gives binding time by the page: a long material is work, not a hung worker', async () => {
    const renderer = thread({ timeoutMs: 1, bindMsPerPage: 20_000 });
    const pages = [1, 2].map((shade) => ({ bytes: pngBytes(300, 400, shade * 80), mediaType: 'image/png' as const }));
    const bytes = await renderer.bind({ pages, layout: 'pages' });
    expect(await PDFDocument.load(bytes).then((pdf) => pdf.getPageCount())).toBe(2);
    // Without the pages' allowance the same work times out.
    const strict = thread({ timeoutMs: 1, bindMsPerPage: 0 });
    const error = await failure(strict.bind({ pages, layout: 'pages' }));
    expect(error.detail).toMatch(/did not answer within 1 ms/);
  });

  it('ends a warmed-up worker that gets no work', async () => {
    const renderer = thread({ idleMs: 300 });
    renderer.warmUp();
    expect(renderer.running).toBe(true);
    await until(() => !renderer.running);
  });
});
