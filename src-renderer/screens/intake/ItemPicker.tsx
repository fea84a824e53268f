// 选择事项: the first step, before a draft exists. A combobox over the catalog —
// name, code or pinyin initials (sbk) — with ↑/↓ through the results and Enter
// to start the draft; Escape goes back to the queue. Beside the results, the
// highlighted item's guide (办事指南), so the clerk can answer "how long, how much".
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { CatalogHit, DraftView } from '../../../src-main/api/contract/index.ts';
import type { ServiceItem } from '../../../src-main/common/catalog.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { t } from '../../../src-main/common/i18n/index.ts';
import { ItemGuide } from './ItemGuide.tsx';

const SEARCH_DEBOUNCE_MS = 120;
const SEARCH_LIMIT = 30;
/** Arrowing through the results reads only the guide the clerk stops on. */
const GUIDE_DEBOUNCE_MS = 150;

interface Results {
  query: string;
  hits: CatalogHit[];
}

export function ItemPicker({ onCreated, onCancel }: { onCreated: (draft: DraftView) => void; onCancel: () => void }) {
  const api = useApi();
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [active, setActive] = useState(0);
  // Creating the draft; search failures show in the same place.
  const { run, busy: creating, error, showFailure, clearError } = useAction();
  const inputRef = useRef<HTMLInputElement>(null);
  const generation = useRef(0);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const search = useCallback(
    (text: string): Promise<Results> =>
      api
        .call('catalog.search', { query: text.trim(), limit: SEARCH_LIMIT })
        .then(({ hits }) => ({ query: text, hits })),
    [api],
  );

  useEffect(() => {
    const mine = ++generation.current;
    const timer = setTimeout(() => {
      search(query).then(
        (found) => {
          if (mine !== generation.current) return;
          setResults(found);
          setActive(0);
          clearError();
        },
        (failure: unknown) => {
          if (mine === generation.current) showFailure(failure);
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, search, clearError, showFailure]);

  async function choose(hit: CatalogHit | undefined) {
    if (!hit) return;
    await run(async () => onCreated(await api.call('drafts.create', { itemCode: hit.code })));
  }

  async function chooseActive() {
    // Enter right after typing: the list may still be for an earlier query.
    if (results?.query === query) return choose(results.hits[active]);
    try {
      const fresh = await search(query);
      ++generation.current;
      setResults(fresh);
      setActive(0);
      await choose(fresh.hits[0]);
    } catch (failure) {
      showFailure(failure);
    }
  }

  const hits = results?.hits ?? [];
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (hits.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current) => (current + step + hits.length) % hits.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void chooseActive();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    }
  };

  const listId = `${id}-results`;
  const optionId = (index: number) => `${id}-option-${index}`;
  const activeHit = hits[active];

  useEffect(() => {
    document.getElementById(`${id}-option-${active}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [id, active, results]);

  // Guides read so far, by item code; arrowing back shows them at once.
  const [guides, setGuides] = useState<ReadonlyMap<string, ServiceItem | 'failed'>>(new Map());
  const guideCode = activeHit?.code;
  const guide = guideCode === undefined ? undefined : guides.get(guideCode);
  const guideWanted = guideCode !== undefined && guide === undefined;
  useEffect(() => {
    if (!guideWanted) return;
    let live = true;
    const timer = setTimeout(() => {
      const settle = (entry: ServiceItem | 'failed') =>
        live && setGuides((known) => new Map(known).set(guideCode, entry));
      api.call('catalog.item', { code: guideCode }).then(settle, () => settle('failed'));
    }, GUIDE_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, guideCode, guideWanted]);

  return (
    <section className="area" aria-labelledby="intake-choose">
      <div className="area-head">
        <h2 id="intake-choose" tabIndex={-1}>
          {t('intake.choose.title')}
        </h2>
        <div className="actions">
          <button type="button" onClick={onCancel}>
            {t('intake.choose.back')}
            <kbd aria-hidden="true">Esc</kbd>
          </button>
        </div>
      </div>
      <div className="panel item-picker">
        <div className="field">
          <div className="field-label">
            <label htmlFor={`${id}-search`}>{t('intake.choose.search')}</label>
          </div>
          <input
            id={`${id}-search`}
            ref={inputRef}
            type="search"
            role="combobox"
            autoComplete="off"
            spellCheck={false}
            maxLength={50}
            aria-autocomplete="list"
            aria-expanded={hits.length > 0}
            aria-controls={listId}
            aria-activedescendant={activeHit ? optionId(active) : undefined}
            aria-describedby={`${id}-hint`}
            value={query}
            disabled={creating}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onKeyDown}
          />
          <p id={`${id}-hint`} className="field-hint">
            {t('intake.choose.searchHint')}
          </p>
        </div>
        <ErrorNotice message={error} />
        {creating && (
          <p className="muted" role="status">
            {t('intake.choose.creating')}
          </p>
        )}
        {results && hits.length === 0 && <p className="muted">{t('intake.choose.noHits')}</p>}
        <div className="item-picker-body">
          <ul id={listId} role="listbox" className="item-results" aria-label={t('intake.choose.results')}>
            {hits.map((hit, index) => (
              <li
                key={hit.code}
                id={optionId(index)}
                role="option"
                aria-selected={index === active}
                className={index === active ? 'item-result active' : 'item-result'}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => {
                  setActive(index);
                  void choose(hit);
                }}
              >
                <span className="item-result-name">{hit.name}</span> <span className="mono">{hit.code}</span>
              </li>
            ))}
          </ul>
          {guide !== undefined && guide !== 'failed' ? (
            <ItemGuide item={guide} />
          ) : (
            guideCode !== undefined && (
              <p className="item-guide muted" role="status">
                {guide === 'failed' ? t('intake.guide.failed') : t('intake.guide.loading')}
              </p>
            )
          )}
        </div>
      </div>
    </section>
  );
}
