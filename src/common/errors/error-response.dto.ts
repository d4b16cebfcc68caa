import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from './error-code';

/** The error envelope of contract §2, for OpenAPI. */
export class ErrorResponseDto {
  @ApiProperty({ example: 'Validation failed' }) error: string;
  @ApiProperty({ example: 'Validation failed' }) message: string;
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.ValidationError }) error_code: ErrorCode;
  @ApiProperty({ example: '6f1c1f8e-7d1e-4c61-9a53-0d3c2b9f7e21' }) request_id: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { name: ['name must be a string'] },
  })
  errors?: Record<string, string[]>;

  @ApiPropertyOptional({ example: 'write:projects' }) required_scope?: string;
  @ApiPropertyOptional({ type: [String] }) available_scopes?: string[];

  // 404 of a bulk action: the ids that named nothing the caller may see.
  @ApiPropertyOptional({ type: [Number] }) missing_ids?: number[];
  // 409 insufficient_stock.
  @ApiPropertyOptional({ type: Number }) available?: number;
  @ApiPropertyOptional({ type: Number }) requested?: number;
  // 429: both windows of the token's limit.
  @ApiPropertyOptional({ type: Number }) limit_per_minute?: number;
  @ApiPropertyOptional({ type: Number }) limit_per_hour?: number;
  @ApiPropertyOptional({ type: Number }) remaining_per_minute?: number;
  @ApiPropertyOptional({ type: Number }) remaining_per_hour?: number;
}
