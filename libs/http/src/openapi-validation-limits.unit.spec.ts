import { Body, Controller, Module, Post, Put, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiProperty, ApiPropertyOptional, type OpenAPIObject, type SchemaObject } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { IsUuid } from './canonical-uuids';
import { openApiDocument } from './create-app';
import { IsNotBlank } from './not-blank';
import { documentValidationLimits } from './openapi-validation-limits';
import { IsDay, IsPlainText, NestedObject } from './validation';

class PlaceDto {
  @ApiProperty() @IsString() @MaxLength(50) village!: string;
}

class NoteDto {
  @ApiProperty() @IsString() @IsNotBlank() @MinLength(2) @MaxLength(100) @MaxLength(80) title!: string;
  @ApiProperty() @IsPlainText('summary') summary!: string;
  @ApiProperty() @Matches(/^[a-z]+$/i) caseless!: string;
  @ApiProperty() @Matches(/^\p{L}+$/u) letters!: string;
  @ApiProperty() @IsIn(['draft', 'final']) status!: string;
  @ApiProperty({ enum: ['a', 'b'] }) @IsIn(['a', 'b', 'c']) stated!: string;
  @ApiProperty() @IsInt() @Min(1) @Max(10) stars!: number;
  @ApiProperty({ maximum: 5, type: 'number' }) @IsInt() @Max(10) explicit!: number;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(3) @MaxLength(20, { each: true }) tags!: string[];
  @ApiProperty({ type: [String] }) @IsUuid(undefined, { each: true }) @ArrayUnique() memberIds!: string[];
  @ApiProperty() @IsIn([1, 2]) mistyped!: string;
  @ApiProperty() @IsUuid() orgId!: string;
  @ApiProperty() @IsDay('on') on!: string;
  @ApiProperty({ type: PlaceDto }) @NestedObject(() => PlaceDto) place!: PlaceDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(30) optional?: string;
  @ApiProperty() @ValidateBy({ name: 'maxCodePoints', constraints: [12], validator: { validate: () => true } }) codePoints!: string;
  @ApiProperty() @ValidateBy({ name: 'noPersonalNumbers', validator: { validate: () => true } }) unmapped!: string;
  // Validated but not documented: nothing to add it to.
  @IsString() @MaxLength(10) hidden!: string;
}

/** A body that only inherits its validators: class-validator's storage has no entry for it. */
class AmendNoteDto extends NoteDto {}

@Controller('notes')
class NotesController {
  @Post()
  write(@Body() body: NoteDto) {
    return body;
  }

  @Put()
  amend(@Body() body: AmendNoteDto) {
    return body;
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

const property = (doc: OpenAPIObject, schema: string, name: string) =>
  (doc.components!.schemas![schema] as SchemaObject).properties![name] as SchemaObject;

describe(documentValidationLimits.name, () => {
  let app: INestApplication;
  let sut: OpenAPIObject;
  const note = (name: string) => property(sut, 'NoteDto', name);

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [NotesModule] }).compile();
    app = ref.createNestApplication({ logger: false });
    sut = openApiDocument(app, { title: 'notes', description: 'notes' });
  });
  afterAll(() => app?.close());

  it('gives a string its lengths, the tighter of two maxima, and isNotBlank as one character at least', () => {
    expect(note('title')).toEqual({ type: 'string', minLength: 2, maxLength: 80 });
    expect(note('optional')).toMatchObject({ maxLength: 30 });
    expect(note('codePoints')).toEqual({ type: 'string', maxLength: 12 });
  });

  it('adds nothing for a check no keyword can say', () => {
    expect(note('unmapped')).toEqual({ type: 'string' });
  });

  it('gives a pattern whose flags change nothing it matches, and no pattern for one that ignores case', () => {
    expect(note('summary')).toMatchObject({ pattern: '^[^<>]*$' });
    expect(note('letters')).toMatchObject({ pattern: '^\\p{L}+$' });
    expect(note('caseless')).not.toHaveProperty('pattern');
  });

  it('gives isIn as the enum, unless @ApiProperty stated one', () => {
    expect(note('status')).toMatchObject({ enum: ['draft', 'final'] });
    expect(note('stated')).toMatchObject({ enum: ['a', 'b'] });
    expect(note('mistyped')).toEqual({ type: 'string' });
  });

  it('narrows an inferred number to integer with its bounds, and keeps what @ApiProperty stated', () => {
    expect(note('stars')).toEqual({ type: 'integer', minimum: 1, maximum: 10 });
    expect(note('explicit')).toEqual({ type: 'number', maximum: 5 });
  });

  it('gives an array its sizes, and each item what `each` validators say of it', () => {
    expect(note('tags')).toEqual({ type: 'array', items: { type: 'string', maxLength: 20 }, minItems: 1, maxItems: 3 });
    expect(note('memberIds')).toEqual({ type: 'array', items: { type: 'string', format: 'uuid' }, uniqueItems: true });
  });

  it('gives IsUuid and IsDay their formats', () => {
    expect(note('orgId')).toMatchObject({ format: 'uuid' });
    expect(note('on')).toMatchObject({ format: 'date' });
  });

  it('leaves a reference alone, and gives the referred schema its own limits', () => {
    expect(note('place')).not.toHaveProperty('maxLength');
    expect(property(sut, 'PlaceDto', 'village')).toMatchObject({ maxLength: 50 });
  });

  it('adds no property @ApiProperty did not document', () => {
    expect((sut.components!.schemas!['NoteDto'] as SchemaObject).properties).not.toHaveProperty('hidden');
  });

  it('gives a routed subclass with no validator of its own its parent’s limits', () => {
    expect(property(sut, 'AmendNoteDto', 'title')).toMatchObject({ maxLength: 80 });
  });
});

describe('component names two classes share', () => {
  // Two services' classes of one name, as the unit test of all seven documents loads them.
  const twins = [
    (() => {
      class TwinRequest {
        @ApiProperty() @MaxLength(5) left!: string;
      }
      return TwinRequest;
    })(),
    (() => {
      class TwinRequest {
        @ApiProperty() @MaxLength(7) right!: string;
      }
      return TwinRequest;
    })(),
    (() => {
      class TwinRequest {
        @ApiProperty() @MaxLength(9) right!: string;
      }
      return TwinRequest;
    })(),
  ];
  const docWith = (properties: Record<string, SchemaObject>) =>
    ({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: { schemas: { TwinRequest: { type: 'object', properties } } },
    }) as OpenAPIObject;

  it('takes the class whose @ApiProperty names are the schema’s', () => {
    const sut = docWith({ left: { type: 'string' } });
    documentValidationLimits(sut);
    expect(property(sut, 'TwinRequest', 'left')).toEqual({ type: 'string', maxLength: 5 });
  });

  it('takes the app’s routed class over a look-alike', () => {
    const sut = docWith({ right: { type: 'string' } });
    documentValidationLimits(sut, new Set([twins[2]!]));
    expect(property(sut, 'TwinRequest', 'right')).toEqual({ type: 'string', maxLength: 9 });
  });

  it('guesses nothing between look-alikes whose limits differ', () => {
    const sut = docWith({ right: { type: 'string' } });
    documentValidationLimits(sut);
    expect(property(sut, 'TwinRequest', 'right')).toEqual({ type: 'string' });
  });
});
