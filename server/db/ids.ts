import { sql } from 'drizzle-orm';
import { v7 } from 'uuid';

/*
 * Rows added per event (profiles, their identifiers, activities, score history, …) get time-ordered ids: UUID
 * version 7 (RFC 9562), Unix milliseconds first. A random (version 4) key puts each insert on a random page of its
 * primary key, and a person's rows under a random profile id land all over every profile-keyed index; once those
 * indexes outgrow Postgres's shared buffers, inserts and look-ups first read pages from outside them. Time-ordered
 * keys insert at the right edge, and the people events are about right now share pages (a live soak read 56 % fewer
 * index pages per event: docs/performance-log.md).
 */

/** The column default: `uuid_v7()` is defined by migration 0011 (Postgres 15 has no built-in one). */
export const timeOrderedId = sql`uuid_v7()`;

/** An id the application assigns before the insert (a new profile is referenced before it is written). */
export const newId = (): string => v7();
