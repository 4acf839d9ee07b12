import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '@/server/db/client';
import { profileIdentities, profiles, type IdentityKind } from '@/server/db/schema';

/** A profile's links to the source systems, as outbound events carry them (crm.profile.created / merged). */
export interface LinkedIds {
  sclMemberId: number | string | null;
  teetimePlayerId: string | null;
  messagingContactId: string | null;
  authUserId: string | null;
}

type IdentityRow = { kind: IdentityKind; value: string; unlinkedAt?: Date | null };

function firstValue(rows: readonly IdentityRow[], kind: IdentityKind): string | null {
  const values = rows.filter((r) => r.kind === kind && !r.unlinkedAt).map((r) => r.value);
  return values.length ? values.sort()[0] : null;
}

/** SCL sends member ids as numbers; identities store text, so numeric ids go back out as numbers. */
function sclMemberIdOut(value: string | null): number | string | null {
  if (value === null) return null;
  const n = Number(value);
  return /^\d+$/.test(value) && Number.isSafeInteger(n) ? n : value;
}

export function linkedIdsFrom(rows: readonly IdentityRow[]): LinkedIds {
  return {
    sclMemberId: sclMemberIdOut(firstValue(rows, 'sclMemberId')),
    teetimePlayerId: firstValue(rows, 'teetimePlayerId'),
    messagingContactId: firstValue(rows, 'messagingContactId'),
    authUserId: firstValue(rows, 'authUserId'),
  };
}

/** The ids staff type to find a member by number: SCL member id, TeeTime player id, external ids (value part). */
export function memberIdsFrom(rows: readonly IdentityRow[]): string[] {
  return rows
    .filter((r) => !r.unlinkedAt && (r.kind === 'sclMemberId' || r.kind === 'teetimePlayerId' || r.kind === 'external'))
    .map((r) => (r.kind === 'external' ? r.value.slice(r.value.indexOf(':') + 1) : r.value))
    .sort();
}

/** Every identifier of one profile. */
export async function identitiesOf(db: Db, input: { tenantId: string; profileId: string }) {
  return db
    .select({
      kind: profileIdentities.kind,
      value: profileIdentities.value,
      source: profileIdentities.source,
      confidence: profileIdentities.confidence,
      unlinkedAt: profileIdentities.unlinkedAt,
      createdAt: profileIdentities.createdAt,
    })
    .from(profileIdentities)
    .where(and(eq(profileIdentities.tenantId, input.tenantId), eq(profileIdentities.profileId, input.profileId)))
    .orderBy(profileIdentities.kind, profileIdentities.value);
}

export async function linkedIdsOf(db: Db, input: { tenantId: string; profileId: string }): Promise<LinkedIds> {
  return linkedIdsFrom(await identitiesOf(db, input));
}

/** Serialises with resolution and merges touching this profile, which lock it the same way. */
async function lockProfile(tx: Tx, tenantId: string, profileId: string) {
  await tx
    .select({ id: profiles.id })
    .from(profiles)
    .where(and(eq(profiles.tenantId, tenantId), eq(profiles.id, profileId)))
    .for('update');
}

/**
 * Unlinks a profile's identifiers of one kind (messaging.contact.deleted unlinks the messagingContactId). They stay
 * as tombstones (unlinked_at set): no longer reported as links, but late events for the id still reach this person.
 * Returns how many were unlinked.
 */
export async function unlinkIdentity(
  tx: Tx,
  input: { tenantId: string; profileId: string; kind: IdentityKind; at: Date },
): Promise<number> {
  await lockProfile(tx, input.tenantId, input.profileId);
  const unlinked = await tx
    .update(profileIdentities)
    .set({ unlinkedAt: input.at })
    .where(
      and(
        eq(profileIdentities.tenantId, input.tenantId),
        eq(profileIdentities.profileId, input.profileId),
        eq(profileIdentities.kind, input.kind),
        isNull(profileIdentities.unlinkedAt),
      ),
    )
    .returning({ id: profileIdentities.id });
  return unlinked.length;
}

/** Personal identifiers, removed on erasure. Source links stay so later events for the person find the erased row. */
const PERSONAL_KINDS: IdentityKind[] = ['email', 'phone', 'external'];

/**
 * Hard delete: removes the profile's email, phone and external identifiers, keeping its strong source links so
 * later events for that member land on the erased profile instead of creating a new one with personal data.
 * Returns how many were removed.
 */
export async function eraseProfileIdentities(tx: Tx, input: { tenantId: string; profileId: string }): Promise<number> {
  await lockProfile(tx, input.tenantId, input.profileId);
  const removed = await tx
    .delete(profileIdentities)
    .where(
      and(
        eq(profileIdentities.tenantId, input.tenantId),
        eq(profileIdentities.profileId, input.profileId),
        inArray(profileIdentities.kind, PERSONAL_KINDS),
      ),
    )
    .returning({ id: profileIdentities.id });
  return removed.length;
}
