import { ApiProperty } from '@nestjs/swagger';

export class UserResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ type: 'string', nullable: true }) email: string | null;
  @ApiProperty({ type: 'string', nullable: true }) full_name: string | null;
  @ApiProperty({ description: 'full_name, or username when unset' }) display_name: string;
  @ApiProperty({ enum: ['admin', 'user'] }) role: 'admin' | 'user';
  @ApiProperty() is_active: boolean;
  @ApiProperty({ example: 'UTC' }) timezone: string;
  @ApiProperty({ example: '2026-01-15T09:00:00Z' }) created_at: string;
  @ApiProperty({ type: 'string', nullable: true }) last_login_at: string | null;
  @ApiProperty({ description: 'Hours of completed time entries' }) total_hours: number;
}

export class UserEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: UserResponseDto }) user: UserResponseDto;
}

/** GET /users/me: the user, plus the modules the apps may show (as the original's apps read it). */
export class CurrentUserEnvelopeDto extends UserEnvelopeDto {
  @ApiProperty({
    type: [String],
    example: ['time_entries', 'timer', 'projects', 'clients', 'tasks', 'reports', 'search', 'webhooks', 'inventory'],
  })
  enabled_modules: string[];
}
