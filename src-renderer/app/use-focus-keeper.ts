// Live updates re-render rows, and a button can vanish under the keyboard focus (a packet
// retried leaves the 需人工处理 list; 不再自动打印 once a slip is given up). When the element
// that had focus is gone and nothing else took it, focus goes back to the same control
// (`data-focus-key`) of the same row (`tr[data-row-key]`), else to the row's main button
// (`data-main`), else to the row's header, else to the list's heading — never to the page.
import { type FocusEvent, type RefObject, useLayoutEffect, useRef } from 'react';

export function useFocusKeeper(panel: RefObject<HTMLElement | null>) {
  const last = useRef<{ element: HTMLElement; key: string | undefined; row: string | undefined } | null>(null);
  useLayoutEffect(() => {
    const root = panel.current;
    const seen = last.current;
    if (!root || !seen || seen.element.isConnected) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const byKey = seen.key
      ? [...root.querySelectorAll<HTMLElement>('[data-focus-key]')].find((e) => e.dataset.focusKey === seen.key)
      : undefined;
    const row = seen.row
      ? [...root.querySelectorAll<HTMLElement>('tr[data-row-key]')].find((e) => e.dataset.rowKey === seen.row)
      : undefined;
    const target =
      byKey ??
      row?.querySelector<HTMLElement>('[data-main]') ??
      row?.querySelector<HTMLElement>('th') ??
      root.querySelector<HTMLElement>('h3');
    last.current = null;
    target?.focus();
  });
  return {
    onFocus(event: FocusEvent<HTMLElement>) {
      const element = event.target as HTMLElement;
      last.current = {
        element,
        key: element.dataset.focusKey,
        row: element.closest<HTMLElement>('tr[data-row-key]')?.dataset.rowKey,
      };
    },
    onBlur(event: FocusEvent<HTMLElement>) {
      // Moved on elsewhere on purpose: nothing to keep.
      const to = event.relatedTarget as Node | null;
      if (to && !event.currentTarget.contains(to)) last.current = null;
    },
  };
}
