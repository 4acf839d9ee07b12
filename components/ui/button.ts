/** Button looks, as class strings so links and buttons share them. */
const base =
  'inline-flex items-center justify-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium whitespace-nowrap transition focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-50';

export const buttonClass = {
  primary: `${base} bg-indigo-600 text-white hover:bg-indigo-500`,
  secondary: `${base} bg-white text-zinc-800 ring-1 ring-zinc-300 ring-inset hover:bg-zinc-50`,
  danger: `${base} bg-red-600 text-white hover:bg-red-500`,
  ghost: `${base} text-zinc-700 hover:bg-zinc-100`,
};

export const inputClass =
  'block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none';
