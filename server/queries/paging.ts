import { z } from 'zod';

/** List paging as the read API defines it (§10): skip ≥ 0, take 1–100 (default 25). */
export const pagingSchema = z.object({
  skip: z.coerce.number().int().min(0).default(0),
  take: z.coerce.number().int().min(1).max(100).default(25),
});
export type Paging = z.infer<typeof pagingSchema>;

export interface Page<T> {
  rows: T[];
  total: number;
  skip: number;
  take: number;
}
