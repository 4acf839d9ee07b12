import { count, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import { actorSchema, parseInput } from './errors';

const writeAuditInput = z.object({
  /** Null for changes that belong to no single tenant (none today; kept explicit rather than implied). */
  tenantId: z.string().min(1).nullable(),
  actor: actorSchema,
  /** Dotted verb: `user.created`, `api_key.revoked`, `dead_letters.retried`. */
  action: z.string().min(1).max(100),
  target: z.string().max(200).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type WriteAuditInput = z.input<typeof writeAuditInput>;

/** Records who changed what. Call it inside the same transaction as the change so one never exists without the other. */
export async function writeAudit(db: Db, input: WriteAuditInput): Promise<void> {
  const entry = parseInput(writeAuditInput, input);
  await db.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorId: entry.actor.id,
    actorLabel: entry.actor.label,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ?? {},
  });
}

const listAuditInput = z.object({
  tenantId: z.string().min(1),
  skip: z.number().int().min(0).default(0),
  take: z.number().int().min(1).max(100).default(25),
});

export interface AuditEntry {
  id: string;
  actorId: string;
  actorLabel: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** A tenant's audit log, newest first. */
export async function listAudit(
  db: Db,
  input: z.input<typeof listAuditInput>,
): Promise<{ rows: AuditEntry[]; total: number }> {
  const { tenantId, skip, take } = parseInput(listAuditInput, input);
  const rows = await db
    .select({
      id: auditLog.id,
      actorId: auditLog.actorId,
      actorLabel: auditLog.actorLabel,
      action: auditLog.action,
      target: auditLog.target,
      details: auditLog.details,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .where(eq(auditLog.tenantId, tenantId))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .offset(skip)
    .limit(take);
  const [{ total }] = await db.select({ total: count() }).from(auditLog).where(eq(auditLog.tenantId, tenantId));
  return { rows, total };
}
