import type { CrmEvent } from '@/server/events/envelope';
import { E2E } from './env';

/**
 * Hand-made events for the people the specs look for by name, on top of the generated club history:
 * Zanele Mokoena is known to SCL, TeeTime and Messaging (so the timeline has every source), and a long name tests
 * truncation.
 */
const DAY = 86_400_000;

function iso(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString();
}

function env(id: string, type: string, at: string, identity: CrmEvent['identity'], payload: Record<string, unknown>): CrmEvent {
  return { id, type, version: '1.0', timestamp: at, tenantId: E2E.tenant.id, source: type.split('.')[0]!, identity, payload };
}

export const ZANELE = { email: 'zanele.mokoena@example.org', phoneLocal: '082 555 0101', memberId: 91001, playerId: 'plr_zm_4410' };

export function zaneleEvents(): CrmEvent[] {
  const scl = { sclMemberId: ZANELE.memberId, email: ZANELE.email };
  const tt = { teetimePlayerId: ZANELE.playerId, email: ZANELE.email };
  const msg = { messagingContactId: 'ctc_zm_77', email: ZANELE.email };
  const events: CrmEvent[] = [
    env('evt_e2e_zm_member', 'scl.member.created', iso(400 * DAY), { ...scl, phoneNumber: ZANELE.phoneLocal }, {
      id: ZANELE.memberId, firstName: 'Zanele', lastName: 'Mokoena', email: ZANELE.email, phoneNumber: ZANELE.phoneLocal,
      status: 'ACTIVE', membershipTierId: 3, membershipTierName: 'Gold', dateOfBirth: '1986-04-17', createdAt: iso(400 * DAY),
    }),
    env('evt_e2e_zm_player', 'teetime.player.created', iso(390 * DAY), tt, {
      id: ZANELE.playerId, name: 'Zanele', surname: 'Mokoena', email: ZANELE.email, phone: ZANELE.phoneLocal, handicap: 14.2,
      homeClubId: 'club_fgc', homeClubName: 'Fairway Golf Club', createdAt: iso(390 * DAY),
    }),
    env('evt_e2e_zm_contact', 'messaging.contact.created', iso(380 * DAY), msg, {
      contactId: 'ctc_zm_77', email: ZANELE.email, phoneNumber: '+27825550101', firstName: 'Zanele', lastName: 'Mokoena',
      emailOptIn: true, smsOptIn: true, createdAt: iso(380 * DAY),
    }),
  ];
  for (let i = 0; i < 12; i++) {
    const at = iso((i * 9 + 2) * DAY + 3_600_000 * (i % 5));
    events.push(
      env(`evt_e2e_zm_round_${i}`, 'teetime.booking.completed', at, tt, {
        id: `bkg_zm_${i}`, playerId: ZANELE.playerId, clubId: 'club_fgc', clubName: 'Fairway Golf Club', courseName: 'Championship',
        holes: i % 3 === 0 ? 9 : 18, teeTime: at, completedAt: at,
      }),
      env(`evt_e2e_zm_pay_${i}`, 'scl.payment.received', iso((i * 30 + 1) * DAY), scl, {
        id: `pay_zm_${i}`, amount: 45000, currency: 'ZAR', description: 'Monthly subscription', paidAt: iso((i * 30 + 1) * DAY),
      }),
      env(`evt_e2e_zm_open_${i}`, 'messaging.email.opened', iso((i * 7 + 1) * DAY), msg, {
        contactId: 'ctc_zm_77', messageId: `msg_zm_${i}`, campaignId: 'cmp_club_champs', openedAt: iso((i * 7 + 1) * DAY),
      }),
    );
  }
  events.push(
    env('evt_e2e_long_name', 'scl.member.created', iso(200 * DAY), { sclMemberId: 91002, email: 'long.name@example.org' }, {
      id: 91002, firstName: 'Bartholomew-Alexander Maximilian Johannes', lastName: 'van der Westhuizen-Oppenheimer de la Rey',
      email: 'bartholomew.alexander.van.der.westhuizen.oppenheimer@example.org', status: 'ACTIVE', membershipTierId: 4,
      membershipTierName: 'Platinum', createdAt: iso(200 * DAY),
    }),
  );
  return events;
}

/**
 * Stay dead-lettered: events whose every identity hint is junk (a placeholder email, an all-zero phone), so no
 * person can be found or created for them (`no_identity`).
 */
export const LASTING_DEAD_LETTERS = ['evt_e2e_no_identity_open', 'evt_e2e_no_identity_click'];
export function lastingDeadLetterEvents(): CrmEvent[] {
  const junk = { email: 'null', phoneNumber: '0000000000' };
  return [
    env('evt_e2e_no_identity_open', 'messaging.email.opened', iso(3_600_000), junk, {
      messageId: 'msg_junk_1', campaignId: 'cmp_club_champs', openedAt: iso(3_600_000),
    }),
    env('evt_e2e_no_identity_click', 'messaging.email.clicked', iso(2_000_000), junk, {
      messageId: 'msg_junk_2', campaignId: 'cmp_club_champs', url: 'https://fairway.example.org/entries', clickedAt: iso(2_000_000),
    }),
  ];
}

/**
 * The retry test's event: valid, but a simulated downstream fault (a trigger the setup installs) makes every attempt
 * fail until its retries are exhausted. The setup then removes the fault, so an admin's retry succeeds.
 */
export const RETRY_EVENT_ID = 'evt_e2e_retry_me';
export function retryEvent(): CrmEvent {
  return env(RETRY_EVENT_ID, 'teetime.booking.completed', iso(2 * 3_600_000), { teetimePlayerId: ZANELE.playerId, email: ZANELE.email }, {
    id: 'bkg_zm_retry', playerId: ZANELE.playerId, clubId: 'club_fgc', clubName: 'Fairway Golf Club', courseName: 'Championship',
    holes: 18, teeTime: iso(3 * 3_600_000), completedAt: iso(2 * 3_600_000),
  });
}
