/** The slice of a pino logger the messaging lib writes to; pass `pino()` or a child of it. */
export interface MessagingLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: MessagingLogger = { info() {}, warn() {}, error() {} };

/** The slice of a Nest `Logger` (or any line logger) that `messagingLoggerOf` writes to. */
export interface LineLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * A runner's Nest logger as the messaging lib's: the message, then the fields as JSON on the
 * same line. `info: false` keeps routine progress (each batch relayed, say) out of the log.
 */
export function messagingLoggerOf(logger: LineLogger, options: { readonly info?: boolean } = {}): MessagingLogger {
  const line = (o: object, m?: string) => `${m ?? ''} ${JSON.stringify(o)}`;
  return {
    info: options.info === false ? () => undefined : (o, m) => logger.log(line(o, m)),
    warn: (o, m) => logger.warn(line(o, m)),
    error: (o, m) => logger.error(line(o, m)),
  };
}
