import { ApiProperty } from '@nestjs/swagger';

export class ApiInfoResponseDto {
  @ApiProperty({ example: 'v1' })
  api_version: string;

  @ApiProperty({ example: '1.0.0' })
  app_version: string;

  @ApiProperty({ example: '/api/docs' })
  documentation_url: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  endpoints: Record<string, string>;
}
