import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { ImportJobView } from '../../../application/ports/roster.port';
import { booleanQuery } from './organization.dto';
import { IsUuid } from '@vanguard/http';

export class ImportQuery {
  @ApiProperty({ enum: ['csv', 'xlsx'], description: 'the body is the file itself (text/csv or the .xlsx bytes)' })
  @IsIn(['csv', 'xlsx'])
  format!: 'csv' | 'xlsx';

  @ApiPropertyOptional({ default: false, description: 'check every row, report every bad one, import nothing' })
  @IsOptional()
  @booleanQuery()
  @IsBoolean()
  dryRun?: boolean;
}

export class ExportQuery {
  @ApiProperty({ enum: ['csv', 'xlsx'] })
  @IsIn(['csv', 'xlsx'])
  format!: 'csv' | 'xlsx';

  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to your own organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;
}

export class RowErrorResponse {
  @ApiProperty({ description: 'spreadsheet row number (header = 1)' }) row!: number;
  @ApiProperty() column!: string;
  @ApiProperty({ description: '中文 / English' }) reason!: string;
}

export class ImportJobResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['members', 'organizations'] }) kind!: string;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format!: string;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'rejected', 'failed'] }) status!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress!: number;
  @ApiProperty() rowsProcessed!: number;
  @ApiProperty() rowsImported!: number;
  @ApiProperty() errorCount!: number;
  @ApiProperty({ type: [RowErrorResponse], description: 'the first 1,000 bad cells' }) errors!: RowErrorResponse[];
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  static of(v: ImportJobView): ImportJobResponse {
    const { id, kind, format, dryRun, status, progress, rowsProcessed, rowsImported, errorCount, errors, message, createdAt, finishedAt } =
      v;
    return Object.assign(new ImportJobResponse(), {
      id,
      kind,
      format,
      dryRun,
      status,
      progress,
      rowsProcessed,
      rowsImported,
      errorCount,
      errors: errors.map(({ row, column, reason }) => ({ row, column, reason })),
      message,
      createdAt,
      finishedAt,
    });
  }
}
