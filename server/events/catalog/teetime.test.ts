import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { EventDefinition } from '../types';
import { runEffects } from './test-support';
import {
  bookingCancelled,
  bookingCompleted,
  bookingCreated,
  competitionEntered,
  competitionPublished,
  handicapUpdated,
  playerCreated,
  playerUpdated,
  scorePosted,
} from './teetime';

const ENVELOPE_TIME = '2025-12-09T15:02:00Z';

function run<S extends z.ZodType>(definition: EventDefinition<S>, payload: Record<string, unknown>) {
  return runEffects(definition, payload, { source: 'teetime', timestamp: ENVELOPE_TIME });
}

describe('teetime.player.created', () => {
  it('links the player, offers email/phone/Golf RSA id and is PROFILE_CREATED when it creates the profile', () => {
    const effects = run(playerCreated, {
      id: 5512,
      name: 'Sipho',
      surname: 'Mokoena',
      email: 'sipho.mokoena@example.org',
      phone: '+27831234567',
      handicap: '+2.1',
      golfRsaId: 4410023579,
      createdAt: '2025-11-28T18:19:55+02:00',
    });
    expect(effects.identities).toEqual({
      teetimePlayerId: '5512',
      email: 'sipho.mokoena@example.org',
      phoneNumber: '+27831234567',
      externalIds: { golfRsaId: '4410023579' },
    });
    expect(effects.writes[0].fields).toMatchObject({ handicap: -2.1, handicapUpdatedAt: new Date('2025-11-28T16:19:55Z') });
    expect(effects.activity).toMatchObject({ type: 'PLAYER_LINKED', typeIfNewProfile: 'PROFILE_CREATED' });
  });

  it('writes no handicap when none is sent', () => {
    const effects = run(playerCreated, { id: 'p1', name: 'Lerato', createdAt: ENVELOPE_TIME });
    expect(effects.writes[0].fields).toEqual({ firstName: 'Lerato' });
    expect(effects.activity?.title).toBe('TeeTime player account');
  });

  it('rejects an impossible handicap', () => {
    const result = playerCreated.payload.safeParse({ id: 'p1', name: 'X', handicap: 99, createdAt: ENVELOPE_TIME });
    expect(result.error?.issues[0].path).toEqual(['handicap']);
  });
});

describe('teetime.player.updated', () => {
  it('writes the listed fields at updatedAt and stamps a changed handicap', () => {
    const effects = run(playerUpdated, {
      id: 'plr_8c1f2a',
      changes: ['handicap', 'phone'],
      handicap: 10.2,
      phone: '082 765 4321',
      name: 'Thandi',
      updatedAt: '2025-12-06T12:00:00+02:00',
    });
    const at = new Date('2025-12-06T10:00:00Z');
    expect(effects.writes).toEqual([{ rank: 2, at, fields: { handicap: 10.2, handicapUpdatedAt: at, phoneNumber: '082 765 4321' } }]);
    expect(effects.identities).toEqual({ teetimePlayerId: 'plr_8c1f2a', phoneNumber: '082 765 4321' });
    expect(effects.activity?.title).toBe('Player details updated — phone number and handicap');
    expect(effects.activity?.properties).toEqual({ teetimePlayerId: 'plr_8c1f2a', changes: ['handicap', 'phone'], newHandicap: 10.2 });
  });

  it('uses the envelope time without updatedAt', () => {
    const effects = run(playerUpdated, { id: 'plr_8c1f2a', homeClubName: 'Umhlanga Links' });
    expect(effects.writes[0].at).toEqual(new Date(ENVELOPE_TIME));
  });
});

describe('teetime.handicap.updated', () => {
  it('writes handicap and handicapUpdatedAt at the effective date', () => {
    const effects = run(handicapUpdated, {
      playerId: 'plr_8c1f2a',
      newHandicap: '9.6',
      effectiveDate: '2025-12-07T06:00:00+02:00',
    });
    const at = new Date('2025-12-07T04:00:00Z');
    expect(effects.writes).toEqual([{ rank: 2, at, fields: { handicap: 9.6, handicapUpdatedAt: at } }]);
    expect(effects.activity).toMatchObject({ type: 'HANDICAP_UPDATED', title: 'Handicap now 9.6', properties: { newHandicap: 9.6 } });
  });
});

describe('TeeTime bookings', () => {
  const booking = { id: 'bkg_1', playerId: 'plr_8c1f2a', teeTime: '2025-12-13T07:30:00+02:00' };

  it('books with the envelope time when the payload has no creation time, counting a player list', () => {
    const effects = run(bookingCreated, { ...booking, clubId: 'club_hgc', players: ['plr_8c1f2a', 'plr_2'], amount: 65000, currency: 'ZAR' });
    expect(effects.identities).toEqual({ teetimePlayerId: 'plr_8c1f2a' });
    expect(effects.writes).toEqual([]);
    expect(effects.activity).toMatchObject({
      type: 'TEETIME_BOOKED',
      title: 'Tee time booked — 2025-12-13 07:30',
      occurredAt: new Date(ENVELOPE_TIME),
      properties: { bookingId: 'bkg_1', clubId: 'club_hgc', players: 2, amount: 65000, currency: 'ZAR', amountFormatted: 'R650.00' },
    });
  });

  it('flags a cancellation under 24 hours before the tee time as late', () => {
    const late = run(bookingCancelled, { ...booking, cancelledAt: '2025-12-12T08:00:00+02:00' });
    expect(late.activity?.properties).toMatchObject({ lateCancellation: true, hoursBeforeTeeTime: 23.5 });
    expect(late.activity?.title).toBe('Booking cancelled — 2025-12-13 07:30 (late cancellation)');
  });

  it('does not flag a cancellation 24 hours or more ahead', () => {
    const early = run(bookingCancelled, { ...booking, cancelledAt: '2025-12-12T07:30:00+02:00' });
    expect(early.activity?.properties).toMatchObject({ lateCancellation: false, hoursBeforeTeeTime: 24 });
    expect(early.activity?.title).toBe('Booking cancelled — 2025-12-13 07:30');
  });

  it('treats a cancellation after the tee time as late', () => {
    const after = run(bookingCancelled, { ...booking, cancelledAt: '2025-12-13T09:00:00+02:00' });
    expect(after.activity?.properties.lateCancellation).toBe(true);
  });

  it('records a completed round at completedAt', () => {
    const effects = run(bookingCompleted, { ...booking, completedAt: '2025-12-13T12:00:00+02:00', holes: '9' });
    expect(effects.activity).toMatchObject({
      type: 'ROUND_PLAYED',
      title: 'Round played — 9 holes',
      occurredAt: new Date('2025-12-13T10:00:00Z'),
    });
  });

  it('requires a tee time with an offset', () => {
    const result = bookingCompleted.payload.safeParse({ ...booking, teeTime: '2025-12-13 07:30', completedAt: ENVELOPE_TIME });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['teeTime']);
  });
});

describe('TeeTime competitions and scores', () => {
  it('records a published competition for the club, with no person and no activity', () => {
    const effects = run(competitionPublished, { id: 'cmp_1', name: 'Monthly Medal', startsAt: '2026-01-17' });
    expect(competitionPublished.personless).toBe(true);
    expect(effects).toEqual({
      identities: {},
      writes: [],
      activity: null,
      competition: { id: 'cmp_1', clubId: null, name: 'Monthly Medal', startsAt: new Date('2026-01-17T00:00:00Z'), entryDeadline: null },
    });
  });

  it('falls back to the competition id in the entry title', () => {
    const effects = run(competitionEntered, { competitionId: 'cmp_1', playerId: 77, enteredAt: ENVELOPE_TIME });
    expect(effects.identities).toEqual({ teetimePlayerId: '77' });
    expect(effects.activity?.title).toBe('Entered competition — cmp_1');
  });

  it('posts a gross-only score', () => {
    const effects = run(scorePosted, { playerId: 'plr_8c1f2a', gross: 41, holes: 9, playedAt: ENVELOPE_TIME });
    expect(effects.activity).toMatchObject({ type: 'SCORE_POSTED', title: 'Score posted — gross 41 (9 holes)', properties: { gross: 41, holes: 9 } });
  });
});
