import { killWorkers } from './s1-kill-workers';
import { rollingRestart } from './s2-rolling-restart';
import { redisRestart } from './s3-redis-restart';
import { redisUnreachable } from './s4-redis-unreachable';
import { postgresOutage } from './s5-postgres-outage';
import { relayCrash } from './s6-relay-crash';
import { evictingRedis } from './s7-evicting-redis';
import { soak } from './s8-soak';
import type { Scenario } from './types';

/** The scenarios of `npm run chaos`, in the order. */
export const SCENARIOS: Scenario[] = [killWorkers, rollingRestart, redisRestart, redisUnreachable, postgresOutage, relayCrash, evictingRedis, soak];
