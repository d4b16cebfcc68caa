import { toIsoUtc, toIsoUtcOrNull } from '../../common/time/iso';
import type { ApiTokenEntity } from './api-token.entity';
import type { ApiTokenResponseDto } from './dto/api-token-response.dto';

export function toApiTokenResponse(token: ApiTokenEntity): ApiTokenResponseDto {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    user_id: token.userId,
    username: token.user?.username ?? null,
    scopes: token.scopes,
    token_prefix: token.tokenPrefix,
    created_at: toIsoUtc(token.createdAt),
    expires_at: toIsoUtcOrNull(token.expiresAt),
    last_used_at: toIsoUtcOrNull(token.lastUsedAt),
    usage_count: token.usageCount,
    is_active: token.isActive,
    ip_allowlist: token.ipAllowlist?.length ? token.ipAllowlist : null,
  };
}
