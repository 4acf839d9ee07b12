import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import { insertJsonRows, recordType, tableColumns, toJson } from '@/server/db/json-rows';
import { send } from '@/server/db/send';
import { activities, profileIdentities, profiles, type IdentityKind, type NewActivity, type Profile } from '@/server/db/schema';

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

/**
 * The batch's unit of work: profile rows are locked and loaded once, every event of the batch updates them in
 * memory, and they are written back with one statement; activities are inserted together. Steps that read or write
 * profiles in the database themselves (identity resolution, merges, lifetime value) call `flush()` first and
 * `forget()` the rows they changed.
 */
export class BatchState {
  private readonly rows = new Map<string, Profile>();
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

  /** Locks (FOR UPDATE, in id order so batches never deadlock over them) and loads the rows not held yet. */
  load(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.rows.has(id)).sort();
    if (missing.length === 0) return Promise.resolve();
    // `= any(array)`: one statement text whatever the count, prepared once. Sent at once (see send).
    const query = this.tx.select().from(profiles).where(sql`${profiles.id} = any(${sql.param(missing)}::uuid[])`).orderBy(profiles.id).for('update');
    return send(query).then((rows) => {
      for (const row of rows) this.rows.set(row.id, row);
    });
  }

  /** Profiles this batch just inserted: held (they are ours until commit) with no identifiers yet. */
  adoptCreated(rows: Profile[]): void {
    for (const row of rows) {
      this.rows.set(row.id, row);
      this.identities.set(row.id, []);
    }
  }

  /** Identifiers batch resolution attached to a held profile, as its event is applied (see resolveInBatch). */
  addIdentities(id: string, identifiers: { kind: IdentityKind; value: string }[]): void {
    const held = this.identities.get(id);
    if (!held) return; // not cached: loaded from the database (which has them) when needed
    for (const i of identifiers) {
      if (!held.some((h) => h.kind === i.kind && h.value === i.value)) held.push({ kind: i.kind, value: i.value, unlinkedAt: null });
    }
  }

  get(id: string): Profile | undefined {
    return this.rows.get(id);
  }

  /** Replaces a held row; `contentChanged: false` for derived columns (scores, counts) that do not move updated_at. */
  set(profile: Profile, contentChanged = true): void {
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
      if (this.dirty.has(id)) throw new Error('forget() of an unflushed profile');
      this.rows.delete(id);
      this.identities.delete(id);
    }
  }

  /** Every identifier of these profiles, loaded in one query for those not held yet. */
  loadIdentities(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.identities.has(id));
    if (missing.length === 0) return Promise.resolve();
    const query = this.tx
      .select({ profileId: profileIdentities.profileId, kind: profileIdentities.kind, value: profileIdentities.value, unlinkedAt: profileIdentities.unlinkedAt })
      .from(profileIdentities)
      .where(sql`${profileIdentities.profileId} = any(${sql.param(missing)}::uuid[])`);
    return send(query).then((rows) => {
      for (const id of missing) this.identities.set(id, []);
      for (const { profileId, ...row } of rows) this.identities.get(profileId)!.push(row);
    });
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

  /** Does the batch hold changes to this profile (its row or new activities) not yet written? */
  holdsUnwritten(id: string): boolean {
    return this.dirty.has(id) || this.pending.some((a) => a.profileId === id);
  }


  addActivity(activity: NewActivity): void {
    this.pending.push(activity);
  }

  /** Writes pending activities (one INSERT) and changed profiles (one UPDATE), in one round trip. */
  async flush(): Promise<void> {
    await Promise.all([this.flushActivities(), this.flushProfiles()]);
  }

  /**
   * Inserts the activities added so far (scoring reads them). Sent at once (see send): a read started after this
   * call sees them.
   */
  flushActivities(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    const rows = this.pending;
    this.pending = [];
    return insertJsonRows(this.tx, activities, rows, { onConflictDoNothing: true, returning: ['id', 'source', 'sourceEventId'] }).then((inserted) => {
      for (const row of inserted) this.activityIds.set(`${row.source}|${row.sourceEventId}`, row.id);
    });
  }

  /** Writes every changed profile back in one UPDATE, sent at once (see send): a read started after it sees it. */
  flushProfiles(): Promise<void> {
    if (this.dirty.size === 0) return Promise.resolve();
    const records = [...this.dirty].map((id) => {
      const p = this.rows.get(id)!;
      const changed = WRITTEN.filter((c) => this.changedColumns.get(id)?.has(c.name));
      return Object.fromEntries([
        ['id', id],
        ['bump', this.bumped.has(id)],
        ['changed', changed.map((c) => c.name)],
        ...changed.map((c) => [c.name, toJson(p[c.key])]),
      ]);
    });
    this.dirty.clear();
    this.bumped.clear();
    this.changedColumns.clear();
    return send(
      this.tx.execute(sql`
        update profiles p set ${WRITE_BACK_ASSIGNMENTS}, updated_at = case when v.bump then now() else p.updated_at end
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as v(${WRITE_BACK_RECORD})
        where p.id = v.id`),
    ).then(() => undefined);
  }
}
