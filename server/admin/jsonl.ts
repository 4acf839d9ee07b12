import type { Publishable } from '../events/publisher';

export interface JsonlItem {
  /** 1-based line number in the file, for error messages. */
  line: number;
  item: Publishable;
}

export interface JsonlReject {
  line: number;
  id: string | null;
  error: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Messaging producer's flat job as written to a file: `{name, data}` and no envelope `type`. */
function isFlatJob(value: Record<string, unknown>): boolean {
  return typeof value.name === 'string' && isObject(value.data) && !('type' in value);
}

/**
 * Reads a JSON Lines file of events: each line an envelope or a flat Messaging job `{name, data}`. Blank lines are
 * skipped; lines that are not JSON objects are rejected with their line number. Whether an event is valid is for
 * the typed publisher to say.
 */
export function parseJsonl(text: string): { items: JsonlItem[]; rejects: JsonlReject[] } {
  const items: JsonlItem[] = [];
  const rejects: JsonlReject[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      rejects.push({ line, id: null, error: `not valid JSON (${(error as Error).message})` });
      continue;
    }
    if (!isObject(value)) {
      rejects.push({ line, id: null, error: 'not a JSON object (expected an event envelope or {name, data})' });
      continue;
    }
    const item = isFlatJob(value)
      ? { name: value.name as string, data: value.data as Record<string, unknown> }
      : (value as unknown as Publishable);
    items.push({ line, item });
  }
  return { items, rejects };
}
