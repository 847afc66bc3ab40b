/** China Standard Time has no daylight saving: the day there is UTC + 8 h. */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The calendar day in China (YYYY-MM-DD) an instant falls on: the day users and deadlines mean. */
export function chinaDayOf(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant the China day holding `instant` began (its midnight, 16:00 UTC the day before). */
export function chinaDayBegan(instant: Date): Date {
  const shifted = instant.getTime() + CHINA_OFFSET_MS;
  return new Date(shifted - (((shifted % DAY_MS) + DAY_MS) % DAY_MS) - CHINA_OFFSET_MS);
}

/**
 * An instant as people here read it: China Standard Time, `2026-12-05 19:01:11（北京时间）`. Events
 * carry UTC; what a person reads (a county's `follow`) shows this.
 */
export function chinaTimeOf(instant: Date): string {
  return `${new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')}（北京时间）`;
}
