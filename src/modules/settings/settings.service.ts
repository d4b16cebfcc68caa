import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { TransactionService } from '../../database/transaction.service';
import type { UpdateSettingsDto } from './dto/settings.dto';
import { SettingEntity } from './setting.entity';

const INVENTORY_ENABLED = 'inventory_enabled';

/** Module ids of `enabled_modules` (as the original's apps read them): always on, then switchable. */
export const CORE_MODULES = ['time_entries', 'timer', 'projects', 'clients', 'tasks', 'reports', 'search', 'webhooks'];

/** Instance-wide settings, read from the database on every use so every process agrees. */
@Injectable()
export class SettingsService {
  constructor(
    @InjectRepository(SettingEntity) private readonly settings: Repository<SettingEntity>,
    private readonly transactions: TransactionService,
  ) {}

  async isInventoryEnabled(): Promise<boolean> {
    const row = await this.settings.findOneBy({ key: INVENTORY_ENABLED });
    return row ? (JSON.parse(row.value) as boolean) : true;
  }

  /** What the apps may show: every core module, plus inventory while it is switched on. */
  async enabledModules(): Promise<string[]> {
    return [...CORE_MODULES, ...((await this.isInventoryEnabled()) ? ['inventory'] : [])];
  }

  async getSettings() {
    return { inventory_enabled: await this.isInventoryEnabled() };
  }

  async updateSettings(auth: AuthContext, dto: UpdateSettingsDto) {
    if (dto.inventory_enabled !== undefined) {
      const value = JSON.stringify(dto.inventory_enabled);
      await this.transactions.run(auth, (m) =>
        m.save(SettingEntity, { key: INVENTORY_ENABLED, value, updatedAt: new Date() }),
      );
    }
    return { message: 'Settings updated', ...(await this.getSettings()) };
  }
}
