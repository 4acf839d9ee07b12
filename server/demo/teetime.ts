import type { Emitter } from './emit';
import { COMPETITION_NAMES, HOME_CLUB, HOME_COURSES, OTHER_CLUBS } from './names';
import type { Person, PlayerPlan, Window } from './people';
import type { Rng } from './random';
import { typeName } from './scl';
import { DAY, HOUR, MINUTE, atLocalTime, iso, isoLocal, localWeekday, localYear, monthLabel, monthStart, localMonthIndex } from './time';

/*
 * TeeTime, the booking system: players, tee-time bookings and how they ended, scores, handicap revisions, and the
 * club's competitions.
 */

export interface Competition {
  id: string;
  name: string;
  publishedAt: number;
  startsAt: number;
  entryDeadline: number;
}

const CANCEL_REASONS = ['Weather', 'Work commitment', 'Injury', 'Family emergency', 'Course closed for maintenance'];
const GREEN_FEE_CENTS = { 18: 65_000, 9: 38_000 } as const;

/** "+27 82 123 4567" — how some TeeTime records show a number; most are plain E.164. */
function spacedE164(e164: string): string {
  return `+27 ${e164.slice(3, 5)} ${e164.slice(5, 8)} ${e164.slice(8)}`;
}

/** The first Saturday on or after `at`, at 07:00. */
function saturdayFrom(at: number): number {
  let day = atLocalTime(at, 7);
  while (localWeekday(day) !== 6) day += DAY;
  return day;
}

/** Club competitions: a monthly medal on the first Saturday, and a named event every month or so. */
export function emitCompetitions(rng: Rng, out: Emitter, window: Window): Competition[] {
  const competitions: Competition[] = [];
  let named = 0;
  for (let month = monthStart(window.start, 1); month < window.end + 40 * DAY; month = monthStart(month, 1)) {
    const entries: Array<{ name: string; startsAt: number }> = [
      { name: `Monthly Medal — ${monthLabel(month)}`, startsAt: saturdayFrom(month) },
    ];
    if (rng.chance(0.8)) {
      const base = COMPETITION_NAMES[named++ % COMPETITION_NAMES.length]!;
      entries.push({ name: `${base} ${localYear(month)}`, startsAt: saturdayFrom(month + rng.int(10, 20) * DAY) });
    }
    for (const entry of entries) {
      const publishedAt = atLocalTime(entry.startsAt - rng.int(21, 28) * DAY, 10, rng.int(0, 59));
      if (publishedAt < window.start || publishedAt > window.end) continue;
      const competition: Competition = {
        id: `cmp_${rng.base36(8)}`,
        name: entry.name,
        publishedAt,
        startsAt: entry.startsAt,
        entryDeadline: atLocalTime(entry.startsAt - 2 * DAY, 17),
      };
      out.envelope(rng, {
        source: 'teetime',
        type: typeName(rng, 'teetime.competition.published', [['competition.published', 0.25]]),
        at: publishedAt,
        identity: {},
        payload: {
          id: competition.id,
          clubId: HOME_CLUB.id,
          name: competition.name,
          startsAt: isoLocal(competition.startsAt),
          entryDeadline: isoLocal(competition.entryDeadline),
        },
      });
      competitions.push(competition);
    }
  }
  return competitions;
}

function playerIdentity(player: PlayerPlan) {
  return { teetimePlayerId: player.playerId };
}

/** Until when this person books: their own stop, or a few weeks before their membership ended. */
function activeUntil(rng: Rng, person: Person, window: Window): number {
  const player = person.player!;
  const memberEnd = person.member?.endedAt;
  const candidates = [window.end + 14 * DAY];
  if (player.stopAt !== undefined) candidates.push(player.stopAt);
  if (memberEnd !== undefined) candidates.push(memberEnd - rng.between(7, 40) * DAY);
  return Math.min(...candidates);
}

/** Fewer rounds in the Highveld winter, more in spring and summer. */
function seasonFactor(at: number): number {
  const month = localMonthIndex(at);
  if (month >= 5 && month <= 7) return 0.65;
  if (month === 0 || month === 11) return 0.85;
  return 1;
}

class HandicapCard {
  private sinceRevision = 0;

  constructor(
    public current: number,
    private readonly everyNScores: number,
  ) {}

  /** After every few posted scores, the handicap authority recalculates. */
  scorePosted(rng: Rng): { previous: number; next: number } | null {
    if (++this.sinceRevision < this.everyNScores) return null;
    this.sinceRevision = 0;
    const previous = this.current;
    const next = Math.round(Math.min(36, Math.max(-2.4, previous + rng.normal(-0.05, 0.7))) * 10) / 10;
    if (next === previous) return null;
    this.current = next;
    return { previous, next };
  }
}

interface Round {
  at: number;
  holes: number;
  clubName: string;
  courseName: string;
  competitionId?: string;
}

function postScore(rng: Rng, out: Emitter, person: Person, card: HandicapCard, round: Round, scoreAt: number) {
  const player = person.player!;
  const full = round.holes === 18;
  const hcp = card.current;
  const gross = Math.round(full ? 72 + hcp * 1.07 + rng.normal(0, 3.5) : 36 + hcp * 0.53 + rng.normal(0, 2));
  const net = gross - Math.round(full ? hcp : hcp / 2);
  out.envelope(rng, {
    source: 'teetime',
    type: 'teetime.score.posted',
    at: scoreAt,
    identity: playerIdentity(player),
    payload: {
      playerId: player.playerId,
      roundId: `rnd_${rng.base36(10)}`,
      ...(round.competitionId ? { competitionId: round.competitionId } : {}),
      gross,
      net,
      holes: round.holes,
      clubName: round.clubName,
      courseName: round.courseName,
      playedAt: iso(round.at),
    },
  });
  const revision = card.scorePosted(rng);
  if (!revision) return;
  // Golf RSA recalculates overnight.
  const effective = atLocalTime(scoreAt + DAY, 5);
  out.envelope(rng, {
    source: 'teetime',
    type: typeName(rng, 'teetime.handicap.updated', [['handicap.updated', 0.1]]),
    at: effective + rng.int(0, 90) * MINUTE,
    identity: { ...playerIdentity(player), ...(player.golfRsaId ? { externalIds: { golfRsaId: player.golfRsaId } } : {}) },
    payload: {
      playerId: player.playerId,
      previousHandicap: revision.previous,
      newHandicap: revision.next,
      source: player.golfRsaId ? 'GOLF_RSA' : 'CLUB',
      effectiveDate: iso(effective),
    },
  });
}

function emitPlayerCreated(rng: Rng, out: Emitter, person: Person, player: PlayerPlan) {
  const phone = player.phone ? (rng.chance(0.25) ? spacedE164(player.phone) : player.phone) : null;
  out.envelope(rng, {
    source: 'teetime',
    type: typeName(rng, 'teetime.player.created', [['player.created', 0.05]]),
    at: player.syncedAt,
    identity: {
      teetimePlayerId: player.playerId,
      ...(player.email ? { email: player.email } : {}),
      ...(player.phone ? { phoneNumber: player.phone } : {}),
      ...(player.golfRsaId ? { externalIds: { golfRsaId: player.golfRsaId } } : {}),
    },
    payload: {
      id: player.playerId,
      name: player.mistypedName ?? person.firstName,
      surname: person.lastName,
      email: player.email,
      phone,
      handicap: player.handicap,
      homeClubId: player.homeClub.id,
      homeClubName: player.homeClub.name,
      ...(player.golfRsaId ? { golfRsaId: player.golfRsaId } : {}),
      createdAt: iso(player.createdAt),
    },
  });
  if (player.update) {
    out.envelope(rng, {
      source: 'teetime',
      type: 'teetime.player.updated',
      at: player.update.at,
      identity: playerIdentity(player),
      payload: { id: player.playerId, changes: Object.keys(player.update.changes), ...player.update.changes, updatedAt: iso(player.update.at) },
    });
  }
}

/**
 * One booking from creation to its end: played (often with a score), cancelled (sometimes late), or a no-show.
 * Returns the round if it was played.
 */
function emitBooking(rng: Rng, out: Emitter, person: Person, teeTime: number): Round | null {
  const player = person.player!;
  const away = rng.chance(person.member ? 0.08 : 0.1);
  const home = rng.weighted(HOME_COURSES.map((c) => [c, c.weight] as const));
  const club = away ? rng.pick(OTHER_CLUBS) : null;
  const place = club
    ? { clubId: club.id, clubName: club.name, courseId: club.courseId, courseName: club.courseName, holes: 18 as const }
    : { clubId: HOME_CLUB.id, clubName: HOME_CLUB.name, courseId: home.id, courseName: home.name, holes: home.holes };
  const visitor = away || !person.member || person.member.endedAt !== undefined;
  const bookedAt = Math.max(player.syncedAt + HOUR, teeTime - rng.exponential(1 / (4 * DAY)) - 2 * HOUR);
  if (bookedAt >= teeTime) return null;
  const bookingId = `bkg_${rng.base36(10)}`;
  const players = rng.weighted([[1, 10], [2, 25], [3, 15], [4, 50]] as const);
  out.envelope(rng, {
    source: 'teetime',
    type: typeName(rng, 'teetime.booking.created', [['teetime.booked', 0.05]]),
    at: bookedAt,
    identity: playerIdentity(player),
    payload: {
      id: bookingId,
      playerId: player.playerId,
      ...place,
      teeTime: isoLocal(teeTime),
      players,
      ...(visitor ? { amount: GREEN_FEE_CENTS[place.holes] * players, currency: 'ZAR' } : {}),
      createdAt: iso(bookedAt),
    },
  });
  const base = { id: bookingId, playerId: player.playerId, teeTime: isoLocal(teeTime), clubName: place.clubName, courseName: place.courseName };
  const outcome = rng.weighted([['played', 88], ['cancelled', 7], ['noshow', 3], ['unrecorded', 2]] as const);
  if (outcome === 'cancelled') {
    const late = rng.chance(0.4);
    const cancelledAt = Math.max(bookedAt + 10 * MINUTE, teeTime - (late ? rng.between(1, 20) * HOUR : rng.between(2, 6) * DAY));
    if (cancelledAt < teeTime) {
      out.envelope(rng, {
        source: 'teetime',
        type: 'teetime.booking.cancelled',
        at: cancelledAt,
        identity: playerIdentity(player),
        payload: { ...base, reason: rng.pick(CANCEL_REASONS), cancelledAt: iso(cancelledAt) },
      });
    }
    return null;
  }
  if (outcome === 'noshow') {
    const markedAt = teeTime + rng.int(20, 45) * MINUTE;
    out.envelope(rng, { source: 'teetime', type: 'teetime.booking.noshow', at: markedAt, identity: playerIdentity(player), payload: { ...base, markedAt: iso(markedAt) } });
    return null;
  }
  if (outcome === 'unrecorded') return null;
  const completedAt = teeTime + (place.holes === 18 ? rng.between(4, 4.8) : rng.between(2, 2.4)) * HOUR;
  const completed = out.envelope(rng, {
    source: 'teetime',
    type: typeName(rng, 'teetime.booking.completed', [['teetime.completed', 0.05]]),
    at: completedAt,
    identity: playerIdentity(player),
    payload: { ...base, clubId: place.clubId, holes: place.holes, checkedInAt: iso(teeTime - rng.int(10, 30) * MINUTE), completedAt: iso(completedAt) },
  });
  return completed ? { at: teeTime, holes: place.holes, clubName: place.clubName, courseName: place.courseName } : null;
}

/** A tee time on a given day: weekends are busiest; first tee 06:00, last 13:50. */
function teeTimeOn(rng: Rng, day: number): number {
  return atLocalTime(day, 6) + rng.int(0, 47) * 10 * MINUTE;
}

/**
 * A player's TeeTime history. Returns the tee times they booked (the Messaging history sends some of them an SMS
 * reminder).
 */
export function emitPlayerHistory(rng: Rng, out: Emitter, person: Person, competitions: Competition[], window: Window): number[] {
  const player = person.player;
  if (!player) return [];
  emitPlayerCreated(rng.fork('created'), out, person, player);
  const until = activeUntil(rng.fork('until'), person, window);
  const card = new HandicapCard(player.handicap, rng.fork('card').int(3, 6));
  const scoreShare = player.golfRsaId ? 0.35 : 0.1;
  const teeTimes: number[] = [];

  const bookings = rng.fork('bookings');
  const scored: Round[] = [];
  // A Poisson process of bookings, thinned by weekday and season.
  const ratePerDay = (player.roundsPerMonth / 30) * 1.6;
  for (let at = Math.max(player.syncedAt, window.start) + bookings.exponential(ratePerDay) * DAY; at < until; at += bookings.exponential(ratePerDay) * DAY) {
    const weekend = [0, 6].includes(localWeekday(at));
    if (!bookings.chance((weekend ? 1 : 0.45) * seasonFactor(at))) continue;
    const teeTime = teeTimeOn(bookings, at);
    const round = emitBooking(bookings, out, person, teeTime);
    teeTimes.push(teeTime);
    if (round && bookings.chance(scoreShare)) scored.push(round);
  }

  // Competitions are for the club's own members and regulars.
  const entries = rng.fork('competitions');
  for (const competition of player.homeClub.id === HOME_CLUB.id ? competitions : []) {
    const enterBy = Math.min(competition.entryDeadline, until);
    if (competition.publishedAt < player.syncedAt || enterBy <= competition.publishedAt) continue;
    if (!entries.chance(Math.min(0.3, 0.07 * player.roundsPerMonth))) continue;
    const enteredAt = entries.between(competition.publishedAt + HOUR, enterBy);
    out.envelope(entries, {
      source: 'teetime',
      type: 'teetime.competition.entered',
      at: enteredAt,
      identity: playerIdentity(player),
      payload: { competitionId: competition.id, competitionName: competition.name, playerId: player.playerId, enteredAt: iso(enteredAt) },
    });
    if (competition.startsAt < until && entries.chance(0.85)) {
      const at = competition.startsAt + entries.int(0, 30) * 10 * MINUTE;
      scored.push({ at, holes: 18, clubName: HOME_CLUB.name, courseName: HOME_COURSES[0].name, competitionId: competition.id });
    }
  }

  // Scores in the order they were played, so each handicap revision starts from the previous one.
  const scores = rng.fork('scores');
  for (const round of scored.sort((a, b) => a.at - b.at)) {
    postScore(scores, out, person, card, round, round.at + scores.between(5, 8) * HOUR);
  }
  return teeTimes;
}
