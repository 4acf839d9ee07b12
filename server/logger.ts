import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import { env } from './env';
import { serializeError } from './log-scrub';

/**
 * Structured JSON logs. Personal data never reaches a log line: the listed paths are censored wherever they appear,
 * and errors are logged through serializeError (their parameters and quoted values masked).
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

export function loggerOptions(level: string = env().LOG_LEVEL): LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/** The app's logger configuration writing somewhere else: tests read what would have been logged. */
export function createLogger(destination?: DestinationStream, level?: string) {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

export const logger = createLogger();

export type Logger = typeof logger;
