import { Inject, Injectable } from '@nestjs/common';
import { PERSONAL_DATA_CIPHER, type PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import { Member, type MembershipHistoryEntry } from '../../domain/member/member.aggregate';
import type { Membership, MemberRole, MemberStatus, VanguardPost } from '../../domain/member/member.vocabulary';
import { PersonalData } from '../../domain/member/personal-data.value-object';
import { MemberHistoryOrmEntity, MemberOrmEntity } from './member.orm-entity';

/** Seals personal fields on the way to the table and opens them on the way back. */
@Injectable()
export class MemberMapper {
  constructor(@Inject(PERSONAL_DATA_CIPHER) private readonly cipher: PersonalDataCipher) {}

  /** Before `toDomain`: reads the data keys again if the row is under one this instance has not loaded. */
  ensureKeys(row: MemberOrmEntity): Promise<void> {
    return this.cipher.ensureKeys([row.idNumberEnc, row.phoneEnc]);
  }

  toDomain(row: MemberOrmEntity, history: MemberHistoryOrmEntity[]): Member {
    return Member.restore({
      id: row.id,
      orgId: row.orgId,
      name: row.name,
      status: row.status as MemberStatus,
      joinedOn: row.joinedOn,
      roles: row.roles as MemberRole[],
      posts: row.posts as VanguardPost[],
      personal: PersonalData.restore(
        row.idNumberEnc ? this.cipher.decrypt(row.idNumberEnc) : null,
        row.phoneEnc ? this.cipher.decrypt(row.phoneEnc) : null,
      ),
      membership: row.membership as Membership,
      history: history.map((h) => ({ on: h.onDay, kind: h.kind as MembershipHistoryEntry['kind'], orgId: h.orgId, detail: h.detail })),
      version: row.version,
    });
  }

  toOrm(m: Member): MemberOrmEntity {
    const row = new MemberOrmEntity();
    row.id = m.id;
    row.orgId = m.orgId;
    row.name = m.name;
    row.status = m.status;
    row.joinedOn = m.joinedOn;
    row.roles = [...m.roles];
    row.posts = [...m.posts];
    row.idNumberEnc = m.personal.idNumber ? this.cipher.encrypt(m.personal.idNumber) : null;
    row.phoneEnc = m.personal.phone ? this.cipher.encrypt(m.personal.phone) : null;
    row.idNumberHash = m.personal.idNumber ? this.cipher.blindIndex(m.personal.idNumber) : null;
    row.membership = m.membership;
    row.version = m.version;
    return row;
  }
}
