import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { InventoryCatalogController } from './inventory-catalog.controller';
import { InventoryCatalogService } from './inventory-catalog.service';
import { InventoryEnabledGuard } from './inventory-enabled.guard';
import { InventoryReportsController } from './inventory-reports.controller';
import { InventoryReportsService } from './inventory-reports.service';
import { InventoryStockController } from './inventory-stock.controller';
import { StockService } from './stock.service';

@Module({
  imports: [SettingsModule],
  controllers: [InventoryCatalogController, InventoryStockController, InventoryReportsController],
  providers: [InventoryCatalogService, StockService, InventoryReportsService, InventoryEnabledGuard],
})
export class InventoryModule {}
