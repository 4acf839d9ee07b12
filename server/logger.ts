import pino from 'pino';
import { env } from './env';

/**
 * Structured JSON logs. Personal data never reaches a log line: the listed paths are censored wherever they appear.
 */
export const REDACT_PATHS = [
  'email',
  'phoneNumber',
  'phone',
  '*.email',
  '*.phoneNumber',
  '*.phone',
  '*.*.email',
  '*.*.phoneNumber',
  'identity',
  '*.identity',
  'payload',
  '*.payload',
  'password',
  '*.password',
];

export const logger = pino({
  level: env().LOG_LEVEL,
  base: { pid: process.pid },
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = typeof logger;
