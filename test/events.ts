import { randomUUID } from 'node:crypto';
import type { CrmEvent } from '@/server/events/envelope';

/** Builds an envelope with sensible defaults; tests override what they assert on. */
export function envelope(partial: Partial<CrmEvent> & Pick<CrmEvent, 'type' | 'payload'>): CrmEvent {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return {
    id: `evt_${randomUUID()}`,
    version: '1.0',
    timestamp: new Date().toISOString(),
    tenantId: 'test-club',
    source: partial.type.split('.')[0],
    identity: {},
    ...given,
  } as CrmEvent;
}

export function bookingCreated(opts: { email: string; playerId?: string; at?: Date; id?: string; tenantId?: string }): CrmEvent {
  const at = opts.at ?? new Date();
  return envelope({
    id: opts.id,
    tenantId: opts.tenantId,
    type: 'teetime.booking.created',
    source: 'teetime',
    timestamp: at.toISOString(),
    identity: { email: opts.email, teetimePlayerId: opts.playerId ?? `tt-${opts.email.split('@')[0]}` },
    payload: {
      id: `bk_${randomUUID()}`,
      playerId: opts.playerId ?? `tt-${opts.email.split('@')[0]}`,
      clubId: 'club-1',
      clubName: 'Alpha Golf Club',
      courseId: 'course-1',
      courseName: 'Championship',
      teeTime: new Date(at.getTime() + 86_400_000).toISOString(),
      holes: 18,
      players: 4,
    },
  });
}

export function memberCreated(opts: {
  memberId: number;
  email: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  tier?: string;
  at?: Date;
  id?: string;
  tenantId?: string;
}): CrmEvent {
  const at = opts.at ?? new Date();
  return envelope({
    id: opts.id,
    tenantId: opts.tenantId,
    type: 'scl.member.created',
    source: 'scl',
    timestamp: at.toISOString(),
    identity: { sclMemberId: opts.memberId, email: opts.email },
    payload: {
      id: opts.memberId,
      firstName: opts.firstName ?? 'Thandi',
      lastName: opts.lastName ?? 'Nkosi',
      email: opts.email,
      phoneNumber: opts.phone,
      status: 'ACTIVE',
      membershipTierId: 't-gold',
      membershipTierName: opts.tier ?? 'Gold',
      createdAt: at.toISOString(),
    },
  });
}
