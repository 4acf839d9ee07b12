import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { timeOrderedId } from '../ids';

export interface ScoreFactor {
  name: string;
  /** Weight in percent of the total (the weights of one score add to 100). */
  weight: number;
  /** Sub-score 0–100 before weighting. */
  value: number;
  /** The numbers behind it, in words. */
  explanation: string;
}

/** Score history: a row whenever a profile's engagement or churn score changes, with the factors behind it. */
export const profileScores = pgTable(
  'profile_scores',
  {
    id: uuid().primaryKey().default(timeOrderedId),
    tenantId: text().notNull(),
    profileId: uuid().notNull(),
    kind: text().$type<'ENGAGEMENT' | 'CHURN'>().notNull(),
    score: integer().notNull(),
    level: text().notNull(),
    factors: jsonb().$type<ScoreFactor[]>().notNull(),
    scoredAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index('profile_scores_profile_idx').on(t.tenantId, t.profileId, t.kind, t.scoredAt.desc()),
    index('profile_scores_tenant_kind_idx').on(t.tenantId, t.kind, t.scoredAt),
  ],
);
