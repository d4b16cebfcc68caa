import { ApiProperty } from '@nestjs/swagger';

/** A token as listed: never the secret, never its hash. */
export class ApiTokenResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'string', nullable: true }) description: string | null;
  @ApiProperty() user_id: number;
  @ApiProperty({ type: 'string', nullable: true }) username: string | null;
  @ApiProperty({ type: [String], example: ['read:projects'] }) scopes: string[];
  @ApiProperty({ example: 'tt_AbCdE', description: 'First 8 characters, for recognition' }) token_prefix: string;
  @ApiProperty() created_at: string;
  @ApiProperty({ type: 'string', nullable: true }) expires_at: string | null;
  @ApiProperty({ type: 'string', nullable: true }) last_used_at: string | null;
  @ApiProperty() usage_count: number;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ type: [String], nullable: true }) ip_allowlist: string[] | null;
}

export class ApiTokenEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: ApiTokenResponseDto }) api_token: ApiTokenResponseDto;
}

/** Create and rotate: the only responses that carry the plain token. */
export class ApiTokenSecretEnvelopeDto extends ApiTokenEnvelopeDto {
  @ApiProperty({
    type: String,
    example: 'tt_abc123def456ghi789jkl012mno345pq',
    nullable: true,
    description: 'Shown once; store it now. null in an Idempotency-Key replay: the plain token is never stored.',
  })
  token: string | null;
}
