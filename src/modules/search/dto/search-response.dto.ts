import { ApiProperty } from '@nestjs/swagger';
import { SEARCH_TYPES, type SearchType } from './search-query.dto';

export class SearchResultDto {
  @ApiProperty({ enum: SEARCH_TYPES }) type: SearchType;
  @ApiProperty({ enum: SEARCH_TYPES }) category: SearchType;
  @ApiProperty() id: number;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ example: '/projects/1' }) url: string;
  @ApiProperty({ example: 'Project' }) badge: string;
}

export class SearchResponseDto {
  @ApiProperty({ type: [SearchResultDto] }) results: SearchResultDto[];
  @ApiProperty() query: string;
  @ApiProperty() count: number;
}
