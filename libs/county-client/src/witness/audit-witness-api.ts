import { decodeBase64Strict } from '@vanguard/transparency-log';

/**
 * The audit service's witness routes (ADR 0041): the latest published checkpoint, consistency
 * proofs, and where cosignatures are handed in. They carry hashes only and a cosignature is
 * authenticated by its own signature, so they need no token.
 */
export interface WitnessLogApi {
  latestCheckpoint(): Promise<string>;
  consistency(from: number, to: number): Promise<Buffer[]>;
  submitCosigned(note: string): Promise<{ witnessed: boolean; cosignedBy: string[]; quorum: number }>;
}

export class AuditWitnessApi implements WitnessLogApi {
  constructor(
    private readonly baseUrl: string,
    private readonly context: 'evaluation' | 'commendation',
  ) {}

  private url(route: string): string {
    return `${this.baseUrl.replace(/\/$/, '')}/witness/${this.context}/${route}`;
  }

  async latestCheckpoint(): Promise<string> {
    const body = (await this.call('GET', 'checkpoint')) as { checkpoint?: unknown };
    if (typeof body.checkpoint !== 'string') throw new Error('the audit service answered no checkpoint');
    return body.checkpoint;
  }

  async consistency(from: number, to: number): Promise<Buffer[]> {
    const body = (await this.call('GET', `consistency?from=${from}&to=${to}`)) as { proof?: unknown };
    if (!Array.isArray(body.proof)) throw new Error('the audit service answered no proof');
    return body.proof.map((h) => {
      const bytes = typeof h === 'string' ? decodeBase64Strict(h) : undefined;
      if (!bytes) throw new Error('a proof hash is not base64');
      return bytes;
    });
  }

  async submitCosigned(note: string): Promise<{ witnessed: boolean; cosignedBy: string[]; quorum: number }> {
    return (await this.call('POST', 'cosignatures', { checkpoint: note })) as { witnessed: boolean; cosignedBy: string[]; quorum: number };
  }

  private async call(method: 'GET' | 'POST', route: string, body?: object): Promise<unknown> {
    const res = await fetch(this.url(route), {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    }).catch((e: unknown) => {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new Error(`审计服务不可达 / the audit service at ${this.baseUrl} cannot be reached (${cause})`);
    });
    const json = (await res.json().catch(() => ({}))) as { message?: unknown };
    if (!res.ok) throw new Error(`audit ${method} ${route}: ${res.status} ${typeof json.message === 'string' ? json.message : ''}`.trim());
    return json;
  }
}
