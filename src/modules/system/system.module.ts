import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

@Module({ imports: [SettingsModule], controllers: [SystemController], providers: [SystemService] })
export class SystemModule {}
