import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { SettingsResponseDto, UpdateSettingsDto } from './dto/settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('Admin: settings')
@Controller('admin/settings')
@Authenticated({ scopes: ['admin:all'], adminRole: true })
export class SettingsController {
  constructor(private readonly service: SettingsService) {}

  @Get()
  @ApiOkResponse({ type: SettingsResponseDto })
  getSettings() {
    return this.service.getSettings();
  }

  @Patch()
  @ApiOkResponse({ type: SettingsResponseDto })
  updateSettings(@CurrentAuth() auth: AuthContext, @Body() dto: UpdateSettingsDto) {
    return this.service.updateSettings(auth, dto);
  }
}
