import { Check, Minus } from 'lucide-react';

const CHANNELS = [
  ['emailOptIn', 'Email'],
  ['smsOptIn', 'SMS'],
  ['pushOptIn', 'Push'],
  ['whatsappOptIn', 'WhatsApp'],
] as const;

type ConsentFlags = Record<(typeof CHANNELS)[number][0], boolean>;

/** Consent per channel, each said in words (✓ Email, – SMS), compact enough for a table cell. */
export function ConsentInline({ flags }: { flags: ConsentFlags }) {
  const given = CHANNELS.filter(([k]) => flags[k]);
  if (given.length === 0) return <span className="text-xs text-zinc-400">No consent</span>;
  return <span className="truncate text-xs text-zinc-600">{given.map(([, label]) => label).join(' · ')}</span>;
}

export function ConsentList({ flags, undeliverable }: { flags: ConsentFlags; undeliverable?: { email: boolean; phone: boolean } }) {
  return (
    <ul className="space-y-1 text-xs">
      {CHANNELS.map(([key, label]) => {
        const yes = flags[key];
        const blocked = (key === 'emailOptIn' && undeliverable?.email) || (key === 'smsOptIn' && undeliverable?.phone);
        return (
          <li key={key} className={`flex items-center gap-1.5 ${yes ? 'text-zinc-800' : 'text-zinc-400'}`}>
            {yes ? <Check aria-hidden className="size-3.5 text-emerald-600" /> : <Minus aria-hidden className="size-3.5" />}
            <span>
              {label} {yes ? 'opted in' : 'not opted in'}
              {blocked && <span className="ml-1 text-red-700">(bounced)</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
