/** The slice of a pino logger the messaging lib writes to; pass `pino()` or a child of it. */
export interface MessagingLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: MessagingLogger = { info() {}, warn() {}, error() {} };
