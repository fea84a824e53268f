// 收取材料: the checklist of every material due for the answers so far (conditional
// ones evaluated live, agent ones when an agent applies), with 应交/实交 counts,
// the review key points (审查要点) beside each, and its electronic files as pages (in the
// clerk's order: moved, retaken, removed). Files come in through `addCaptured` (the file
// picker) or page by page from the document camera (CapturePanel, which may also fill a
// form field with a code read on a page: `codeFill`, typed as the form step types). Each
// file travels in chunks (uploads.*) with a progress bar; the per-file limit is stated
// before the clerk picks, and a file above it is refused before any byte is sent.
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import type { FormField, Material } from '../../../src-main/common/catalog.ts';
import type { DraftFile, DraftState, MaterialCount } from '../../../src-main/common/draft.ts';
import { ACCEPTED_MEDIA_TYPES } from '../../../src-main/common/review/rules.ts';
import type { UploadLimits } from '../../../src-main/api/contract/index.ts';
import { uploadBlob, type UploadProgress } from '../../api/upload.ts';
import { useApi } from '../../app/api-context.tsx';
import { describeError } from '../../app/errors.ts';
import { FilePreview, useObjectUrl, usePreviewToggle } from '../../components/FileView.tsx';
import { errorMessage, t } from '../../../src-main/common/i18n/index.ts';
import { CapturePanel } from './CapturePanel.tsx';
import { type CapturedFile, imageThumbnail } from './captured-file.ts';
import { type CodeFill, codeFillFields, fillFromCode } from './code-fill.ts';
import type { StepProps } from './step-props.ts';
import {
  clampCount,
  COUNT_KINDS,
  type CountKind,
  countOf,
  dueMaterials,
  formatSize,
  mediaLabel,
  MAX_COUNT,
} from './wizard-model.ts';

const ACCEPT = [...ACCEPTED_MEDIA_TYPES, '.pdf'].join(',');

interface MaterialsProps extends StepProps {
  draftId: string;
  files: DraftFile[];
  onFiles: (files: DraftFile[]) => void;
  /** The state as of now (after an upload finishes, the render's state may be old). */
  currentState: () => DraftState;
  /** Puts the focus on what follows the last material (the next step's button). */
  focusAfterLast: () => void;
  /** Told when an upload starts (+1) and ends (-1), so the wizard holds 封装 meanwhile. */
  onUploading: (delta: 1 | -1) => void;
  /** The core's word on which materials are checked against their originals (it drops a mark when pages change). */
  onCertified: (certified: DraftState['certifiedCopies']) => void;
}

/**
 * Where the focus goes once a material holds the files it is due: the next material's
 * upload control, or after the last one whatever follows the step.
 */
function focusAfter(upload: HTMLInputElement, focusAfterLast: () => void) {
  const step = upload.closest('.step-materials');
  const uploads = [...(step?.querySelectorAll<HTMLInputElement>('input[type="file"]:not(:disabled)') ?? [])];
  const next = uploads[uploads.indexOf(upload) + 1];
  if (next) next.focus();
  else focusAfterLast();
}

export function MaterialsStep(props: MaterialsProps) {
  const { item, state } = props;
  const limits = useUploadLimits();
  const due = dueMaterials(item, state);
  const dueIds = new Set(due.map((m) => m.id));
  // Materials no longer due that already hold something stay visible, so nothing is kept unseen.
  const held = item.materials.filter(
    (m) => !dueIds.has(m.id) && (props.files.some((f) => f.materialId === m.id) || hasCounts(state.counts[m.id])),
  );
  const notDue = item.materials.filter(
    (m) => m.requirement.kind === 'conditional' && !dueIds.has(m.id) && !held.includes(m),
  );

  return (
    <div className="step-materials">
      <p className="muted">{t('intake.materials.intro')}</p>
      {due.length === 0 && <p className="muted">{t('intake.materials.none')}</p>}
      {due.map((material) => (
        <MaterialCard key={material.id} material={material} due limits={limits} {...props} />
      ))}
      {held.map((material) => (
        <MaterialCard key={material.id} material={material} due={false} limits={limits} {...props} />
      ))}
      {notDue.length > 0 && (
        <div className="not-due">
          <h4>{t('intake.materials.notDueTitle')}</h4>
          <ul>
            {notDue.map((material) => (
              <li key={material.id}>
                {material.name}
                {material.requirement.kind === 'conditional' && (
                  <span className="muted">（{material.requirement.description}）</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** The core's per-file limit, asked once; until it answers the hint goes without it. */
function useUploadLimits(): UploadLimits | null {
  const api = useApi();
  const [limits, setLimits] = useState<UploadLimits | null>(null);
  useEffect(() => {
    let live = true;
    api.call('uploads.limits', { purpose: 'material' }).then(
      (answer) => live && setLimits(answer),
      () => undefined, // uploads.begin still refuses what is too large
    );
    return () => {
      live = false;
    };
  }, [api]);
  return limits;
}

function hasCounts(count: MaterialCount | undefined): boolean {
  return count !== undefined && count.original + count.copy + count.electronic > 0;
}

function requirementText(material: Material): string {
  const r = material.requirement;
  if (r.kind === 'conditional') return t('intake.materials.requirement.conditional', { description: r.description });
  return t(`intake.materials.requirement.${r.kind}`);
}

function MaterialCard({
  material,
  due,
  item,
  today,
  state,
  update,
  flush,
  draftId,
  files,
  onFiles,
  currentState,
  focusAfterLast,
  onUploading,
  onCertified,
  limits,
}: MaterialsProps & { material: Material; due: boolean; limits: UploadLimits | null }) {
  const api = useApi();
  const id = useId();
  const [uploading, setUploading] = useState(false);
  const [progress, setProgress] = useState<(UploadProgress & { name: string }) | null>(null);
  const uploadRef = useRef<HTMLInputElement>(null);
  // Set when an upload ended well: where the focus goes once that has rendered (counted,
  // since a quick upload may start and end between two renders).
  const [moveOn, setMoveOn] = useState<{ to: 'stay' | 'next'; n: number } | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  /** The capture panel, open for new pages (place undefined) or a retake. */
  const [capturing, setCapturing] = useState<{ retake?: { place: number; sha256: string } } | null>(null);
  const count = countOf(state, material.id);
  const mine = files.filter((f) => f.materialId === material.id);
  const certified = state.certifiedCopies?.[material.id];
  // 此件经与原件核对无误 goes on camera pages of a material whose originals or copies are seen.
  const certifiable =
    material.counts.original + material.counts.copy > 0 && mine.some((f) => f.source === 'documentCamera');
  const [certifying, setCertifying] = useState(false);
  const kinds = COUNT_KINDS.filter((kind) => material.counts[kind] > 0 || count[kind] > 0);

  const setCount = (kind: CountKind, value: number, when: 'typing' | 'now') => {
    const current = countOf(currentState(), material.id);
    update({ counts: { [material.id]: { ...current, [kind]: value } } }, when);
  };

  /** Electronic copies received follow the files held, when electronic copies are due. */
  const syncElectronic = (held: DraftFile[]) => {
    if (material.counts.electronic === 0) return;
    const n = Math.min(held.filter((f) => f.materialId === material.id).length, MAX_COUNT);
    if (countOf(currentState(), material.id).electronic !== n) setCount('electronic', n, 'now');
  };

  /** Where the file picker delivers (the document camera files page by page: `fileCaptured`). */
  const addCaptured = async (captured: CapturedFile[]) => {
    setUploading(true);
    setProblems([]);
    const failed: string[] = [];
    onUploading(1);
    const latest = await addEach(captured, failed).finally(() => onUploading(-1));
    setProgress(null);
    setProblems(failed);
    setUploading(false);
    if (latest) syncElectronic(latest);
    if (latest && failed.length === 0) {
      const held = latest.filter((f) => f.materialId === material.id).length;
      setMoveOn((last) => ({ to: held >= material.counts.electronic ? 'next' : 'stay', n: (last?.n ?? 0) + 1 }));
    } else if (failed.length > 0) {
      // Refused: back to this material's upload (disabling it while sending dropped the focus).
      setMoveOn((last) => ({ to: 'stay', n: (last?.n ?? 0) + 1 }));
    }
  };

  /**
   * Sends the files one by one; each refusal is added to `failed`, the others go on.
   * Answers the draft's files after the last one taken, or null when none was.
   */
  const addEach = async (captured: CapturedFile[], failed: string[]): Promise<DraftFile[] | null> => {
    let latest: DraftFile[] | null = null;
    for (const file of captured) {
      const name = file.name.slice(0, 255) || material.name;
      const size = file.content.size;
      if (limits && size > limits.maxBytes) {
        // Said here, before a byte is sent; the core would refuse the same at uploads.begin.
        failed.push(
          errorMessage('upload.tooLarge', { name, size: formatSize(size), limit: formatSize(limits.maxBytes) }),
        );
        continue;
      }
      try {
        const thumbnail = file.thumbnail ?? (await imageThumbnail(file.content));
        const uploadId = await uploadBlob(api, file.content, {
          target: { purpose: 'material', draftId },
          name,
          onProgress: (sample) => setProgress({ name, ...sample }),
        });
        const view = await api.call('drafts.addFile', {
          id: draftId,
          materialId: material.id,
          uploadId,
          ...(file.capture ? { capture: file.capture } : {}),
          ...(file.replacing ? { replacing: file.replacing } : {}),
          ...(thumbnail ? { thumbnail } : {}),
        });
        latest = view.files;
        onFiles(view.files);
        onCertified(view.state.certifiedCopies);
      } catch (failure) {
        failed.push(describeError(failure));
      }
    }
    return latest;
  };

  useEffect(() => {
    const upload = uploadRef.current;
    if (!moveOn || !upload) return;
    // Only when the focus is still here (disabling the control drops it to the page);
    // a clerk who went on to type elsewhere meanwhile keeps their place.
    const active = document.activeElement;
    if (active !== upload && active !== document.body && active !== null) return;
    if (moveOn.to === 'stay') upload.focus();
    else focusAfter(upload, focusAfterLast);
    // Once per finished upload; a new focusAfterLast is no reason to move again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [moveOn]);

  const onPick = async (event: ChangeEvent<HTMLInputElement>) => {
    const picked = [...(event.target.files ?? [])];
    event.target.value = '';
    if (picked.length === 0) return;
    // The File itself: it is read slice by slice while it is sent, never whole.
    await addCaptured(picked.map((file) => ({ name: file.name, content: file })));
  };

  /** The capture panel's way in: one page, its refusal as a message (null: filed). */
  /** A code read on a page, into a field of the form: saved as the form step saves what is typed. */
  const codeFill: CodeFill = {
    fields: codeFillFields(item, state),
    answers: state.answers,
    today,
    fill: (field: FormField, text: string) => {
      const { value, problem } = fillFromCode(field, text, today);
      update({ answers: { [field.key]: value } }, 'now');
      return problem;
    },
  };

  const fileCaptured = async (captured: CapturedFile): Promise<string | null> => {
    setUploading(true);
    setProblems([]);
    const failed: string[] = [];
    onUploading(1);
    const latest = await addEach([captured], failed).finally(() => onUploading(-1));
    setProgress(null);
    setUploading(false);
    if (latest) syncElectronic(latest);
    return failed[0] ?? null;
  };

  const move = async (file: DraftFile, to: number) => {
    setProblems([]);
    try {
      const view = await api.call('drafts.moveFile', { id: draftId, materialId: material.id, sha256: file.sha256, to });
      onFiles(view.files);
      onCertified(view.state.certifiedCopies);
    } catch (failure) {
      setProblems([describeError(failure)]);
    }
  };

  const remove = async (file: DraftFile) => {
    setProblems([]);
    try {
      const view = await api.call('drafts.removeFile', { id: draftId, materialId: material.id, sha256: file.sha256 });
      onFiles(view.files);
      onCertified(view.state.certifiedCopies);
      syncElectronic(view.files);
    } catch (failure) {
      setProblems([describeError(failure)]);
    }
  };

  const certify = async (checked: boolean) => {
    setProblems([]);
    setCertifying(true);
    try {
      const view = await api.call('drafts.certifyCopy', { id: draftId, materialId: material.id, certified: checked });
      onCertified(view.state.certifiedCopies);
    } catch (failure) {
      setProblems([t('intake.materials.certifyFailed', { detail: describeError(failure) })]);
    } finally {
      setCertifying(false);
    }
  };

  return (
    <fieldset className={due ? 'material panel' : 'material panel material-not-due'}>
      <legend>{material.name}</legend>
      <p className="material-meta">
        <span className={`tag tag-${material.requirement.kind}`}>
          {due ? requirementText(material) : t('intake.materials.notDueTitle')}
        </span>
        <span>{t(`intake.materials.media.${material.medium}`)}</span>
        {material.sourceNote && <span>{t('intake.materials.source', { source: material.sourceNote })}</span>}
      </p>
      <div className="material-body">
        <div className="material-main">
          <table className="counts">
            <thead>
              <tr>
                <th scope="col">{t('intake.materials.counts.kind')}</th>
                <th scope="col">{t('intake.materials.counts.due')}</th>
                <th scope="col">{t('intake.materials.counts.got')}</th>
              </tr>
            </thead>
            <tbody>
              {kinds.map((kind) => {
                const inputId = `${id}-${kind}`;
                const short = count[kind] < material.counts[kind];
                return (
                  <tr key={kind} className={short ? 'count-short' : undefined}>
                    <th scope="row">
                      <label htmlFor={inputId}>{t(`intake.materials.counts.${kind}`)}</label>
                    </th>
                    <td>{t('intake.materials.counts.unit', { count: material.counts[kind] })}</td>
                    <td>
                      <input
                        id={inputId}
                        type="number"
                        min={0}
                        max={MAX_COUNT}
                        step={1}
                        inputMode="numeric"
                        value={count[kind]}
                        onChange={(event) => setCount(kind, clampCount(event.target.value), 'typing')}
                        onFocus={(event) => event.target.select()}
                        onBlur={() => void flush()}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {due && (
            <button type="button" onClick={() => update({ counts: { [material.id]: { ...material.counts } } }, 'now')}>
              {t('intake.materials.fillDue')}
            </button>
          )}

          <div className="material-files">
            <h4>{t('intake.materials.files')}</h4>
            {mine.length === 0 && <p className="muted">{t('intake.materials.noFiles')}</p>}
            {mine.length > 0 && (
              <>
                <p className="muted page-count">{t('intake.materials.pages', { count: mine.length })}</p>
                <ol className="file-list">
                  {mine.map((file, index) => (
                    <FileRow
                      key={file.sha256}
                      draftId={draftId}
                      file={file}
                      place={index + 1}
                      last={index === mine.length - 1}
                      onMove={(to) => void move(file, to)}
                      onRetake={() => setCapturing({ retake: { place: index + 1, sha256: file.sha256 } })}
                      onRemove={() => void remove(file)}
                    />
                  ))}
                </ol>
              </>
            )}
            {material.idCard && material.counts.copy > 0 && (
              <p className="field-hint">{t('intake.materials.idCardCopy')}</p>
            )}
            {certifiable && (
              <div className="certify-copy">
                <label className="check-field">
                  <input
                    type="checkbox"
                    checked={certified !== undefined}
                    disabled={certifying}
                    aria-describedby={`${id}-certify-hint`}
                    onChange={(event) => void certify(event.target.checked)}
                  />
                  {t('intake.materials.certify')}
                </label>
                <p id={`${id}-certify-hint`} className="field-hint">
                  {certified
                    ? t('intake.materials.certifiedBy', { name: certified.displayName, date: certified.on })
                    : t('intake.materials.certifyHint')}
                </p>
              </div>
            )}
            <button
              type="button"
              className="capture-open"
              disabled={uploading}
              aria-label={t('intake.materials.captureLabel', { name: material.name })}
              onClick={() => setCapturing({})}
            >
              {t('intake.materials.capture')}
            </button>
            {capturing && (
              <CapturePanel
                material={material}
                retake={capturing.retake}
                pageCount={mine.length}
                file={fileCaptured}
                codeFill={codeFill}
                onClose={() => setCapturing(null)}
              />
            )}
            <div className="field upload-field">
              <div className="field-label">
                <label htmlFor={`${id}-upload`}>{t('intake.materials.upload')}</label>
              </div>
              <input
                id={`${id}-upload`}
                ref={uploadRef}
                type="file"
                multiple
                accept={ACCEPT}
                disabled={uploading}
                aria-describedby={`${id}-upload-hint`}
                onChange={(event) => void onPick(event)}
              />
              <p id={`${id}-upload-hint`} className="field-hint">
                {uploading ? t('intake.materials.uploading') : t('intake.materials.uploadHint')}
                {limits && ` ${t('intake.materials.uploadLimit', { limit: formatSize(limits.maxBytes) })}`}
              </p>
              {progress && <FileProgress {...progress} />}
            </div>
            {problems.map((problem, index) => (
              <p key={index} className="notice notice-error" role="alert">
                {problem}
              </p>
            ))}
          </div>
        </div>
        <aside className="review-points" aria-label={`${material.name} ${t('intake.materials.reviewPoints')}`}>
          <h4>{t('intake.materials.reviewPoints')}</h4>
          <ul>
            {material.reviewPoints.map((point) => (
              <li key={point}>{point}</li>
            ))}
          </ul>
          {material.electronicLicence && (
            <p className="muted">{t('intake.materials.licence', { name: material.electronicLicence.name })}</p>
          )}
          {material.sample && <p className="muted">{t('intake.materials.sample', { sample: material.sample })}</p>}
        </aside>
      </div>
    </fieldset>
  );
}

/** One file on its way: focusable, so a keyboard or screen-reader user can reach and read it. */
function FileProgress({ name, sent, total }: UploadProgress & { name: string }) {
  const labelId = useId();
  const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
  const text = t('intake.materials.progressText', { sent: formatSize(sent), total: formatSize(total), percent });
  return (
    <div className="file-progress">
      <span id={labelId}>{t('intake.materials.progressLabel', { name })}</span>
      <div
        className="file-progress-bar"
        role="progressbar"
        tabIndex={0}
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text}
      >
        <div className="file-progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="upload-text">{text}</span>
    </div>
  );
}

function FileRow({
  draftId,
  file,
  place,
  last,
  onMove,
  onRetake,
  onRemove,
}: {
  draftId: string;
  file: DraftFile;
  place: number;
  last: boolean;
  onMove: (to: number) => void;
  onRetake: () => void;
  onRemove: () => void;
}) {
  const { open, toggle, toggleRef, onKeyDown } = usePreviewToggle();
  return (
    <li
      className="file-row"
      onKeyDown={onKeyDown}
      aria-label={t('intake.materials.pageLabel', { place, name: file.name })}
    >
      <div className="file-line">
        {file.mediaType.startsWith('image/') && <PageThumbnail draftId={draftId} file={file} place={place} />}
        <span className="file-name">{file.name}</span>
        <span className="muted">
          {mediaLabel(file.mediaType)} · {formatSize(file.size)}
        </span>
        <button
          type="button"
          ref={toggleRef}
          aria-expanded={open}
          aria-keyshortcuts={open ? 'Escape' : undefined}
          aria-label={t(open ? 'intake.materials.closePreview' : 'intake.materials.previewLabel', { name: file.name })}
          title={open ? t('documents.closeHint') : undefined}
          onClick={toggle}
        >
          {open ? t('intake.materials.closePreview') : t('intake.materials.preview')}
        </button>
        <button
          type="button"
          disabled={place === 1}
          aria-label={t('intake.materials.moveUpLabel', { place })}
          onClick={() => onMove(place - 2)}
        >
          {t('intake.materials.moveUp')}
        </button>
        <button
          type="button"
          disabled={last}
          aria-label={t('intake.materials.moveDownLabel', { place })}
          onClick={() => onMove(place)}
        >
          {t('intake.materials.moveDown')}
        </button>
        <button type="button" aria-label={t('intake.materials.retakeLabel', { place })} onClick={onRetake}>
          {t('intake.materials.retake')}
        </button>
        <button type="button" aria-label={t('intake.materials.removeLabel', { name: file.name })} onClick={onRemove}>
          {t('intake.materials.remove')}
        </button>
      </div>
      {open && <FileContentPreview draftId={draftId} file={file} />}
    </li>
  );
}

function FileContentPreview({ draftId, file }: { draftId: string; file: DraftFile }) {
  const api = useApi();
  const content = useObjectUrl(file.sha256, () => api.call('drafts.fileContent', { id: draftId, sha256: file.sha256 }));
  if (content.kind === 'loading') return <p className="muted">{t('documents.loading')}</p>;
  if (content.kind === 'failed') {
    return (
      <p className="notice notice-error" role="alert">
        {content.message}
      </p>
    );
  }
  return (
    <FilePreview
      url={content.url}
      mediaType={content.mediaType}
      title={t('intake.materials.previewTitle', { name: file.name })}
    />
  );
}

/** A page's thumbnail: the small picture stored with it (a page stored without one: the page itself, drawn small). */
function PageThumbnail({ draftId, file, place }: { draftId: string; file: DraftFile; place: number }) {
  const api = useApi();
  const content = useObjectUrl(`${file.sha256}:thumbnail`, () =>
    api.call('drafts.fileContent', { id: draftId, sha256: file.sha256, thumbnail: true }),
  );
  if (content.kind !== 'ready') return <span className="page-thumbnail" aria-hidden="true" />;
  return <img className="page-thumbnail" src={content.url} alt={t('intake.materials.thumbnail', { place })} />;
}
