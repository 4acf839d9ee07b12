import { EMAIL_DOMAINS, HOME_CLUB, MOBILE_PREFIXES, NAME_POOLS, OTHER_CLUBS, WORK_EMAIL_DOMAINS } from './names';
import type { Rng } from './random';
import { DAY } from './time';

/**
 * The cast of the demo club: who each person is, which source systems know them and how, and the storyline their
 * history will follow. Everything here is decided up front (with times), so the event emitters only narrate it.
 */

/** Which sources know a person, with the share of the club in percent. */
export const GROUPS = [
  { key: 'member-player-contact', member: true, player: true, contact: true, weight: 40 },
  { key: 'member-contact', member: true, player: false, contact: true, weight: 9 },
  { key: 'member-player', member: true, player: true, contact: false, weight: 3 },
  { key: 'member-only', member: true, player: false, contact: false, weight: 3 },
  { key: 'player-contact', member: false, player: true, contact: true, weight: 14 },
  { key: 'player-only', member: false, player: true, contact: false, weight: 8 },
  { key: 'contact-only', member: false, player: false, contact: true, weight: 23 },
] as const;
export type GroupKey = (typeof GROUPS)[number]['key'];

/** SCL tiers with their monthly fee in cents (annual = 12 × monthly, less 5 % for paying up front). */
export const TIERS = [
  { id: 1, name: 'Platinum', monthlyCents: 240_000 },
  { id: 2, name: 'Gold', monthlyCents: 165_000 },
  { id: 3, name: 'Silver', monthlyCents: 110_000 },
  { id: 4, name: 'Bronze', monthlyCents: 70_000 },
  { id: 5, name: 'Social', monthlyCents: 30_000 },
  { id: 6, name: 'Junior', monthlyCents: 20_000 },
] as const;
export type Tier = (typeof TIERS)[number];

export type Billing = 'monthly' | 'quarterly' | 'annual';

export interface StatusChange {
  at: number;
  from: string;
  to: string;
  reason: string;
}

export interface MemberPlan {
  memberId: number;
  /** May be the partner's address (a shared family email). */
  email: string | null;
  phone: string | null;
  tier: Tier;
  /** The real join date, possibly years before the window. */
  joinedAt: number;
  /** When SCL published member.created: the join date, or the integration's first sync for older members. */
  syncedAt: number;
  billing: Billing;
  locker: boolean;
  tierChange?: { at: number; to: Tier; reason: 'downgrade' | 'upgrade' };
  statusChanges: StatusChange[];
  /** Lapsed or resigned: billing, bookings and member mail stop here. */
  endedAt?: number;
  /** A soft delete in SCL some weeks after resigning. */
  deletedAt?: number;
  detailChange?: { at: number; field: 'email' | 'phoneNumber' | 'lastName'; value: string };
  /** Index of the partner whose email this member shares. */
  sharesEmailWith?: number;
}

export interface PlayerPlan {
  playerId: string;
  golfRsaId: string | null;
  email: string | null;
  phone: string | null;
  handicap: number;
  homeClub: { id: string; name: string };
  createdAt: number;
  syncedAt: number;
  /** The name TeeTime first recorded, when it was mistyped (a later player.updated corrects it). */
  mistypedName?: string;
  /** Average tee-time bookings per month while active. */
  roundsPerMonth: number;
  /** "Golfers who stop booking": no bookings after this time. */
  stopAt?: number;
  update?: { at: number; changes: Record<string, string> };
}

export interface PreferenceChange {
  at: number;
  fields: Partial<Record<'emailOptIn' | 'smsOptIn' | 'pushOptIn' | 'whatsappOptIn', boolean>>;
}

export interface ContactPlan {
  contactId: string;
  email: string | null;
  phone: string | null;
  firstName: string;
  lastName: string;
  emailOptIn: boolean;
  smsOptIn: boolean;
  syncedAt: number;
  /** Share of received emails this person opens, and of opened emails they click. */
  openRate: number;
  clickRate: number;
  preferenceChanges: PreferenceChange[];
  /** The mailbox stopped existing: the next email hard-bounces and Messaging suppresses the address. */
  mailboxDeadFrom?: number;
  update?: { at: number; fields: Record<string, string> };
  deletedAt?: number;
}

export interface Person {
  index: number;
  group: GroupKey;
  culture: string;
  gender: 'female' | 'male';
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  email: string | null;
  /** E.164. */
  mobile: string | null;
  member?: MemberPlan;
  player?: PlayerPlan;
  contact?: ContactPlan;
}

export interface Window {
  start: number;
  end: number;
}

/** Lower-cased, accent-free, spaces dropped: "van der Merwe" → "vandermerwe". */
function emailPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Unique personal addresses in a handful of everyday shapes (thabo.mokoena, tmokoena82, mokoena.thabo …). */
class EmailBook {
  private readonly used = new Set<string>();

  make(rng: Rng, first: string, last: string, birthYear: number, domains: readonly string[]): string {
    const f = emailPart(first);
    const l = emailPart(last);
    const shapes = [`${f}.${l}`, `${f[0]}${l}`, `${f}${l}${birthYear % 100}`, `${l}.${f}`, `${f}_${l}`, `${f}${rng.int(1, 99)}`];
    for (let attempt = 0; ; attempt++) {
      const local = attempt < 3 ? rng.pick(shapes) : `${rng.pick(shapes)}${rng.int(2, 999)}`;
      const address = `${local}@${rng.pick(domains)}`;
      if (!this.used.has(address)) {
        this.used.add(address);
        return address;
      }
    }
  }
}

class PhoneBook {
  private readonly used = new Set<string>();

  make(rng: Rng): string {
    for (;;) {
      const number = `+27${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
      if (!this.used.has(number)) {
        this.used.add(number);
        return number;
      }
    }
  }
}

/** Planned changes stay an hour clear of "now", so no event lands after the end of the window. */
const HOUR_SLACK = 3_600_000;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function pickTier(rng: Rng, age: number, group: GroupKey): Tier {
  if (age < 19) return TIERS[5];
  // Members who never book tee times are mostly on the Social tier.
  const weights: Array<[Tier, number]> =
    group === 'member-contact' || group === 'member-only'
      ? [[TIERS[0], 3], [TIERS[1], 8], [TIERS[2], 12], [TIERS[3], 12], [TIERS[4], 65]]
      : [[TIERS[0], 9], [TIERS[1], 24], [TIERS[2], 30], [TIERS[3], 25], [TIERS[4], 12]];
  return rng.weighted(weights);
}

const LAPSE_REASONS = ['Non-payment of subscription', 'Subscription not renewed'];
const RESIGN_REASONS = ['Relocating to Cape Town', 'Joining another club', 'Health reasons', 'Emigrating', 'Cost of membership'];

function planMember(rng: Rng, person: Person, age: number, memberId: number, window: Window): MemberPlan {
  const span = window.end - window.start;
  const joinedInWindow = rng.chance(0.22);
  const adultYears = Math.max(1, age - 18);
  const joinedAt = joinedInWindow
    ? window.start + rng.between(0.02, 0.95) * span
    : window.start - rng.between(30, Math.min(30, adultYears) * 365) * DAY;
  const syncedAt = joinedInWindow ? joinedAt : window.start + rng.between(0, 1) * DAY;
  const tier = pickTier(rng, age, person.group);
  const plan: MemberPlan = {
    memberId,
    email: person.email,
    phone: rng.chance(0.94) ? person.mobile : null,
    tier,
    joinedAt,
    syncedAt,
    billing: rng.weighted<Billing>([['monthly', 25], ['quarterly', 25], ['annual', 50]]),
    locker: tier.id <= 3 && rng.chance(0.3),
    statusChanges: [],
  };
  // Every storyline needs some history before it and some quiet after it.
  const storyFrom = Math.max(syncedAt + 60 * DAY, window.start + 120 * DAY);
  const storyTo = window.end - 14 * DAY;
  const story = rng.weighted([['none', 79], ['lapse', 7], ['resign', 3], ['suspend', 2], ['downgrade', 6], ['upgrade', 3]] as const);
  if (storyFrom < storyTo) {
    const at = rng.between(storyFrom, storyTo);
    if (story === 'lapse') {
      plan.statusChanges.push({ at, from: 'ACTIVE', to: 'LAPSED', reason: rng.pick(LAPSE_REASONS) });
      plan.endedAt = at;
    } else if (story === 'resign') {
      plan.statusChanges.push({ at, from: 'ACTIVE', to: 'RESIGNED', reason: rng.pick(RESIGN_REASONS) });
      plan.endedAt = at;
      if (rng.chance(0.3) && at + 45 * DAY < window.end) plan.deletedAt = at + rng.between(14, 45) * DAY;
    } else if (story === 'suspend') {
      const back = at + rng.between(18, 45) * DAY;
      plan.statusChanges.push({ at, from: 'ACTIVE', to: 'SUSPENDED', reason: 'Account in arrears' });
      if (back < window.end) plan.statusChanges.push({ at: back, from: 'SUSPENDED', to: 'ACTIVE', reason: 'Arrears settled' });
    } else if ((story === 'downgrade' && tier.id <= 4) || (story === 'upgrade' && tier.id >= 2 && tier.id <= 4)) {
      plan.tierChange = { at, to: TIERS[tier.id - 1 + (story === 'downgrade' ? 1 : -1)]!, reason: story };
    }
  }
  return plan;
}

function planPlayer(rng: Rng, person: Person, emails: EmailBook, birthYear: number, window: Window): PlayerPlan {
  const member = person.member;
  const span = window.end - window.start;
  const createdAt = member
    ? member.syncedAt > window.start + DAY
      ? member.joinedAt + rng.between(1, 20) * DAY
      : window.start - rng.between(60, 3000) * DAY
    : rng.chance(0.7)
      ? window.start - rng.between(30, 2500) * DAY
      : window.start + rng.between(0, 0.97) * span;
  const syncedAt = createdAt < window.start ? window.start + rng.between(0, 1) * DAY : createdAt;
  // Most players use the address the club has; some use a work address, and then their phone links them.
  const useWorkEmail = person.email !== null && person.mobile !== null && rng.chance(0.12);
  const homeClub = member || rng.chance(0.35) ? HOME_CLUB : rng.pick(OTHER_CLUBS);
  const activity = member
    ? rng.weighted([[1.4, 25], [0.6, 45], [0.2, 30]] as const)
    : rng.weighted([[0.6, 15], [0.25, 40], [0.08, 45]] as const);
  const plan: PlayerPlan = {
    playerId: `plr_${rng.base36(10)}`,
    golfRsaId: rng.chance(0.85) ? String(rng.int(1_000_000, 9_999_999)) : null,
    email: useWorkEmail ? emails.make(rng, person.firstName, person.lastName, birthYear, WORK_EMAIL_DOMAINS) : person.email,
    phone: person.mobile,
    handicap: Math.round(clamp(rng.normal(member ? 15 : 18, 8), -2.4, 36) * 10) / 10,
    homeClub: { id: homeClub.id, name: homeClub.name },
    createdAt,
    syncedAt,
    roundsPerMonth: activity * rng.between(0.7, 1.3),
  };
  if (activity >= 0.6 && rng.chance(0.1)) plan.stopAt = window.end - rng.between(95, 240) * DAY;
  const updateAt = rng.between(syncedAt + 30 * DAY, window.end - DAY);
  if (rng.chance(0.05) && updateAt > syncedAt + 30 * DAY) {
    if (member || homeClub.id === HOME_CLUB.id) {
      // The pro shop typed the name wrong when the player was created, and fixed it later.
      plan.mistypedName = person.firstName.length > 4 ? person.firstName.slice(0, -2) + person.firstName.slice(-1) : `${person.firstName}h`;
      plan.update = { at: updateAt, changes: { name: person.firstName } };
    } else {
      const other = rng.pick(OTHER_CLUBS.filter((club) => club.id !== homeClub.id));
      plan.update = { at: updateAt, changes: { homeClubId: other.id, homeClubName: other.name } };
    }
  }
  return plan;
}

function planContact(rng: Rng, person: Person, window: Window): ContactPlan {
  const span = window.end - window.start;
  const knownElsewhere = person.member?.syncedAt ?? person.player?.syncedAt;
  const syncedAt =
    knownElsewhere !== undefined && knownElsewhere > window.start + DAY
      ? Math.min(window.end - DAY, knownElsewhere + rng.between(1, 10) * DAY)
      : knownElsewhere !== undefined || rng.chance(0.6)
        ? window.start + rng.between(0, 1) * DAY
        : window.start + rng.between(0, 0.97) * span;
  const persona = rng.weighted([
    [[0.65, 0.3], 20],
    [[0.35, 0.2], 45],
    [[0.1, 0.1], 25],
    [[0, 0], 10],
  ] as const);
  const smsOnly = person.email === null;
  const plan: ContactPlan = {
    contactId: rng.uuid(),
    email: person.email,
    phone: smsOnly || rng.chance(0.75) ? person.mobile : null,
    // Names typed into a signup form are not always tidy.
    firstName: rng.chance(0.05) ? person.firstName.toLowerCase() : person.firstName,
    lastName: person.lastName,
    emailOptIn: !smsOnly && rng.chance(0.8),
    smsOptIn: rng.chance(0.55),
    syncedAt,
    openRate: persona[0],
    clickRate: persona[1],
    preferenceChanges: [],
  };
  if (plan.phone === null && !plan.email) plan.phone = person.mobile;
  const changeFrom = syncedAt + 20 * DAY;
  if (changeFrom < window.end) {
    const at = () => rng.between(changeFrom, window.end - HOUR_SLACK);
    if (plan.emailOptIn && rng.chance(0.07)) {
      const optOutAt = at();
      plan.preferenceChanges.push({ at: optOutAt, fields: { emailOptIn: false } });
      if (rng.chance(0.15) && optOutAt + 30 * DAY < window.end) {
        plan.preferenceChanges.push({ at: rng.between(optOutAt + 30 * DAY, window.end - HOUR_SLACK), fields: { emailOptIn: true } });
      }
    } else if (!plan.emailOptIn && !smsOnly && rng.chance(0.1)) {
      plan.preferenceChanges.push({ at: at(), fields: { emailOptIn: true } });
    }
    if (plan.smsOptIn && rng.chance(0.05)) plan.preferenceChanges.push({ at: at(), fields: { smsOptIn: false } });
    if (plan.phone && rng.chance(0.05)) plan.preferenceChanges.push({ at: at(), fields: { whatsappOptIn: true, smsOptIn: true } });
    if (rng.chance(0.02)) plan.preferenceChanges.push({ at: at(), fields: { pushOptIn: true } });
    plan.preferenceChanges.sort((a, b) => a.at - b.at);
    if (plan.email && rng.chance(0.012)) plan.mailboxDeadFrom = at();
    if (rng.chance(0.06)) {
      // Filled in later: a phone number added, or a tidied name.
      plan.update =
        plan.phone === null && person.mobile
          ? { at: at(), fields: { phoneNumber: person.mobile } }
          : { at: at(), fields: { firstName: person.firstName, lastName: person.lastName } };
    }
    if (rng.chance(0.006)) plan.deletedAt = at();
  }
  return plan;
}

/**
 * The identifiers a club has handed out: a cast created with the same book never reuses a member number, email or
 * phone number of an earlier one (later sign-ups of the same club, as the soak feeds them).
 */
export class CastBook {
  readonly emails = new EmailBook();
  readonly phones = new PhoneBook();
  nextMemberId = 10_001;
}

/** The whole cast, deterministic for a given seed stream, count, window and book. */
export function createPeople(rng: Rng, count: number, window: Window, book = new CastBook()): Person[] {
  const { emails, phones } = book;
  const people: Person[] = [];
  for (let index = 0; index < count; index++) {
    const r = rng.fork('person', index);
    const group = r.weighted(GROUPS.map((g) => [g, g.weight] as const));
    const pool = r.weighted(NAME_POOLS.map((p) => [p, p.weight] as const));
    // Golf clubs skew male; the newsletter list less so.
    const gender = r.chance(group.member || group.player ? 0.34 : 0.48) ? 'female' : 'male';
    const age = group.member && r.chance(0.05) ? r.int(10, 18) : Math.round(clamp(r.normal(group.member ? 52 : 44, 14), 19, 88));
    const birthYear = new Date(window.end).getUTCFullYear() - age;
    const firstName = r.pick(gender === 'female' ? pool.female : pool.male);
    const lastName = r.pick(pool.surnames);
    const dateOfBirth = `${birthYear}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    const noEmail = group.contact && !group.member && !group.player && r.chance(0.06);
    const person: Person = {
      index,
      group: group.key,
      culture: pool.culture,
      gender,
      firstName,
      lastName,
      dateOfBirth,
      email: noEmail ? null : emails.make(r, firstName, lastName, birthYear, EMAIL_DOMAINS),
      mobile: noEmail || r.chance(0.93) ? phones.make(r) : null,
    };
    if (group.member) person.member = planMember(r, person, age, book.nextMemberId++, window);
    if (group.player) person.player = planPlayer(r, person, emails, birthYear, window);
    if (group.contact) person.contact = planContact(r, person, window);
    if (person.member && r.chance(0.04)) {
      const at = r.between(person.member.syncedAt + 30 * DAY, window.end - 2 * DAY);
      if (at > person.member.syncedAt + 30 * DAY) {
        const field = r.weighted([['email', 50], ['phoneNumber', 40], ['lastName', 10]] as const);
        const value =
          field === 'email'
            ? emails.make(r, firstName, lastName, birthYear, EMAIL_DOMAINS)
            : field === 'phoneNumber'
              ? phones.make(r)
              : r.pick(pool.surnames);
        person.member.detailChange = { at, field, value };
      }
    }
    people.push(person);
  }
  pairFamilies(rng.fork('families'), people);
  return people;
}

/**
 * Shared family emails: some couples are both members and SCL holds one household address for both. The second
 * member keeps their own phone (and their own address in TeeTime and Messaging), so only merge protection stands
 * between them and a wrong merge.
 */
function pairFamilies(rng: Rng, people: Person[]): void {
  const members = people.filter((p) => p.member && p.email && p.mobile && !p.member.detailChange);
  for (let i = 0; i + 1 < members.length; i += 2) {
    if (!rng.chance(0.06)) continue;
    const [first, second] = [members[i]!, members[i + 1]!];
    if (first.member!.email === null || second.member!.phone === null) continue;
    second.lastName = first.lastName;
    second.member!.email = first.member!.email;
    second.member!.sharesEmailWith = first.index;
    if (second.contact) second.contact.lastName = first.lastName;
  }
}
