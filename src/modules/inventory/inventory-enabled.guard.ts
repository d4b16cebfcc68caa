import { type CanActivate, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { SettingsService } from '../settings/settings.service';

/** After authentication, scopes and rate limits: 403 `module_disabled` while inventory is switched off. */
@Injectable()
export class InventoryEnabledGuard implements CanActivate {
  constructor(private readonly settings: SettingsService) {}

  async canActivate(): Promise<boolean> {
    if (await this.settings.isInventoryEnabled()) return true;
    throw new DomainError(ErrorCode.ModuleDisabled, 'The inventory module is disabled by the administrator.', {
      title: 'Module disabled',
    });
  }
}
