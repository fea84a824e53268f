// Lookup and parameter filling over the catalog. Environment-neutral (no DOM), so
// the Electron shell can use `errorMessage` for its start-up dialogs too.
import type { ErrorParams } from '../errors.ts';
import { zhCN, type Catalog } from './zh-CN.ts';

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every dotted key of the catalog that names a message, e.g. `login.submit`. */
export type MessageKey = Leaves<Catalog>;
export type MessageParams = Record<string, string | number>;

type Node = string | { readonly [key: string]: Node };

/**
 * Walks a dotted key. Some catalog keys contain dots themselves (error codes,
 * health ids), so at each level the longest key that exists wins.
 */
function lookup(node: Node, parts: readonly string[]): string | undefined {
  if (parts.length === 0) return typeof node === 'string' ? node : undefined;
  if (typeof node === 'string') return undefined;
  for (let take = parts.length; take >= 1; take--) {
    const key = parts.slice(0, take).join('.');
    if (Object.prototype.hasOwnProperty.call(node, key)) {
      const found = lookup(node[key] as Node, parts.slice(take));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Fills `{name}` placeholders; a placeholder without a value stays visible. */
export function format(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    return value === undefined ? placeholder : String(value);
  });
}

/** The message for a catalog key; an unknown key (from data, not code) comes back as is. */
export function t(key: MessageKey, params?: MessageParams): string {
  return format(lookup(zhCN, key.split('.')) ?? key, params);
}

/** Looks up a key that comes from data (e.g. a health id), or undefined. */
export function tryT(key: string, params?: MessageParams): string | undefined {
  const message = lookup(zhCN, key.split('.'));
  return message === undefined ? undefined : format(message, params);
}

/** The clerk-facing Chinese message for an error code and its params. */
export function errorMessage(code: string, params?: ErrorParams): string {
  const errors: Readonly<Record<string, string>> = zhCN.errors;
  const template = Object.prototype.hasOwnProperty.call(errors, code) ? errors[code] : undefined;
  if (template === undefined) return format(zhCN.errorFallback, { code });
  return format(template, params && translateParams(params));
}

/** Param values that are codes (a password rule, field names) become Chinese words. */
function translateParams(params: ErrorParams): ErrorParams {
  const words: Readonly<Record<string, Readonly<Record<string, string>>>> = zhCN.errorParams;
  const out: ErrorParams = {};
  for (const [name, value] of Object.entries(params)) {
    const table = Object.prototype.hasOwnProperty.call(words, name) ? words[name] : undefined;
    if (!table || typeof value !== 'string') {
      out[name] = value;
      continue;
    }
    const wordOf = (code: string) => (Object.prototype.hasOwnProperty.call(table, code) ? table[code] : code);
    out[name] = value
      .split(',')
      .map((part) => wordOf(part.trim()))
      .join('、');
  }
  return out;
}
