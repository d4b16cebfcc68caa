import { ApiProperty } from '@nestjs/swagger';

export class ApiInfoResponseDto {
  @ApiProperty({ example: 'v1' })
  api_version: string;

  @ApiProperty({ example: '1.0.0' })
  app_version: string;

  @ApiProperty({ example: '/api/docs' })
  documentation_url: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Base path of every module (inventory only while it is enabled)',
  })
  endpoints: Record<string, string>;

  @ApiProperty({
    type: [String],
    example: ['time_entries', 'timer', 'projects', 'clients', 'tasks', 'reports', 'search', 'webhooks', 'inventory'],
    description: 'Modules this instance serves; `inventory` is absent while an admin has switched it off',
  })
  enabled_modules: string[];
}
