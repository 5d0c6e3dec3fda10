import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeyEntry, findApiKey } from './api-keys';

export const REQUIRED_SCOPE = 'requiredScope';
export const PUBLIC_ROUTE = 'publicRoute';

/** Marks a route (or controller) with the scope its caller's API key must hold. */
export const RequiresScope = (scope: string) => SetMetadata(REQUIRED_SCOPE, scope);

/**
 * Marks a route (or controller) that anyone may call without a key: health, metrics. Every
 * other route must carry @RequiresScope; one with neither stops the service at boot
 * (assertRoutesGuarded) and is refused by the guard.
 */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Where the guard puts the authenticated caller for handlers and logs. */
export interface AuthenticatedRequest extends Request {
  caller?: { id: string; scopes: string[] };
}

export const API_KEYS = Symbol('API_KEYS');

/**
 * Checks the `X-API-Key` header (or `Authorization: Bearer <key>`): 401 when missing or
 * unknown, 403 when the key lacks the route's scope. Keys are compared by SHA-256 hash.
 * Deny by default: a route with neither a scope nor @Public() answers 403 to everyone.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyEntry[],
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // The guard is global, so it also sees the Kafka handlers: records carry no API key, and
    // who may write a topic is the broker's ACLs' business.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets)) return true;
    const scope = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, targets);
    if (!scope) throw new ForbiddenException({ error: 'forbidden', message: 'this route declares no scope' });
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = presentedKey(request);
    if (!presented) throw new UnauthorizedException({ error: 'unauthorized', message: 'an API key is required (X-API-Key header)' });
    const entry = findApiKey(this.keys, presented);
    if (!entry) throw new UnauthorizedException({ error: 'unauthorized', message: 'the API key is not valid' });
    if (!entry.scopes.includes(scope)) {
      throw new ForbiddenException({ error: 'forbidden', message: `the API key lacks the scope ${scope}` });
    }
    request.caller = { id: entry.id, scopes: entry.scopes };
    return true;
  }
}

function presentedKey(request: Request): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
}
