// pino, one child logger per module. Pretty only on a TTY; secrets redacted wherever they appear
// in structured fields.
import { pino, type Logger } from 'pino';
import { isTTY, logLevelFromEnv } from '../config/index.js';

export type { Logger };

const REDACT = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'secretKey',
  '*.secretKey',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'session_key',
  '*.session_key',
  'sessionKey',
  '*.sessionKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'pgUrl',
  '*.pgUrl',
];

export const rootLogger: Logger = pino({
  level: logLevelFromEnv(),
  redact: { paths: REDACT, censor: '[redacted]' },
  base: undefined,
  ...(isTTY() ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } } : {}),
});

// Module loggers are made at import, before `.env` is loaded and the configuration parsed:
// kept so the configured LOG_LEVEL reaches them too.
const children: Logger[] = [];
export function getLogger(module: string): Logger {
  const child = rootLogger.child({ module });
  children.push(child);
  return child;
}

/** The configured level (config.logLevel), for the root and every module logger. */
export function setLogLevel(level: Logger['level']): void {
  rootLogger.level = level;
  for (const c of children) c.level = level;
}

/** Hide the password in a connection string before it is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:[redacted]@');
}
