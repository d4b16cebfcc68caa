import { ApiProperty } from '@nestjs/swagger';

export class PaginationDto {
  @ApiProperty({ description: 'This page: as asked, or for a `cursor` the page its position falls in.' })
  page: number;
  @ApiProperty() per_page: number;
  @ApiProperty({
    description:
      'Rows the list holds with these filters: exact up to 10,000, beyond that an estimate (see `total_is_estimate`).',
  })
  total: number;
  @ApiProperty({ description: 'Pages of `per_page` rows in `total` (an estimate when `total` is one).' })
  pages: number;
  @ApiProperty({ description: 'Whether another page follows (always exact).' })
  has_next: boolean;
  @ApiProperty() has_prev: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) next_page: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) prev_page: number | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'Opaque position after this page: pass it as `cursor` for the next page, at the cost of the first ' +
      'whatever the depth (page mode carries it too, so a client can switch at any page). Null on the last page.',
  })
  next_cursor: string | null;
  @ApiProperty({
    description:
      'True when `total` (and so `pages`) is an estimate: past 10,000 rows, counting them exactly would cost ' +
      "in proportion to the list. PostgreSQL: the planner's estimate for these filters; SQLite: 10,000, read " +
      'as "at least". `has_next` and `next_cursor` stay exact.',
  })
  total_is_estimate: boolean;
}
