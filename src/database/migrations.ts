import { CreateSettings1764400000000 } from '../../migrations/1764400000000-create-settings';

/** Registration list of every migration, in order. Never edit a migration after it has landed. */
export const MIGRATIONS = [CreateSettings1764400000000];
