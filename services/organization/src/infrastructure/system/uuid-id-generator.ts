import { Injectable } from '@nestjs/common';
import type { IdGenerator } from '../../application/ports/id-generator.port';
import { uuidv7 } from './uuid-v7';

/** Time-ordered (v7) ids: new rows and outbox entries append to their indexes. */
@Injectable()
export class UuidIdGenerator implements IdGenerator {
  newId(): string {
    return uuidv7();
  }
}
