import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Where the machine's CPU went during a stage: the worker processes, Postgres (every `postgres` process: the
 * backends serving the workers, the WAL writer, the checkpointer), Redis, everything else, the time the hypervisor
 * gave this machine's cores to another one (steal), and idle. Read from /proc (Linux only; elsewhere `cpuSnapshot`
 * returns null and nothing is printed). Figures are % of the whole machine, so the parts add up to 100. Steal is
 * apart because it is no process's cost: on a virtual machine whose neighbours are busy it slows every stage, and a
 * run with much of it is slower for reasons outside the product.
 */
export interface CpuSnapshot {
  /** Clock ticks per process id, with the process's command name. */
  processes: Map<number, { comm: string; ticks: number }>;
  /** Ticks of the whole machine: busy, idle and stolen by the hypervisor. */
  busy: number;
  idle: number;
  steal: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this project runs on

function processTicks(pid: number): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) }; // utime + stime
  } catch {
    return null; // exited meanwhile
  }
}

export type MachineTicks = Pick<CpuSnapshot, 'busy' | 'idle' | 'steal'>;

/** The whole machine's ticks alone (one small read of /proc/stat, cheap enough to take several times a second). */
export function machineTicks(): MachineTicks | null {
  if (os.platform() !== 'linux') return null;
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  // user nice system idle iowait irq softirq steal (guest time is already counted in user and nice).
  const n = cpu.split(/\s+/).slice(1, 9).map(Number);
  const idle = n[3] + n[4];
  const steal = n[7] ?? 0;
  const busy = n.reduce((a, b) => a + b, 0) - idle - steal;
  return { busy, idle, steal };
}

export function cpuSnapshot(): CpuSnapshot | null {
  const machine = machineTicks();
  if (!machine) return null;
  const processes = new Map<number, { comm: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const t = processTicks(Number(entry));
    if (t) processes.set(Number(entry), t);
  }
  return { processes, ...machine };
}

/** Steal as a % of the machine between two readings (0 when no time passed). */
export function stealPct(before: MachineTicks, after: MachineTicks): number {
  const total = after.busy - before.busy + (after.idle - before.idle) + (after.steal - before.steal);
  return total > 0 ? Math.round(((after.steal - before.steal) / total) * 100) : 0;
}

export interface CpuShares {
  workerPct: number;
  postgresPct: number;
  redisPct: number;
  otherPct: number;
  stealPct: number;
  idlePct: number;
  /** Worker CPU milliseconds per event, when the event count is given. */
  workerMsPerEvent?: number;
  postgresMsPerEvent?: number;
  redisMsPerEvent?: number;
}

/** Shares of the machine between two snapshots; `workerPids` are the worker processes of the stage. */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot, workerPids: number[], events?: number): CpuShares {
  const delta = (pid: number) => (after.processes.get(pid)?.ticks ?? 0) - (before.processes.get(pid)?.ticks ?? 0);
  let worker = 0;
  let postgres = 0;
  let redis = 0;
  for (const [pid, p] of after.processes) {
    if (workerPids.includes(pid)) worker += delta(pid);
    else if (p.comm === 'postgres') postgres += delta(pid);
    else if (p.comm.startsWith('redis-server')) redis += delta(pid);
  }
  const busy = after.busy - before.busy;
  const idle = after.idle - before.idle;
  const steal = after.steal - before.steal;
  const total = busy + idle + steal || 1;
  const pct = (ticks: number) => Math.round((ticks / total) * 1000) / 10;
  const perEvent = (ticks: number) => (events ? Math.round(((ticks / TICKS_PER_SECOND) * 1000 * 1000) / events) / 1000 : undefined);
  return {
    workerPct: pct(worker),
    postgresPct: pct(postgres),
    redisPct: pct(redis),
    otherPct: pct(Math.max(0, busy - worker - postgres - redis)),
    stealPct: pct(steal),
    idlePct: pct(idle),
    workerMsPerEvent: perEvent(worker),
    postgresMsPerEvent: perEvent(postgres),
    redisMsPerEvent: perEvent(redis),
  };
}

export function formatCpu(s: CpuShares): string {
  const per = s.workerMsPerEvent === undefined ? '' : ` — CPU ms per event: worker ${s.workerMsPerEvent}, Postgres ${s.postgresMsPerEvent}, Redis ${s.redisMsPerEvent}`;
  return `CPU (% of the machine): worker ${s.workerPct}, Postgres ${s.postgresPct}, Redis ${s.redisPct}, other ${s.otherPct}, steal ${s.stealPct}, idle ${s.idlePct}${per}`;
}
