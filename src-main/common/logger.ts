// What the domain modules need of a logger: structured fields first, an English message
// after. The core gives them its pino logger (core/log.ts), which has this shape.
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
