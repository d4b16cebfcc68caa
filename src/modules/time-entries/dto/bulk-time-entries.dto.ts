import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, ArrayMaxSize, ArrayMinSize, IsArray, IsIn } from 'class-validator';
import { INT4_MAX, IsIdList } from '../../../common/validation/validators';

export const BULK_ACTIONS = ['delete', 'set_billable', 'set_paid', 'add_tag', 'remove_tag'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const MAX_BULK_IDS = 1000;

export class BulkTimeEntriesDto {
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: INT4_MAX }, example: [1, 2, 3] })
  @IsArray({ message: 'entry_ids must be a non-empty list of integer ids' })
  @ArrayMinSize(1, { message: 'entry_ids must be a non-empty list of integer ids' })
  @ArrayMaxSize(MAX_BULK_IDS)
  @IsIdList('entry_ids')
  entry_ids: number[];

  @ApiProperty({ enum: BULK_ACTIONS })
  @IsIn(BULK_ACTIONS)
  action: BulkAction;

  @ApiPropertyOptional({
    description: 'Boolean for set_billable / set_paid; a tag (string) for add_tag / remove_tag; absent for delete',
    oneOf: [{ type: 'boolean' }, { type: 'string' }],
    nullable: true,
  })
  @Allow()
  value?: unknown;
}

export class BulkResultDto {
  @ApiProperty() success: boolean;
  @ApiProperty({ description: 'Entries changed or deleted' }) affected: number;
  @ApiProperty({ type: [Number], description: 'Running entries, left untouched' }) skipped: number[];
}
