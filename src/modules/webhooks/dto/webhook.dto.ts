import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { IsIntInRange, IsText, Optional, OptionalNullable, ToBoolean } from '../../../common/validation/validators';
import { SUBSCRIBABLE_EVENTS } from '../webhook-events';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../webhook.entities';
import { DELIVERY_SORTS, WEBHOOK_SORTS } from '../webhook.sorts';
import { UpdatedSinceQuery } from '../../../common/time/updated-since';

const EVENT_CHOICES: readonly string[] = SUBSCRIBABLE_EVENTS;

export class CreateWebhookDto {
  @ApiProperty({ example: 'Zapier' }) @IsText(200) name: string;
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
  @ApiProperty({
    example: 'https://hooks.example.com/timetracker',
    description: 'http(s); no private or loopback targets',
  })
  @IsString()
  @MaxLength(500)
  url: string;
  @ApiProperty({ type: [String], enum: EVENT_CHOICES, example: ['time_entry.created', 'timer.stopped'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_CHOICES.length)
  @IsIn(EVENT_CHOICES, { each: true, message: `events must be among: ${EVENT_CHOICES.join(', ')}` })
  events: string[];
  @ApiPropertyOptional({ default: true }) @Optional() @IsBoolean() is_active?: boolean;
  @ApiPropertyOptional({ default: 5, minimum: 0, maximum: 10 })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(10)
  max_retries?: number;
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 30 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(30)
  timeout_seconds?: number;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ example: 'Zapier', type: 'string', nullable: true }) @Optional() @IsText(200) name?: string;
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(500) url?: string;
  @ApiPropertyOptional({ type: [String], enum: EVENT_CHOICES })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_CHOICES.length)
  @IsIn(EVENT_CHOICES, { each: true, message: `events must be among: ${EVENT_CHOICES.join(', ')}` })
  events?: string[];
  @ApiPropertyOptional() @Optional() @IsBoolean() is_active?: boolean;
  @ApiPropertyOptional() @Optional() @IsIntInRange(0, 10) max_retries?: number;
  @ApiPropertyOptional() @Optional() @IsIntInRange(1, 30) timeout_seconds?: number;
}

export class ListWebhooksQueryDto extends PaginationQueryDto {
  @UpdatedSinceQuery()
  updated_since?: string;

  @SortQuery(WEBHOOK_SORTS, 'name')
  sort?: string;

  @ApiPropertyOptional()
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;
}

export class ListDeliveriesQueryDto extends PaginationQueryDto {
  @SortQuery(DELIVERY_SORTS, 'id')
  sort?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @Optional() @IsIn(DELIVERY_STATUSES) status?: DeliveryStatus;
}
