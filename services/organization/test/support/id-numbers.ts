/**
 * Valid ID numbers for tests, computed here and not with the domain's code, so a wrong weight or
 * digit table there fails the suites that enrol with these.
 */

/** GB 11643 check digit appended to seventeen digits. */
export function withCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

/**
 * Numbers a region can give: born 1930–1969, any month, days 1–28, sequence 000–999. Born by 1969,
 * every holder is eighteen by 1988, before any fixture's joining day, so none meets the joining-age
 * rule by chance (ADR 0151).
 */
export const ID_NUMBERS_PER_REGION = 40 * 12 * 28 * 1000;

/** The `k`-th valid number of `region` (six digits), `k` in [0, ID_NUMBERS_PER_REGION): distinct for distinct `k`. */
export function idNumberAt(region: string, k: number): string {
  const n = ((k % ID_NUMBERS_PER_REGION) + ID_NUMBERS_PER_REGION) % ID_NUMBERS_PER_REGION;
  const sequence = n % 1000;
  const day = 1 + (Math.floor(n / 1000) % 28);
  const month = 1 + (Math.floor(n / 28_000) % 12);
  const year = 1930 + Math.floor(n / 336_000);
  const pad = (v: number, width: number) => String(v).padStart(width, '0');
  return withCheckDigit(`${region}${year}${pad(month, 2)}${pad(day, 2)}${pad(sequence, 3)}`);
}

/** A random valid number of `region`: one of 13.4 million, so runs on a kept database rarely meet. */
export const randomIdNumber = (region: string): string => idNumberAt(region, Math.floor(Math.random() * ID_NUMBERS_PER_REGION));
