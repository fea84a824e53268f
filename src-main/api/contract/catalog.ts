// The service-item catalog (事项目录): search and items for clerks, versions for installers.
import { z } from 'zod';
import { CatalogSummary, ServiceItem } from '../../common/catalog.ts';
import { method, none } from './method.ts';

export const CatalogHit = z.object({ code: z.string(), name: z.string(), matchedBy: z.string() });
export type CatalogHit = z.infer<typeof CatalogHit>;

const ItemCode = z.string().min(1).max(64);

export const catalogMethods = {
  'catalog.search': method({
    access: ['clerk'],
    input: z.object({ query: z.string().max(50), limit: z.number().int().min(1).max(50).optional() }).strict(),
    output: z.object({ hits: z.array(CatalogHit) }),
  }),
  'catalog.item': method({
    access: ['clerk', 'supervisor'],
    input: z.object({ code: ItemCode }).strict(),
    output: ServiceItem,
  }),
  'catalog.list': method({
    access: ['installer', 'supervisor'],
    input: none,
    output: z.object({ catalogs: z.array(CatalogSummary) }),
  }),
  /** A signed catalog file from the department side; refused files leave the active catalog in use. */
  'catalog.install': method({
    access: ['installer'],
    input: z.object({ fileText: z.string().min(2).max(8 * 1024 * 1024) }).strict(),
    output: CatalogSummary,
  }),
};
