// A region field (行政区划代码, GB/T 2260): the clerk types the code, or a name or its
// pinyin (朝阳, chaoyang, cy) and picks from the list with ↑/↓ and Enter; the full name of
// the code shows under the field. Digits are the value as typed (saved like any field);
// letters and characters only search, and the value changes when one is picked. The
// lookup runs here, on the shipped table (src-main/common/regions.ts): no network.
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { regionByCode, REGION_SOURCE, searchRegions } from '../../src-main/common/regions.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import { FieldLabel } from './Field.tsx';

const LIST_LIMIT = 8;

interface RegionFieldProps {
  label: string;
  /** The code held (possibly incomplete, as typed). */
  value: string;
  onChange: (code: string) => void;
  onBlur?: () => void;
  hint?: string | undefined;
  problem?: string | undefined;
  /** Said when a whole code is entered: e.g. that the window does not serve the region. */
  warning?: string | undefined;
  requiredMark?: boolean | undefined;
}

export function RegionField({
  label,
  value,
  onChange,
  onBlur,
  hint,
  problem,
  warning,
  requiredMark,
}: RegionFieldProps) {
  const id = useId();
  // What is typed while searching by name or pinyin; null while the field shows the code.
  const [search, setSearch] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const text = search ?? value;
  const hits = useMemo(() => (open && text.trim() !== '' ? searchRegions(text, LIST_LIMIT) : []), [open, text]);
  const exact = hits.length === 1 && hits[0]!.code === text.trim();
  const shown = exact ? [] : hits;
  const region = /^\d{6}$/.test(value) ? regionByCode(value) : undefined;
  const listId = `${id}-list`;
  const optionId = (index: number) => `${id}-option-${index}`;
  const named = region
    ? t('region.named', { name: region.fullName })
    : /^\d{6}$/.test(value)
      ? t('region.unknown', { code: value, source: REGION_SOURCE })
      : undefined;
  const describedBy = [
    `${id}-hint`,
    named ? `${id}-name` : '',
    problem ? `${id}-problem` : '',
    warning ? `${id}-warning` : '',
  ]
    .filter(Boolean)
    .join(' ');

  const pick = (code: string) => {
    onChange(code);
    setSearch(null);
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (shown.length === 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current) => (current + (event.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length);
    } else if (event.key === 'Enter' && !event.altKey && !event.ctrlKey && !event.metaKey) {
      // Picks; the wizard's Enter (next field) waits for the next press.
      event.preventDefault();
      event.stopPropagation();
      pick(shown[Math.min(active, shown.length - 1)]!.code);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  };

  return (
    <div className="field region-field">
      <FieldLabel htmlFor={id} label={label} requiredMark={requiredMark} />
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        maxLength={40}
        aria-autocomplete="list"
        aria-expanded={shown.length > 0}
        aria-controls={listId}
        aria-activedescendant={shown.length > 0 ? optionId(Math.min(active, shown.length - 1)) : undefined}
        aria-describedby={describedBy}
        aria-invalid={problem ? true : undefined}
        aria-required={requiredMark ? true : undefined}
        value={text}
        onChange={(event) => {
          const typed = event.target.value;
          setActive(0);
          setOpen(true);
          // Digits are the code itself; anything else searches until a region is picked.
          if (/^\d{0,6}$/.test(typed.trim())) {
            setSearch(null);
            onChange(typed.trim());
          } else setSearch(typed);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setSearch(null);
          setOpen(false);
          onBlur?.();
        }}
      />
      <ul id={listId} role="listbox" className="region-results" aria-label={t('region.results')}>
        {shown.map((hit, index) => (
          <li
            key={hit.code}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            className={index === active ? 'region-result active' : 'region-result'}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(hit.code)}
          >
            <span>{hit.fullName}</span> <span className="mono">{hit.code}</span>
          </li>
        ))}
      </ul>
      {open && text.trim() !== '' && hits.length === 0 && search !== null && (
        <p className="field-hint">{t('region.noMatch')}</p>
      )}
      <p id={`${id}-hint`} className="field-hint">
        {[hint, t('region.hint')].filter(Boolean).join(' ')}
      </p>
      {named && (
        <p id={`${id}-name`} className="region-name">
          {named}
        </p>
      )}
      {problem && (
        <p id={`${id}-problem`} className="field-problem" role="alert">
          {problem}
        </p>
      )}
      {warning && (
        <p id={`${id}-warning`} className="notice notice-warn" role="alert">
          {warning}
        </p>
      )}
    </div>
  );
}
