import type { Emitter } from './emit';
import type { ContactPlan, Person, Window } from './people';
import type { Rng } from './random';
import type { Competition } from './teetime';
import { DAY, HOUR, MINUTE, atLocalTime, iso, localMonthIndex, localWeekday, localYear, monthLabel, monthStart } from './time';

/*
 * Messaging: contacts and their consent, campaigns and what people did with them, and one-to-one reminders. A share
 * of Messaging's jobs arrive in its flat format (with or without a `payload` wrapper), as its producers send them.
 */

type Channel = 'EMAIL' | 'SMS' | 'WHATSAPP';
type Audience = 'members' | 'non-members' | 'everyone';

export interface Campaign {
  id: string;
  name: string;
  channel: Channel;
  audience: Audience;
  at: number;
  subject: string;
  url: string;
}

const SITE = 'https://demo-golf-club.example.org';
const FLAT_SHARE = 0.3;
const SMS_REPLIES = ['Thanks, see you on the tee', 'Please add my partner to the booking', 'Running 10 min late', 'Can we move to 08:10?'];
const EMAIL_REPLIES = ['Please add me to the waiting list', 'Is the halfway house open on Sunday?', 'Can I bring a guest?', 'Thank you for the update'];

/** The first Thursday of the month at 10:00: when the club sends its newsletters. */
function firstThursday(month: number): number {
  let day = atLocalTime(month, 10);
  while (localWeekday(day) !== 4) day += DAY;
  return day;
}

/** The club's campaign calendar over the window. */
export function planCampaigns(rng: Rng, window: Window, competitions: Competition[]): Campaign[] {
  const campaigns: Campaign[] = [];
  const add = (name: string, channel: Channel, audience: Audience, at: number, slug: string) => {
    if (at < window.start || at > window.end) return;
    campaigns.push({ id: `camp_${rng.base36(8)}`, name, channel, audience, at, subject: name, url: `${SITE}/${slug}?utm_source=crm&utm_medium=${channel.toLowerCase()}` });
  };
  for (let month = monthStart(window.start, 1); month < window.end; month = monthStart(month, 1)) {
    const m = localMonthIndex(month);
    const label = monthLabel(month);
    // The members' newsletter goes out each quarter, the visitors' one twice a year.
    if (m % 3 === 0) add(`The Clubhouse — ${label}`, 'EMAIL', 'members', firstThursday(month), `news/${localYear(month)}-${m + 1}`);
    if (m % 6 === 1) add(`Visitors & Friends — ${label}`, 'EMAIL', 'non-members', firstThursday(month) + 7 * DAY, 'visitors');
    if (m === 9) add(`Green-fee specials — ${label}`, 'EMAIL', 'non-members', firstThursday(month) + 14 * DAY, 'green-fees');
    if (m === 4) add(`Pro shop winter sale ${localYear(month)}`, 'EMAIL', 'members', firstThursday(month) + 14 * DAY, 'pro-shop');
    if (m === 5) add(`Subscription renewal ${localYear(month)}/${(localYear(month) + 1) % 100}`, 'EMAIL', 'members', firstThursday(month) + 7 * DAY, 'renew');
    if (m === 10) add(`Year-end function ${localYear(month)}`, 'EMAIL', 'members', firstThursday(month) + 14 * DAY, 'year-end');
    if (m % 6 === 2) add(`Course conditions — ${label}`, 'WHATSAPP', 'everyone', atLocalTime(month + 9 * DAY, 7), 'course');
  }
  // SMS for the big days only: the championship and the invitationals.
  for (const competition of competitions) {
    if (!/Championship|Captain|Invitational|President/.test(competition.name)) continue;
    add(`Entries open: ${competition.name}`, 'SMS', 'members', competition.publishedAt + 2 * HOUR, `competitions/${competition.id}`);
  }
  return campaigns.sort((a, b) => a.at - b.at);
}

/** What Messaging knows about one contact at a moment: consent, reachability, membership. */
class ContactState {
  private suppressed = false;

  constructor(
    private readonly person: Person,
    private readonly contact: ContactPlan,
  ) {}

  exists(at: number): boolean {
    return this.contact.syncedAt <= at && (this.contact.deletedAt === undefined || at < this.contact.deletedAt);
  }

  optedIn(channel: Channel, at: number): boolean {
    const field = channel === 'EMAIL' ? 'emailOptIn' : channel === 'SMS' ? 'smsOptIn' : 'whatsappOptIn';
    let value = field === 'emailOptIn' ? this.contact.emailOptIn : field === 'smsOptIn' ? this.contact.smsOptIn : false;
    for (const change of this.contact.preferenceChanges) {
      if (change.at <= at && change.fields[field] !== undefined) value = change.fields[field]!;
    }
    return value;
  }

  reachable(channel: Channel): boolean {
    return channel === 'EMAIL' ? Boolean(this.contact.email) && !this.suppressed : Boolean(this.contact.phone);
  }

  /** After a hard bounce Messaging stops emailing the address. */
  suppressEmail(): void {
    this.suppressed = true;
  }

  activeMember(at: number): boolean {
    const member = this.person.member;
    return Boolean(member && member.syncedAt <= at && (member.endedAt === undefined || at < member.endedAt));
  }

  /** People drift away: after they stop playing or their membership ends they open far less. */
  openRate(at: number): number {
    const drifted = (this.person.player?.stopAt ?? Infinity) < at || (this.person.member?.endedAt ?? Infinity) < at;
    return this.contact.openRate * (drifted ? 0.25 : 1);
  }

  inAudience(campaign: Campaign): boolean {
    if (campaign.audience === 'everyone') return true;
    return (campaign.audience === 'members') === this.activeMember(campaign.at);
  }
}

/** Sends one Messaging event, as an envelope or (for a share) in the flat format. */
class MessagingOut {
  constructor(
    private readonly rng: Rng,
    private readonly out: Emitter,
    private readonly contact: ContactPlan,
  ) {}

  send(name: string, at: number, fields: Record<string, unknown>, identityExtras: { email?: string | null; phoneNumber?: string | null } = {}): string | null {
    if (this.rng.chance(FLAT_SHARE)) {
      return this.out.flat(this.rng, { name, at, contactId: this.contact.contactId, fields, nested: this.rng.chance(0.6) });
    }
    // Envelopes use the canonical prefixed type, except the few alias names Messaging's pages document unprefixed.
    const type = name.startsWith('email.') && this.rng.chance(0.05) ? name : `messaging.${name}`;
    return this.out.envelope(this.rng, {
      source: 'messaging',
      type,
      at,
      identity: {
        messagingContactId: this.contact.contactId,
        ...(identityExtras.email ? { email: identityExtras.email } : {}),
        ...(identityExtras.phoneNumber ? { phoneNumber: identityExtras.phoneNumber } : {}),
      },
      payload: { contactId: this.contact.contactId, ...fields },
    });
  }
}

function emitContactLifecycle(rng: Rng, out: MessagingOut, contact: ContactPlan) {
  const contactFields = {
    email: contact.email,
    phoneNumber: contact.phone,
    firstName: contact.firstName,
    lastName: contact.lastName,
    emailOptIn: contact.emailOptIn,
    smsOptIn: contact.smsOptIn,
  };
  out.send('contact.created', contact.syncedAt, { ...contactFields, createdAt: iso(contact.syncedAt) }, { email: contact.email, phoneNumber: contact.phone });
  if (contact.update) {
    const fields = { ...contactFields, ...contact.update.fields, updatedAt: iso(contact.update.at) };
    out.send('contact.updated', contact.update.at, fields, { email: contact.email, phoneNumber: fields.phoneNumber });
  }
  for (const change of contact.preferenceChanges) {
    const name = rng.chance(0.2) ? 'consent.changed' : 'contactPreference.updated';
    out.send(name, change.at, { ...change.fields, updatedAt: iso(change.at) });
  }
  if (contact.deletedAt) out.send('contact.deleted', contact.deletedAt, { reason: 'Requested removal', deletedAt: iso(contact.deletedAt) });
}

function emitCampaignReceipt(rng: Rng, out: MessagingOut, state: ContactState, contact: ContactPlan, campaign: Campaign) {
  const sentAt = campaign.at + rng.int(0, 40) * MINUTE;
  const messageId = `msg_${rng.chars(16)}`;
  const base = { messageId, campaignId: campaign.id };
  out.send('campaign.sent', sentAt, { ...base, campaignName: campaign.name, channel: campaign.channel, sentAt: iso(sentAt) });

  if (campaign.channel === 'EMAIL') {
    if (contact.mailboxDeadFrom !== undefined && sentAt >= contact.mailboxDeadFrom) {
      const at = sentAt + rng.int(1, 5) * MINUTE;
      out.send('message.bounced', at, { ...base, channel: 'EMAIL', bounceType: 'hard', reason: '550 5.1.1 Mailbox does not exist', bouncedAt: iso(at) });
      state.suppressEmail();
      return;
    }
    if (rng.chance(0.01)) {
      const at = sentAt + rng.int(1, 30) * MINUTE;
      out.send('message.bounced', at, { ...base, channel: 'EMAIL', bounceType: 'soft', reason: '452 4.2.2 Mailbox full', bouncedAt: iso(at) });
      return;
    }
    // Email delivery is implied unless it bounces; opens and clicks follow.
    if (!rng.chance(state.openRate(sentAt))) return;
    const openedAt = sentAt + Math.min(rng.exponential(1 / (6 * HOUR)), 6 * DAY);
    out.send('email.opened', openedAt, { ...base, openedAt: iso(openedAt) });
    if (rng.chance(contact.clickRate)) {
      const clickedAt = openedAt + rng.int(1, 10) * MINUTE;
      out.send('email.clicked', clickedAt, { ...base, url: campaign.url, clickedAt: iso(clickedAt) });
    }
    if (rng.chance(0.001)) {
      const at = openedAt + rng.int(1, 30) * MINUTE;
      out.send('message.bounced', at, { ...base, channel: 'EMAIL', bounceType: 'complaint', reason: 'Marked as spam', bouncedAt: iso(at) });
    } else if (rng.chance(0.004)) {
      const at = openedAt + rng.int(10, 600) * MINUTE;
      out.send('message.replied', at, { ...base, channel: 'EMAIL', repliedAt: iso(at), preview: rng.pick(EMAIL_REPLIES) });
    }
    return;
  }

  // SMS and WhatsApp: carriers confirm delivery; some people tap the link.
  const deliveredAt = sentAt + rng.int(5, 90) * 1000;
  out.send('message.delivered', deliveredAt, { ...base, channel: campaign.channel, deliveredAt: iso(deliveredAt) });
  if (rng.chance(state.openRate(sentAt) * 0.25)) {
    const clickedAt = deliveredAt + rng.int(1, 240) * MINUTE;
    out.send('link.clicked', clickedAt, { ...base, channel: campaign.channel, url: campaign.url, clickedAt: iso(clickedAt) });
  }
}

/** The evening before a tee time, some players get an SMS reminder (and a few answer it). */
function emitReminder(rng: Rng, out: MessagingOut, teeTime: number) {
  const sentAt = atLocalTime(teeTime - DAY, 17, rng.int(0, 20));
  const messageId = `msg_${rng.chars(16)}`;
  if (!out.send('message.sent', sentAt, { messageId, channel: 'SMS', subject: 'Tee time reminder', sentAt: iso(sentAt) })) return;
  const deliveredAt = sentAt + rng.int(5, 120) * 1000;
  out.send('message.delivered', deliveredAt, { messageId, channel: 'SMS', deliveredAt: iso(deliveredAt) });
  if (rng.chance(0.05)) {
    const repliedAt = deliveredAt + rng.int(2, 180) * MINUTE;
    out.send('message.replied', repliedAt, { messageId, channel: 'SMS', repliedAt: iso(repliedAt), preview: rng.pick(SMS_REPLIES) });
  }
}

/** A contact's Messaging history: the contact itself, the campaigns that reached them, and booking reminders. */
export function emitContactHistory(rng: Rng, out: Emitter, person: Person, campaigns: Campaign[], teeTimes: number[]): void {
  const contact = person.contact;
  if (!contact) return;
  const send = new MessagingOut(rng.fork('format'), out, contact);
  emitContactLifecycle(rng.fork('lifecycle'), send, contact);
  const state = new ContactState(person, contact);
  const receipts = rng.fork('campaigns');
  for (const campaign of campaigns) {
    if (!state.exists(campaign.at) || !state.inAudience(campaign)) continue;
    if (!state.optedIn(campaign.channel, campaign.at) || !state.reachable(campaign.channel)) continue;
    emitCampaignReceipt(receipts, send, state, contact, campaign);
  }
  const reminders = rng.fork('reminders');
  for (const teeTime of teeTimes) {
    if (!reminders.chance(0.12) || !contact.phone) continue;
    if (!state.exists(teeTime - DAY) || !state.optedIn('SMS', teeTime - DAY)) continue;
    emitReminder(reminders, send, teeTime);
  }
}
