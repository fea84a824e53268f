// A JSON value, as a type and as a schema: what a config draft is made of on its way
// between the setup wizard and the core (no function, no bytes, no undefined).
import { z } from 'zod';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const Json: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]),
);

/** A value as JSON would carry it (undefined members dropped, dates as strings). */
export function asJsonObject(value: unknown): Record<string, Json> {
  return JSON.parse(JSON.stringify(value)) as Record<string, Json>;
}
