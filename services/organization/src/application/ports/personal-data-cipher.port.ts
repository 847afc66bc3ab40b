export const PERSONAL_DATA_CIPHER = Symbol('PersonalDataCipher');

/** Encrypts personal fields at rest (AES-256-GCM); `blindIndex` finds equal values without decrypting. */
export interface PersonalDataCipher {
  encrypt(clear: string): string;
  decrypt(sealed: string): string;
  blindIndex(clear: string): string;
}
