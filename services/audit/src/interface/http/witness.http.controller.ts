import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@vanguard/auth';
import { ApiRefusals, perAddressRateGuard } from '@vanguard/http';
import { ProofLogs } from '../../application/proof-logs';
import { WitnessCosignatures } from '../../application/witness-cosignatures';
import { parsePositiveInt, POSITIVE_INTEGER, AuditParams } from './audit-params';

/** Requests a minute each address may make of the witness routes (`AUDIT_WITNESS_RPM`, default 600). */
const witnessPerMinute = (): number => Number(process.env['AUDIT_WITNESS_RPM'] ?? 600);
/** Every witness route is rate-limited per address (the guard on the class). */
const TOO_MANY = 'LIMIT.TOO_MANY: 同一地址请求过多 / too many requests from one address (Retry-After says when to come back)';

/**
 * The county witnesses' routes (ADR 0041). Public, as C2SP witness and CT log endpoints are:
 * they carry tree sizes and hashes only, and a cosignature is authenticated by its own
 * signature under a configured witness key, not by who posts it. Being public, they are
 * rate-limited per address: a consistency proof and a cosignature check cost the service CPU.
 */
@ApiTags('witnesses')
@Controller('witness/:context')
@UseGuards(perAddressRateGuard(witnessPerMinute, { zh: '见证请求', en: 'witness requests' }))
export class WitnessHttpController {
  constructor(
    private readonly logs: ProofLogs,
    private readonly witnesses: WitnessCosignatures,
  ) {}

  @Get('checkpoint')
  @Public()
  @ApiOperation({ summary: '最新发布的签名检查点 / the latest published signed checkpoint' })
  @ApiRefusals({ 429: [TOO_MANY] })
  async checkpoint(@Param('context') raw: string) {
    const cp = await this.witnesses.latest(this.logs.contextOf(raw));
    return { checkpoint: cp.note, size: cp.size, root: cp.root };
  }

  @Get('consistency')
  @Public()
  @ApiOperation({ summary: '一致性证明（供见证方）/ consistency proof between two tree sizes, for witnesses' })
  @ApiRefusals({ 429: [TOO_MANY] })
  async consistency(
    @Param('context') raw: string,
    @AuditParams(['from', 'to'], { from: POSITIVE_INTEGER, to: POSITIVE_INTEGER }) q: Record<string, unknown>,
  ) {
    const context = this.logs.contextOf(raw);
    return this.logs.consistency(context, parsePositiveInt('from', q['from']), parsePositiveInt('to', q['to']));
  }

  @Post('cosignatures')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: '提交联署（C2SP tlog-cosignature）/ hand in a witness cosignature: the checkpoint note with its cosignature line',
  })
  @ApiRefusals({ 429: [TOO_MANY] })
  async cosign(@Param('context') raw: string, @Body() body: Record<string, unknown> | undefined) {
    return this.witnesses.submit(this.logs.contextOf(raw), body?.['checkpoint']);
  }

  @Get('witnessed')
  @Public()
  @ApiOperation({ summary: '最新的已见证检查点及联署 / the latest checkpoint a quorum of witnesses cosigned, with their cosignatures' })
  @ApiRefusals({
    404: ['AUDIT.NOT_FOUND: no published checkpoint is cosigned by a quorum of the configured witnesses yet'],
    429: [TOO_MANY],
  })
  async witnessed(@Param('context') raw: string) {
    const w = await this.witnesses.witnessed(this.logs.contextOf(raw));
    return { checkpoint: w.witnessedNote, size: w.size, root: w.root, cosignedBy: w.cosignedBy, quorum: w.quorum };
  }

  @Post('publish')
  @Roles('audit_supervisor')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({ summary: '立即发布检查点 / publish a checkpoint now (besides the schedule)' })
  @ApiRefusals({ 429: [TOO_MANY] })
  async publish(@Param('context') raw: string) {
    const cp = await this.witnesses.publish(this.logs.contextOf(raw));
    return { checkpoint: cp.note, size: cp.size, root: cp.root };
  }
}
