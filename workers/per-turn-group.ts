/**
 * Collects items pushed during one turn of the event loop and hands them over as one group on `setImmediate`: the
 * two threads of the worker exchange jobs and results this way, since waking the other thread costs about what a
 * socket write does, whatever the message holds.
 */
export function perTurnGroup<T>(send: (items: T[]) => void) {
  let items: T[] = [];
  function flush() {
    if (items.length === 0) return;
    const group = items;
    items = [];
    send(group);
  }
  return {
    push(item: T) {
      if (items.length === 0) setImmediate(flush);
      items.push(item);
    },
    /** Sends what is held now (on close), instead of on the next turn. */
    flush,
  };
}
