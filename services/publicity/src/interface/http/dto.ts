import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaginationQuery, IsDay, IsNotBlank, IsPlainText, IsUuid, PARSED_BODY_LIMIT_BYTES, MaxLength } from '@vanguard/http';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { MEDIA_CHANNELS, MEDIA_LEVELS, outletKey, type MediaChannel, type MediaLevel } from '../../domain/article/article';

/**
 * An outlet is blank when its key is (ADR 0124): one set of what shows as nothing for both, so an
 * outlet of one U+FE0F is refused, not stored with an empty key. IsNotBlank's set is narrower
 * (versioned rules that decisions replay read it).
 */
const OutletShowsSomething = (): PropertyDecorator =>
  ValidateBy({
    name: 'isNotBlank',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || outletKey(value) !== '',
      defaultMessage: () => 'outlet must not be blank',
    },
  });

// Names, titles and outlets are plain text (IsPlainText): markup there is refused, not cleaned,
// since nobody types tags into a name; and one that shows as nothing (spaces, zero-width or Braille
// and Hangul blanks) is refused naming the field (IsNotBlank), as `MinLength(1)` let "\u200b" through.

export class ExemplarListQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: ['proposed', 'published', 'declined', 'withdrawn'] })
  @IsOptional()
  @IsIn(['proposed', 'published', 'declined', 'withdrawn'])
  status?: string;
}

/** A field left out is not edited; one sent as null is refused (400), not taken for "left out". */
const SENT = ValidateIf((_: unknown, v: unknown) => v !== undefined);

/**
 * The most characters a rich-text field takes: what fits, as CJK text (3 bytes a character in
 * UTF-8), in the JSON parser's limit with 4 KiB left for the request's other fields (ADR 0144).
 * A larger maximum was promised and never reachable: the parser refuses the body first (413).
 */
export const RICH_TEXT_MAX_CHARS = Math.floor((PARSED_BODY_LIMIT_BYTES - 4 * 1024) / 3);
const RICH_TEXT_SIZE = `at most ${RICH_TEXT_MAX_CHARS} characters, and the whole request at most ${PARSED_BODY_LIMIT_BYTES} bytes of UTF-8 JSON (413 past it)`;

export class EditExemplarRequest {
  @ApiPropertyOptional({ maxLength: 200 })
  @SENT
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  @IsPlainText('name')
  name?: string;

  @ApiPropertyOptional({ description: `rich text; sanitised on the way in; ${RICH_TEXT_SIZE}`, maxLength: RICH_TEXT_MAX_CHARS })
  @SENT
  @IsString()
  @MaxLength(RICH_TEXT_MAX_CHARS)
  story?: string;
}

export class DeclineExemplarRequest {
  @ApiProperty({ maxLength: 1000, description: 'shown to editors' })
  @IsString()
  @IsNotBlank()
  @MaxLength(1000)
  @IsPlainText('reason')
  reason!: string;
}

export class TakeDownExemplarRequest {
  @ApiProperty({ maxLength: 1000, description: '公开：显示在光荣榜变更记录中 / public: shown in the honour roll’s history' })
  @IsString()
  @IsNotBlank()
  @MaxLength(1000)
  @IsPlainText('reason')
  reason!: string;
}

export class CreateColumnRequest {
  @ApiProperty() @IsUuid() orgId!: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  @IsPlainText('name')
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @IsPlainText('description')
  description?: string;
}

export class CreateArticleRequest {
  @ApiProperty() @IsUuid() orgId!: string;

  @ApiPropertyOptional() @IsOptional() @IsUuid() columnId?: string;

  @ApiPropertyOptional({ description: '创先争优活动 the article reports on (GET /campaigns); its subtree must hold orgId' })
  @IsOptional()
  @IsUuid()
  campaignId?: string;

  @ApiProperty({ maxLength: 300 })
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  @IsPlainText('title')
  title!: string;

  @ApiProperty({
    description: `rich text; sanitised on the way in (allowlisted tags, http(s)/mailto links only); ${RICH_TEXT_SIZE}`,
    maxLength: RICH_TEXT_MAX_CHARS,
  })
  @IsString()
  @MaxLength(RICH_TEXT_MAX_CHARS)
  body!: string;
}

/** Refused when it gives neither field (400 ARTICLE.EDIT_EMPTY); one that changes nothing keeps the version and ETag. */
export class EditArticleRequest {
  @ApiPropertyOptional({ maxLength: 300 })
  @SENT
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  @IsPlainText('title')
  title?: string;

  @ApiPropertyOptional({ description: `rich text; sanitised on the way in; ${RICH_TEXT_SIZE}`, maxLength: RICH_TEXT_MAX_CHARS })
  @SENT
  @IsString()
  @MaxLength(RICH_TEXT_MAX_CHARS)
  body?: string;
}

export class PublishArticleRequest {
  @ApiProperty({ maxLength: 200, example: '人民日报' })
  @IsString()
  @IsNotBlank()
  @OutletShowsSomething()
  @MaxLength(200)
  @IsPlainText('outlet')
  outlet!: string;

  @ApiProperty({ enum: MEDIA_LEVELS }) @IsIn(MEDIA_LEVELS) level!: MediaLevel;

  @ApiProperty({ enum: MEDIA_CHANNELS }) @IsIn(MEDIA_CHANNELS) channel!: MediaChannel;

  @ApiProperty({ example: '2026-05-01' })
  @IsDay('publishedOn')
  publishedOn!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(/^https?:\/\/[^\s<>"]+$/, { message: 'link must be an http(s) address' })
  link?: string;
}

export class ArticleListQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: ['draft', 'in_review', 'published'] })
  @IsOptional()
  @IsIn(['draft', 'in_review', 'published'])
  status?: string;

  @ApiPropertyOptional() @IsOptional() @IsUuid() columnId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUuid() campaignId?: string;
}

export class StatisticsQuery {
  @ApiProperty({ description: 'root of the subtree counted' }) @IsUuid() orgId!: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsDay('from')
  from!: string;

  @ApiProperty({ example: '2026-12-31' })
  @IsDay('to')
  to!: string;

  @ApiPropertyOptional({ enum: MEDIA_LEVELS }) @IsOptional() @IsIn(MEDIA_LEVELS) level?: MediaLevel;

  @ApiPropertyOptional({ description: 'only articles reporting on this 创先争优活动' }) @IsOptional() @IsUuid() campaignId?: string;
}

export class SetWeightRequest {
  @ApiPropertyOptional({ enum: MEDIA_LEVELS }) @IsOptional() @IsIn(MEDIA_LEVELS) level?: MediaLevel;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @OutletShowsSomething()
  @MaxLength(200)
  @IsPlainText('outlet')
  outlet?: string;

  @ApiProperty({ minimum: 0, maximum: 1000 })
  @IsInt()
  @Min(0)
  @Max(1000)
  weight!: number;
}
