import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import { fromDriverRow, insertJsonRows, recordType, tableColumns, toJson } from '@/server/db/json-rows';
import { send } from '@/server/db/send';
import {
  activities,
  duplicateCandidates,
  profileIdentities,
  profiles,
  type IdentityKind,
  type NewActivity,
  type Profile,
} from '@/server/db/schema';

type NewProfileIdentity = typeof profileIdentities.$inferInsert;
type NewDuplicateCandidate = typeof duplicateCandidates.$inferInsert;

export interface IdentityRow {
  kind: IdentityKind;
  value: string;
  unlinkedAt: Date | null;
}

/** Columns the pipeline writes back (everything but the key and creation time), with their SQL names. */
const WRITTEN = tableColumns(profiles)
  .filter((c) => !['id', 'tenantId', 'createdAt', 'updatedAt'].includes(c.key))
  .map((c) => ({ ...c, key: c.key as keyof Profile }));

/*
 * The write-back statement's constant parts, built once as text (schema column names, no values): one statement text
 * for every batch (prepared once), each row carrying only the columns it changed.
 */
const WRITE_BACK_ASSIGNMENTS = sql.raw(
  WRITTEN.map((c) => `"${c.name}" = case when '${c.name}' = any(v.changed) then v."${c.name}" else p."${c.name}" end`).join(', '),
);
const WRITE_BACK_RECORD = sql.raw(`id uuid, bump boolean, changed text[], ${recordType(WRITTEN)}`);

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(toJson(a)) === JSON.stringify(toJson(b));
}

function holdsIdentifier(held: IdentityRow[], i: { kind: IdentityKind; value: string }): boolean {
  for (const h of held) if (h.kind === i.kind && h.value === i.value) return true;
  return false;
}

/** A changed profile as the write-back statement reads it: its id, whether updated_at moves, and the changed columns. */
function writeBackRecord(p: Profile, changedNames: Set<string> | undefined, bump: boolean): Record<string, unknown> {
  const changed: string[] = [];
  const record: Record<string, unknown> = { id: p.id, bump, changed };
  for (const c of WRITTEN) {
    if (!changedNames?.has(c.name)) continue;
    changed.push(c.name);
    record[c.name] = toJson(p[c.key]);
  }
  return record;
}

/**
 * The batch's unit of work: profile rows are locked and loaded once, every event of the batch updates them in
 * memory, and they are written back with one statement; activities are inserted together. A person the batch sees
 * for the first time is built in memory and inserted once, whole, with the identifiers and duplicate candidates the
 * batch planned for it (`adoptNew`). Steps that read or write profiles in the database themselves (identity
 * resolution, merges, lifetime value) call `flush()` first and `forget()` the rows they changed.
 */
export class BatchState {
  private readonly rows = new Map<string, Profile>();
  /** New profiles held in memory only, until flushNew inserts them whole. */
  private readonly unsaved = new Set<string>();
  /** Identifiers and duplicate candidates batch resolution planned, inserted by flushNew after the new profiles. */
  private newIdentities: NewProfileIdentity[] = [];
  private newPairs: NewDuplicateCandidate[] = [];
  private readonly dirty = new Set<string>();
  /** Dirty profiles whose content changed (updated_at moves); the rest only had derived columns refreshed. */
  private readonly bumped = new Set<string>();
  /** SQL names of the columns each dirty profile changed: only those travel back to the database. */
  private readonly changedColumns = new Map<string, Set<string>>();
  private pending: NewActivity[] = [];
  private readonly identities = new Map<string, IdentityRow[]>();
  /** `tenant|payment id` of payments already counted in lifetime value (before or earlier in this batch). */
  readonly paymentsSeen = new Set<string>();
  /** identifierKey of every identifier an event of this batch resolved (so a later resolution may meet its rows). */
  readonly resolvedKeys = new Set<string>();
  /** `source|source event id` → activity id, for every activity this batch inserted. */
  readonly activityIds = new Map<string, string>();

  constructor(private readonly tx: Tx) {}

  /**
   * Locks (FOR UPDATE, in id order so batches never deadlock over them) and loads the rows not held yet. With
   * `skipLocked`, rows another transaction holds are skipped instead of waited for: their ids are returned (a row
   * that no longer exists is among them too, and the caller treats both alike).
   */
  load(ids: string[], { skipLocked = false } = {}): Promise<Set<string>> {
    const missing = this.notHeld(ids, this.rows).sort();
    if (missing.length === 0) return Promise.resolve(new Set());
    // `= any(array)`: one statement text whatever the count, prepared once. Sent at once (see send). Raw SQL mapped
    // by fromDriverRow: drizzle's select builder rebuilds the 46-column list on every call (~4 % of a live worker).
    const query = this.tx.execute<Record<string, unknown>>(
      sql`select * from profiles where id = any(${sql.param(missing)}::uuid[]) order by id for update ${skipLocked ? sql`skip locked` : sql.empty()}`,
    );
    return send(query).then((raw) => this.holdLoaded(raw, missing));
  }

  private holdLoaded(raw: Record<string, unknown>[], asked: string[]): Set<string> {
    for (const r of raw) {
      const row = fromDriverRow(profiles, r);
      this.rows.set(row.id, row);
    }
    return new Set(this.notHeld(asked, this.rows));
  }

  /** The ids (each once) that `held` has no entry for. */
  private notHeld(ids: string[], held: Map<string, unknown>): string[] {
    const missing: string[] = [];
    for (const id of new Set(ids)) if (!held.has(id)) missing.push(id);
    return missing;
  }

  /** New people's profiles (newProfileRow), held in memory with no identifiers yet; inserted whole by flushNew. */
  adoptNew(rows: Profile[]): void {
    for (const row of rows) {
      this.rows.set(row.id, row);
      this.identities.set(row.id, []);
      this.unsaved.add(row.id);
    }
  }

  /** Identifiers and duplicate candidates planned by batch resolution: written with the new profiles they may name. */
  addPlanned(identities: NewProfileIdentity[], pairs: NewDuplicateCandidate[]): void {
    this.newIdentities.push(...identities);
    this.newPairs.push(...pairs);
  }

  /** Something batch resolution planned is not in the database yet (resolveProfile must not run before it is). */
  holdsPlanned(): boolean {
    return this.unsaved.size > 0 || this.newIdentities.length > 0 || this.newPairs.length > 0;
  }

  /** Identifiers batch resolution attached to a held profile, as its event is applied (see resolveInBatch). */
  addIdentities(id: string, identifiers: { kind: IdentityKind; value: string }[]): void {
    const held = this.identities.get(id);
    if (!held) return; // not cached: loaded from the database (which has them) when needed
    for (const i of identifiers) if (!holdsIdentifier(held, i)) held.push({ kind: i.kind, value: i.value, unlinkedAt: null });
  }

  get(id: string): Profile | undefined {
    return this.rows.get(id);
  }

  /** Replaces a held row; `contentChanged: false` for derived columns (scores, counts) that do not move updated_at. */
  set(profile: Profile, contentChanged = true): void {
    if (this.unsaved.has(profile.id)) {
      // Not in the database yet: it goes in whole, as it is when flushed.
      this.rows.set(profile.id, profile);
      return;
    }
    const before = this.rows.get(profile.id);
    const changed = this.changedColumns.get(profile.id) ?? new Set<string>();
    for (const c of WRITTEN) if (!before || !sameValue(before[c.key], profile[c.key])) changed.add(c.name);
    this.changedColumns.set(profile.id, changed);
    this.rows.set(profile.id, profile);
    this.dirty.add(profile.id);
    if (contentChanged) this.bumped.add(profile.id);
  }

  /** Drops cached rows another step changed in the database (they are loaded again when needed). */
  forget(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.dirty.has(id) || this.unsaved.has(id)) throw new Error('forget() of an unflushed profile');
      this.rows.delete(id);
      this.identities.delete(id);
    }
  }

  /** Every identifier of these profiles, loaded in one query for those not held yet. */
  loadIdentities(ids: string[]): Promise<void> {
    const missing = this.notHeld(ids, this.identities);
    if (missing.length === 0) return Promise.resolve();
    const query = this.tx.execute<Record<string, unknown>>(
      sql`select profile_id, kind, value, unlinked_at from profile_identities where profile_id = any(${sql.param(missing)}::uuid[])`,
    );
    return send(query).then((raw) => this.holdIdentities(raw, missing));
  }

  private holdIdentities(raw: Record<string, unknown>[], asked: string[]): void {
    for (const id of asked) this.identities.set(id, []);
    for (const r of raw) {
      const { profileId, kind, value, unlinkedAt } = fromDriverRow(profileIdentities, r);
      this.identities.get(profileId)!.push({ kind, value, unlinkedAt });
    }
    // Planned for them and not inserted yet.
    const loaded = new Set(asked);
    for (const i of this.newIdentities) if (loaded.has(i.profileId)) this.identities.get(i.profileId)!.push({ kind: i.kind, value: i.value, unlinkedAt: null });
  }

  /** Identifiers of a profile loaded with loadIdentities (empty if not loaded). */
  heldIdentities(id: string): IdentityRow[] {
    return this.identities.get(id) ?? [];
  }

  async identitiesOf(id: string): Promise<IdentityRow[]> {
    await this.loadIdentities([id]);
    return this.identities.get(id)!;
  }

  /** After a step changed a profile's identifiers in the database (unlink, erase). */
  forgetIdentities(id: string): void {
    this.identities.delete(id);
  }

  /** Does the batch hold changes to this profile (its row, identifiers or new activities) not yet written? */
  holdsUnwritten(id: string): boolean {
    if (this.unsaved.has(id) || this.dirty.has(id)) return true;
    for (const a of this.pending) if (a.profileId === id) return true;
    for (const i of this.newIdentities) if (i.profileId === id) return true;
    return false;
  }

  addActivity(activity: NewActivity): void {
    this.pending.push(activity);
  }

  /** Writes pending activities (one INSERT) and changed profiles (one UPDATE), in one round trip. */
  async flush(): Promise<void> {
    await Promise.all([this.flushActivities(), this.flushProfiles()]);
  }

  /**
   * Inserts the new profiles whole, then the identifiers and duplicate candidates planned (which name them). Each
   * statement sent at once (see send), in that order; the profiles are ordinary held rows from then on, so a later
   * change to one is written back as an update.
   */
  private flushNew(): Promise<unknown>[] {
    const written: Promise<unknown>[] = [];
    if (this.unsaved.size > 0) {
      const rows: Profile[] = [];
      for (const id of this.unsaved) rows.push(this.rows.get(id)!);
      this.unsaved.clear();
      written.push(insertJsonRows(this.tx, profiles, rows, { returning: ['id'] }));
    }
    if (this.newIdentities.length > 0) {
      const attached = this.newIdentities;
      this.newIdentities = [];
      written.push(
        insertJsonRows(this.tx, profileIdentities, attached, { onConflictDoNothing: true, returning: ['id'] }).then((inserted) => {
          // Cannot happen while the advisory locks hold; if it does, the batch runs again and sees the owner.
          if (inserted.length !== attached.length) throw new Error('A new identifier was claimed by another transaction during resolution; retry');
        }),
      );
    }
    if (this.newPairs.length > 0) {
      // A pair recorded before keeps its row (and the event that first recorded it).
      written.push(insertJsonRows(this.tx, duplicateCandidates, this.newPairs, { onConflictDoNothing: true, returning: ['id'] }));
      this.newPairs = [];
    }
    return written;
  }

  /**
   * Inserts what batch resolution planned and the activities added so far (scoring reads them). Sent at once (see
   * send): a read started after this call sees them.
   */
  flushActivities(): Promise<void> {
    const written = this.flushNew();
    if (this.pending.length > 0) {
      const rows = this.pending;
      this.pending = [];
      written.push(
        insertJsonRows(this.tx, activities, rows, { returning: ['id', 'source', 'sourceEventId'] }).then((inserted) => this.recordActivityIds(inserted)),
      );
    }
    return Promise.all(written).then(() => undefined);
  }

  private recordActivityIds(inserted: { id: string; source: string; sourceEventId: string }[]): void {
    for (const row of inserted) this.activityIds.set(`${row.source}|${row.sourceEventId}`, row.id);
  }

  /** Writes every changed profile back in one UPDATE, sent at once (see send): a read started after it sees it. */
  flushProfiles(): Promise<void> {
    const written = this.flushNew();
    if (this.dirty.size === 0) return Promise.all(written).then(() => undefined);
    const records: Record<string, unknown>[] = [];
    for (const id of this.dirty) records.push(writeBackRecord(this.rows.get(id)!, this.changedColumns.get(id), this.bumped.has(id)));
    this.dirty.clear();
    this.bumped.clear();
    this.changedColumns.clear();
    written.push(
      send(
        this.tx.execute(sql`
          update profiles p set ${WRITE_BACK_ASSIGNMENTS}, updated_at = case when v.bump then now() else p.updated_at end
          from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as v(${WRITE_BACK_RECORD})
          where p.id = v.id`),
      ),
    );
    return Promise.all(written).then(() => undefined);
  }
}
