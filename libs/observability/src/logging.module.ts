import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { correlationIdFor } from './correlation';

/** pino JSON logs, one line per request, each carrying the request's correlation id. */
@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: {
        level: process.env['LOG_LEVEL'] ?? 'info',
        genReqId: correlationIdFor,
        customAttributeKeys: { reqId: 'correlationId' },
        // Bearer tokens and cookies never reach the log.
        redact: ['req.headers.authorization', 'req.headers.cookie'],
        autoLogging: { ignore: (req) => req.url === '/metrics' || (req.url ?? '').startsWith('/health') },
      },
    }),
  ],
})
export class LoggingModule {}
