import { hash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { API_SCOPES, apiKeys, tenants, type ApiScope } from '../db/schema';
import { writeAudit } from './audit';
import { actorSchema, AdminError, parseInput } from './errors';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_BODY_LENGTH = 40;
/** `crm_` plus the first 8 characters of the body: enough to tell keys apart in a list, far too little to guess. */
const PREFIX_LENGTH = 12;
/** A key in use touches last_used_at at most this often, so a busy integration does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** 40 base62 characters (≈ 238 bits) from the CSPRNG; bytes ≥ 248 are skipped so every character is equally likely. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** The stored form of a key: its sha256, hex. The key itself is shown once and never stored. */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export const scopesSchema = z
  .array(z.string().trim())
  .min(1, 'give at least one scope')
  .superRefine((scopes, ctx) => {
    const unknown = scopes.filter((scope) => !(API_SCOPES as readonly string[]).includes(scope));
    if (unknown.length) {
      ctx.addIssue({ code: 'custom', message: `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')} (use ${API_SCOPES.join(', ')})` });
    }
  })
  .transform((scopes) => [...new Set(scopes)] as ApiScope[]);

const createApiKeyInput = z.object({
  tenantId: z.string().min(1),
  name: z.string().trim().min(1, 'must not be empty').max(100),
  scopes: scopesSchema,
  createdBy: actorSchema,
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

/** Creates a key bound to one tenant. The returned `key` is the only time anyone sees it. */
export async function createApiKey(db: Db, input: CreateApiKeyInput): Promise<{ id: string; key: string; prefix: string }> {
  const { tenantId, name, scopes, createdBy } = parseInput(createApiKeyInput, input);
  const key = `crm_${randomBase62(KEY_BODY_LENGTH)}`;
  const prefix = key.slice(0, PREFIX_LENGTH);
  return db.transaction(async (tx) => {
    const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
    if (!tenant) throw new AdminError('not_found', `tenant "${tenantId}" does not exist`);
    const [row] = await tx
      .insert(apiKeys)
      .values({ tenantId, name, prefix, keyHash: hashApiKey(key), scopes, createdBy: createdBy.label })
      .returning({ id: apiKeys.id });
    await writeAudit(tx, {
      tenantId,
      actor: createdBy,
      action: 'api_key.created',
      target: `api_key:${row.id}`,
      details: { name, prefix, scopes },
    });
    return { id: row.id, key, prefix };
  });
}

export interface ApiKeyMatch {
  id: string;
  tenantId: string;
  scopes: ApiScope[];
  name: string;
}

/** The live (not revoked) key behind a bearer token, or null. Looked up by hash, so timing reveals nothing useful. */
export async function findApiKey(db: Db, key: string): Promise<ApiKeyMatch | null> {
  if (!key.startsWith('crm_') || key.length > 200) return null;
  const [row] = await db
    .select({
      id: apiKeys.id,
      tenantId: apiKeys.tenantId,
      scopes: apiKeys.scopes,
      name: apiKeys.name,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // The condition is repeated in SQL so concurrent requests write once, not once each.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(
        and(
          eq(apiKeys.id, row.id),
          or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - make_interval(secs => ${LAST_USED_RESOLUTION_MS / 1000})`)),
        ),
      );
  }
  return { id: row.id, tenantId: row.tenantId, scopes: row.scopes, name: row.name };
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A tenant's keys, newest first, revoked ones included (marked). Never the hash. */
export async function listApiKeys(db: Db, input: { tenantId: string }): Promise<ApiKeySummary[]> {
  const { tenantId } = parseInput(z.object({ tenantId: z.string().min(1) }), input);
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdBy: apiKeys.createdBy,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, tenantId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

const revokeApiKeyInput = z.object({ tenantId: z.string().min(1), id: z.uuid('must be an API key id'), actor: actorSchema });

/** Revokes a key at once. Revoking a revoked key is a no-op (`revoked: false`); another tenant's key is not found. */
export async function revokeApiKey(db: Db, input: z.input<typeof revokeApiKeyInput>): Promise<{ revoked: boolean }> {
  const { tenantId, id, actor } = parseInput(revokeApiKeyInput, input);
  return db.transaction(async (tx) => {
    const [key] = await tx
      .select({ name: apiKeys.name, prefix: apiKeys.prefix, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
      .for('update');
    if (!key) throw new AdminError('not_found', `no API key ${id} in club "${tenantId}"`);
    if (key.revokedAt) return { revoked: false };
    await tx.update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.id, id));
    await writeAudit(tx, {
      tenantId,
      actor,
      action: 'api_key.revoked',
      target: `api_key:${id}`,
      details: { name: key.name, prefix: key.prefix },
    });
    return { revoked: true };
  });
}
