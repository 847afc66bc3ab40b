export const PERSONAL_DATA_CIPHER = Symbol('PersonalDataCipher');

/** Encrypts personal fields at rest (AES-256-GCM); `blindIndex` finds equal values without decrypting. */
export interface PersonalDataCipher {
  encrypt(clear: string): string;
  decrypt(sealed: string): string;
  /**
   * Await before decrypting stored values: when one is under a data key this instance has not
   * loaded yet (another instance met a rotation first), the keys are read again once.
   */
  ensureKeys(sealed: Iterable<string | null | undefined>): Promise<void>;
  blindIndex(clear: string): string;
}
