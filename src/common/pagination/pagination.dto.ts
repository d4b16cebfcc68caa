import { ApiProperty } from '@nestjs/swagger';

export class PaginationDto {
  @ApiProperty() page: number;
  @ApiProperty() per_page: number;
  @ApiProperty() total: number;
  @ApiProperty() pages: number;
  @ApiProperty() has_next: boolean;
  @ApiProperty() has_prev: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) next_page: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) prev_page: number | null;
}
