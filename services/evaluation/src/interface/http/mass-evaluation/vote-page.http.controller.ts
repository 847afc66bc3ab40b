import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@vanguard/auth';
import { perAddressRateGuard } from '@vanguard/http';
import { positiveIntFromEnv } from '@vanguard/infra-config';
import { VOTE_PAGE } from './vote-page';

/** Page loads a minute each address may make (`EVALUATION_VOTE_PAGE_RPM`, default 600: a meeting hall behind one address). */
const pagesPerMinute = (): number => positiveIntFromEnv(process.env, 'EVALUATION_VOTE_PAGE_RPM', 600);

/** 投票页: the page a ballot slip's QR code opens; a page for people, so not in the API document. */
@ApiExcludeController()
@Controller('vote')
export class VotePageHttpController {
  @Get()
  @Public()
  @UseGuards(perAddressRateGuard(pagesPerMinute, { zh: '请求', en: 'page loads' }))
  page(@Res() res: Response): void {
    res.status(200).set(VOTE_PAGE.headers).send(VOTE_PAGE.html);
  }
}
