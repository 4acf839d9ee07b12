/** Dense, calm tables with sticky headers (Twenty/Linear feel). */
export const table = {
  wrap: 'overflow-x-auto rounded-lg border border-zinc-200 bg-white',
  table: 'w-full table-fixed border-collapse text-sm',
  thead: 'sticky top-0 z-10 bg-zinc-50 text-left text-xs font-medium text-zinc-500',
  th: 'border-b border-zinc-200 px-3 py-2 font-medium',
  /** A row that j/k can move to (keyboard.tsx looks for data-row). */
  tr: 'border-b border-zinc-100 last:border-0 hover:bg-zinc-50 has-[a[data-row-link]:focus]:bg-indigo-50/60',
  td: 'px-3 py-2 align-middle text-zinc-700',
  rowLink: 'font-medium text-zinc-900 outline-none hover:underline focus-visible:underline',
};
