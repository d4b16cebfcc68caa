import { ApiProperty } from '@nestjs/swagger';
import { CHANGE_ACTIONS, CHANGE_TYPES } from '../change.entity';

export class ChangeActorDto {
  @ApiProperty({ example: 3 }) id: number;
  @ApiProperty({ example: 'alice' }) username: string;
}

export class ChangeResponseDto {
  @ApiProperty({ description: 'The position right after this change (resume from here).' }) cursor: string;
  @ApiProperty({ enum: CHANGE_TYPES, example: 'time_entry' }) type: string;
  @ApiProperty({ description: "The resource's id", example: 42 }) id: number;
  @ApiProperty({ enum: CHANGE_ACTIONS, example: 'updated' }) action: string;
  @ApiProperty({ example: '2024-01-15T09:00:00Z' }) changed_at: string;
  @ApiProperty({
    type: ChangeActorDto,
    nullable: true,
    description: "The user whose token made the change; null for the server's own work.",
  })
  actor: ChangeActorDto | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The resource as its GET returned it right after the change; null for `deleted`.',
  })
  data: Record<string, unknown> | null;
}

export class ChangesPageDto {
  @ApiProperty({ type: [ChangeResponseDto] }) changes: ChangeResponseDto[];
  @ApiProperty({ description: 'Always present: the position after the last change returned; store it and ask again.' })
  next_cursor: string;
  @ApiProperty({ description: 'More changes are available now: ask again with next_cursor at once.' })
  has_more: boolean;
}
