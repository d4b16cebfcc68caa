import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { SearchQueryDto } from './dto/search-query.dto';
import { SearchResponseDto } from './dto/search-response.dto';
import { SearchService } from './search.service';

@ApiTags('Search')
@Controller('search')
export class SearchController {
  constructor(private readonly service: SearchService) {}

  @Get()
  @Authenticated({ scopes: ['read:projects'] })
  @ApiOkResponse({ type: SearchResponseDto })
  globalSearch(@CurrentAuth() auth: AuthContext, @Query() query: SearchQueryDto) {
    return this.service.globalSearch(auth, query);
  }
}
