import { SettingEntity } from '../modules/settings/setting.entity';

/** Registration list of every entity (no globbing: the same list works from src and dist). */
export const ENTITIES = [SettingEntity];
