import { z } from 'zod';
import { RANK_AUTHORITATIVE, type EventDefinition, type FieldWriteSet, type WritableFields } from '../types';
import {
  cents,
  compact,
  currencyCode,
  dateOrDateTime,
  defineEvent,
  type FieldMap,
  formatMoney,
  handicapIndex,
  humanList,
  idString,
  isoDateTime,
  isoDateTimeString,
  listedChanges,
  optionalText,
  smallCount,
  wallClock,
} from './shared';

/*
 * TeeTime (bookings and handicaps) events, §3. Player events carry the TeeTime player id as payload `id`; booking,
 * handicap, score and competition-entry events carry it as `playerId`. Competition publication is club-level.
 */

const nullableText = z.string().nullish();

/** A Golf RSA id some TeeTime payloads carry; it becomes an external identity. */
const golfRsaId = idString.nullish();

function externalIdentity(golfRsa: string | null | undefined) {
  return golfRsa ? { externalIds: { golfRsaId: golfRsa } } : {};
}

/** "Alpha GC, 2025-12-13 07:30, 18 holes" from the parts a booking event has. */
function bookingLine(parts: { clubName?: string; courseName?: string; teeTime?: string; holes?: number | null }) {
  const place = parts.clubName && parts.courseName ? `${parts.clubName} (${parts.courseName})` : parts.clubName;
  return [place, parts.teeTime ? wallClock(parts.teeTime) : undefined, parts.holes ? `${parts.holes} holes` : undefined]
    .filter(Boolean)
    .join(', ');
}

function titled(prefix: string, detail: string): string {
  return detail ? `${prefix} — ${detail}` : prefix;
}

// ---------------------------------------------------------------------------------------------------------------
// teetime.player.created / teetime.player.updated

const playerCreatedPayload = z
  .object({
    id: idString,
    name: z.string().trim().min(1),
    surname: optionalText,
    email: nullableText,
    phone: nullableText,
    handicap: handicapIndex.nullish(),
    homeClubId: idString.nullish(),
    homeClubName: optionalText,
    golfRsaId,
    createdAt: isoDateTime,
  })
  .loose();

export const playerCreated = defineEvent({
  type: 'teetime.player.created',
  aliases: ['player.created'],
  source: 'teetime',
  priority: 2,
  payload: playerCreatedPayload,
  effects({ payload }) {
    const fields: Partial<WritableFields> = { firstName: payload.name };
    if (payload.surname) fields.lastName = payload.surname;
    if (payload.email?.trim()) fields.email = payload.email.trim();
    if (payload.phone?.trim()) fields.phoneNumber = payload.phone.trim();
    if (payload.handicap !== null && payload.handicap !== undefined) {
      fields.handicap = payload.handicap;
      fields.handicapUpdatedAt = payload.createdAt;
    }
    if (payload.homeClubId) fields.homeClubId = payload.homeClubId;
    if (payload.homeClubName) fields.homeClubName = payload.homeClubName;
    return {
      identities: compact({
        teetimePlayerId: payload.id,
        email: payload.email ?? undefined,
        phoneNumber: payload.phone ?? undefined,
        ...externalIdentity(payload.golfRsaId),
      }),
      writes: [{ rank: RANK_AUTHORITATIVE, at: payload.createdAt, fields }],
      activity: {
        type: 'PLAYER_LINKED',
        typeIfNewProfile: 'PROFILE_CREATED',
        occurredAt: payload.createdAt,
        title: titled(
          'TeeTime player account',
          [
            payload.homeClubName ? `home club ${payload.homeClubName}` : undefined,
            payload.handicap !== null && payload.handicap !== undefined ? `handicap ${payload.handicap}` : undefined,
          ]
            .filter(Boolean)
            .join(', '),
        ),
        properties: compact({
          teetimePlayerId: payload.id,
          handicap: payload.handicap ?? undefined,
          homeClubId: payload.homeClubId ?? undefined,
          homeClubName: payload.homeClubName,
        }),
      },
    };
  },
});

/** TeeTime player fields the CRM mirrors. */
const PLAYER_FIELD_MAP = {
  name: { field: 'firstName', label: 'first name' },
  surname: { field: 'lastName', label: 'last name' },
  email: { field: 'email', label: 'email' },
  phone: { field: 'phoneNumber', label: 'phone number' },
  handicap: { field: 'handicap', label: 'handicap' },
  homeClubId: { field: 'homeClubId', label: 'home club' },
  homeClubName: { field: 'homeClubName', label: 'home club' },
} as const satisfies FieldMap<string>;

const playerUpdatedPayload = z
  .object({
    id: idString,
    changes: z.array(z.string()).nullish(),
    name: nullableText,
    surname: nullableText,
    email: nullableText,
    phone: nullableText,
    handicap: handicapIndex.nullish(),
    homeClubId: idString.nullish(),
    homeClubName: nullableText,
    golfRsaId,
    updatedAt: isoDateTime.nullish(),
  })
  .loose();

export const playerUpdated = defineEvent({
  type: 'teetime.player.updated',
  aliases: [],
  source: 'teetime',
  priority: 2,
  payload: playerUpdatedPayload,
  effects({ event, payload }) {
    const at = payload.updatedAt ?? new Date(event.timestamp);
    const { changed, fields, labels } = listedChanges(payload, payload.changes, PLAYER_FIELD_MAP);
    // The handicap's date travels with it, so an older update never overwrites a newer one.
    if (changed.includes('handicap')) fields.handicapUpdatedAt = at;
    const writes: FieldWriteSet[] = changed.length ? [{ rank: RANK_AUTHORITATIVE, at, fields }] : [];
    const newEmail = changed.includes('email') ? payload.email?.trim() : undefined;
    const newPhone = changed.includes('phone') ? payload.phone?.trim() : undefined;
    return {
      identities: compact({
        teetimePlayerId: payload.id,
        email: newEmail || undefined,
        phoneNumber: newPhone || undefined,
        ...externalIdentity(payload.golfRsaId),
      }),
      writes,
      activity: {
        type: 'PLAYER_UPDATED',
        occurredAt: at,
        title: titled('Player details updated', humanList(labels)),
        properties: compact({
          teetimePlayerId: payload.id,
          changes: payload.changes ?? changed,
          // The handicap is not personal contact data and the timeline shows it.
          newHandicap: changed.includes('handicap') ? (payload.handicap ?? undefined) : undefined,
        }),
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// teetime.handicap.updated

const handicapUpdatedPayload = z
  .object({
    playerId: idString,
    previousHandicap: handicapIndex.nullish(),
    newHandicap: handicapIndex,
    source: optionalText,
    effectiveDate: dateOrDateTime,
    golfRsaId,
  })
  .loose();

export const handicapUpdated = defineEvent({
  type: 'teetime.handicap.updated',
  aliases: ['handicap.updated'],
  source: 'teetime',
  priority: 2,
  payload: handicapUpdatedPayload,
  effects({ payload }) {
    const hasPrevious = payload.previousHandicap !== null && payload.previousHandicap !== undefined;
    return {
      identities: { teetimePlayerId: payload.playerId, ...externalIdentity(payload.golfRsaId) },
      // handicapUpdatedAt travels with the value, so an older effectiveDate never overwrites either.
      writes: [
        {
          rank: RANK_AUTHORITATIVE,
          at: payload.effectiveDate,
          fields: { handicap: payload.newHandicap, handicapUpdatedAt: payload.effectiveDate },
        },
      ],
      activity: {
        type: 'HANDICAP_UPDATED',
        occurredAt: payload.effectiveDate,
        title:
          (hasPrevious
            ? `Handicap ${payload.previousHandicap} → ${payload.newHandicap}`
            : `Handicap now ${payload.newHandicap}`) + (payload.source ? ` (${payload.source})` : ''),
        properties: compact({
          previousHandicap: payload.previousHandicap ?? undefined,
          newHandicap: payload.newHandicap,
          handicapSource: payload.source,
        }),
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Bookings

const bookingCreatedPayload = z
  .object({
    id: idString,
    playerId: idString,
    clubId: idString,
    clubName: optionalText,
    courseId: idString.nullish(),
    courseName: optionalText,
    teeTime: isoDateTimeString,
    holes: smallCount.nullish(),
    // A head count, or the list of players on the booking.
    players: z.union([smallCount, z.array(z.unknown()).transform((list) => list.length)]).nullish(),
    amount: cents.nullish(),
    currency: currencyCode.nullish(),
    createdAt: isoDateTime.nullish(),
    bookedAt: isoDateTime.nullish(),
  })
  .loose();

export const bookingCreated = defineEvent({
  type: 'teetime.booking.created',
  aliases: ['teetime.booked'],
  source: 'teetime',
  priority: 2,
  payload: bookingCreatedPayload,
  effects({ event, payload }) {
    return {
      identities: { teetimePlayerId: payload.playerId },
      writes: [],
      activity: {
        type: 'TEETIME_BOOKED',
        occurredAt: payload.createdAt ?? payload.bookedAt ?? new Date(event.timestamp),
        title: titled('Tee time booked', bookingLine(payload)),
        properties: compact({
          bookingId: payload.id,
          clubId: payload.clubId,
          clubName: payload.clubName,
          courseId: payload.courseId ?? undefined,
          courseName: payload.courseName,
          teeTime: payload.teeTime,
          holes: payload.holes ?? undefined,
          players: payload.players ?? undefined,
          amount: payload.amount ?? undefined,
          currency: payload.currency ?? undefined,
          amountFormatted:
            payload.amount !== null && payload.amount !== undefined
              ? formatMoney(payload.amount, payload.currency)
              : undefined,
        }),
      },
    };
  },
});

const LATE_CANCELLATION_MS = 24 * 60 * 60 * 1000;

const bookingCancelledPayload = z
  .object({
    id: idString,
    playerId: idString,
    teeTime: isoDateTimeString,
    clubName: optionalText,
    courseName: optionalText,
    reason: optionalText,
    cancelledAt: isoDateTime,
  })
  .loose();

export const bookingCancelled = defineEvent({
  type: 'teetime.booking.cancelled',
  aliases: [],
  source: 'teetime',
  priority: 2,
  payload: bookingCancelledPayload,
  effects({ payload }) {
    const noticeMs = new Date(payload.teeTime).getTime() - payload.cancelledAt.getTime();
    // Less than a day's notice (or after the tee time) is a late cancellation, which feeds churn.
    const lateCancellation = noticeMs < LATE_CANCELLATION_MS;
    return {
      identities: { teetimePlayerId: payload.playerId },
      writes: [],
      activity: {
        type: 'BOOKING_CANCELLED',
        occurredAt: payload.cancelledAt,
        title: titled('Booking cancelled', bookingLine(payload)) + (lateCancellation ? ' (late cancellation)' : ''),
        properties: compact({
          bookingId: payload.id,
          teeTime: payload.teeTime,
          clubName: payload.clubName,
          courseName: payload.courseName,
          reason: payload.reason,
          lateCancellation,
          hoursBeforeTeeTime: Math.round((noticeMs / 3_600_000) * 10) / 10,
        }),
      },
    };
  },
});

const bookingCompletedPayload = z
  .object({
    id: idString,
    playerId: idString,
    teeTime: isoDateTimeString,
    clubId: idString.nullish(),
    clubName: optionalText,
    courseName: optionalText,
    holes: smallCount.nullish(),
    checkedInAt: isoDateTime.nullish(),
    completedAt: isoDateTime,
  })
  .loose();

export const bookingCompleted = defineEvent({
  type: 'teetime.booking.completed',
  aliases: ['teetime.completed'],
  source: 'teetime',
  priority: 2,
  payload: bookingCompletedPayload,
  effects({ payload }) {
    const detail = [payload.clubName, payload.holes ? `${payload.holes} holes` : undefined].filter(Boolean).join(', ');
    return {
      identities: { teetimePlayerId: payload.playerId },
      writes: [],
      activity: {
        type: 'ROUND_PLAYED',
        occurredAt: payload.completedAt,
        title: titled('Round played', detail),
        properties: compact({
          bookingId: payload.id,
          teeTime: payload.teeTime,
          clubId: payload.clubId ?? undefined,
          clubName: payload.clubName,
          courseName: payload.courseName,
          holes: payload.holes ?? undefined,
          checkedInAt: payload.checkedInAt?.toISOString(),
        }),
      },
    };
  },
});

const bookingNoShowPayload = z
  .object({
    id: idString,
    playerId: idString,
    teeTime: isoDateTimeString,
    clubName: optionalText,
    courseName: optionalText,
    markedAt: isoDateTime,
  })
  .loose();

export const bookingNoShow = defineEvent({
  type: 'teetime.booking.noshow',
  aliases: [],
  source: 'teetime',
  priority: 1,
  payload: bookingNoShowPayload,
  effects({ payload }) {
    return {
      identities: { teetimePlayerId: payload.playerId },
      writes: [],
      activity: {
        type: 'BOOKING_NO_SHOW',
        occurredAt: payload.markedAt,
        title: titled('No-show', bookingLine(payload)),
        properties: compact({
          bookingId: payload.id,
          teeTime: payload.teeTime,
          clubName: payload.clubName,
          courseName: payload.courseName,
        }),
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Competitions and scores

const competitionPublishedPayload = z
  .object({
    id: idString,
    clubId: idString.nullish(),
    name: z.string().trim().min(1),
    startsAt: dateOrDateTime.nullish(),
    entryDeadline: dateOrDateTime.nullish(),
  })
  .loose();

export const competitionPublished = defineEvent({
  type: 'teetime.competition.published',
  aliases: ['competition.published'],
  source: 'teetime',
  priority: 2,
  personless: true,
  payload: competitionPublishedPayload,
  effects({ payload }) {
    return {
      identities: {},
      writes: [],
      activity: null,
      competition: {
        id: payload.id,
        clubId: payload.clubId ?? null,
        name: payload.name,
        startsAt: payload.startsAt ?? null,
        entryDeadline: payload.entryDeadline ?? null,
      },
    };
  },
});

const competitionEnteredPayload = z
  .object({
    competitionId: idString,
    competitionName: optionalText,
    playerId: idString,
    enteredAt: isoDateTime,
  })
  .loose();

export const competitionEntered = defineEvent({
  type: 'teetime.competition.entered',
  aliases: [],
  source: 'teetime',
  priority: 2,
  payload: competitionEnteredPayload,
  effects({ payload }) {
    return {
      identities: { teetimePlayerId: payload.playerId },
      writes: [],
      activity: {
        type: 'COMPETITION_ENTERED',
        occurredAt: payload.enteredAt,
        title: `Entered competition — ${payload.competitionName ?? payload.competitionId}`,
        properties: compact({ competitionId: payload.competitionId, competitionName: payload.competitionName }),
      },
    };
  },
});

const scorePostedPayload = z
  .object({
    playerId: idString,
    roundId: idString.nullish(),
    competitionId: idString.nullish(),
    gross: smallCount,
    net: smallCount.nullish(),
    holes: smallCount,
    clubName: optionalText,
    courseName: optionalText,
    playedAt: isoDateTime,
  })
  .loose();

export const scorePosted = defineEvent({
  type: 'teetime.score.posted',
  aliases: [],
  source: 'teetime',
  priority: 3,
  payload: scorePostedPayload,
  effects({ payload }) {
    const scores = payload.net !== null && payload.net !== undefined
      ? `gross ${payload.gross}, net ${payload.net}`
      : `gross ${payload.gross}`;
    return {
      identities: { teetimePlayerId: payload.playerId },
      writes: [],
      activity: {
        type: 'SCORE_POSTED',
        occurredAt: payload.playedAt,
        title: `Score posted — ${scores} (${payload.holes} holes)${payload.clubName ? `, ${payload.clubName}` : ''}`,
        properties: compact({
          roundId: payload.roundId ?? undefined,
          competitionId: payload.competitionId ?? undefined,
          gross: payload.gross,
          net: payload.net ?? undefined,
          holes: payload.holes,
          clubName: payload.clubName,
          courseName: payload.courseName,
        }),
      },
    };
  },
});

export const TEETIME_DEFINITIONS: readonly EventDefinition[] = [
  playerCreated,
  playerUpdated,
  handicapUpdated,
  bookingCreated,
  bookingCancelled,
  bookingCompleted,
  bookingNoShow,
  competitionPublished,
  competitionEntered,
  scorePosted,
];
