import { Controller, Delete, ExecutionContext, ForbiddenException, Get, INestApplication, Post, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { ApiKeyGuard, Public, RequiresScope } from './api-key.guard';
import { sha256Hex } from './api-keys';
import { assertRoutesGuarded, controllerRoutes, declarePublicPaths, undeclaredRoutes, unguardedRoutes } from './route-access';

@Controller('v1/things')
@RequiresScope('things:read')
class ThingsController {
  @Get(':id')
  one(): string {
    return 'thing';
  }

  @Delete(':id')
  @RequiresScope('things:erase')
  erase(): void {}
}

@Controller('open')
class OpenController {
  @Get()
  @Public()
  hello(): string {
    return 'hello';
  }

  // Forgot its scope.
  @Post('v1/forgotten')
  forgotten(): void {}
}

@Public()
@Controller('status')
class StatusController {
  @Get(['live', 'ready'])
  probe(): string {
    return 'ok';
  }
}

@Controller()
class RecordsController {
  @EventPattern('claims.submitted.v1')
  handle(): void {}
}

async function appWith(...controllers: (new () => unknown)[]): Promise<INestApplication> {
  const module = await Test.createTestingModule({ controllers }).compile();
  return module.createNestApplication({ logger: false });
}

describe('controllerRoutes', () => {
  it('reads each HTTP route with its scope (handler over controller) or @Public, and skips Kafka handlers', async () => {
    const app = await appWith(ThingsController, OpenController, StatusController, RecordsController);
    const routes = controllerRoutes(app).sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
    expect(routes).toEqual([
      { method: 'GET', path: '/open', handler: 'OpenController.hello', scope: undefined, public: true },
      { method: 'POST', path: '/open/v1/forgotten', handler: 'OpenController.forgotten', scope: undefined, public: false },
      { method: 'GET', path: '/status/live', handler: 'StatusController.probe', scope: undefined, public: true },
      { method: 'GET', path: '/status/ready', handler: 'StatusController.probe', scope: undefined, public: true },
      { method: 'DELETE', path: '/v1/things/:id', handler: 'ThingsController.erase', scope: 'things:erase', public: false },
      { method: 'GET', path: '/v1/things/:id', handler: 'ThingsController.one', scope: 'things:read', public: false },
    ]);
  });
});

describe('unguardedRoutes', () => {
  it('keeps the routes with neither a scope nor @Public', () => {
    const routes = [
      { method: 'GET', path: '/a', handler: 'A.a', scope: 'a:read', public: false },
      { method: 'GET', path: '/b', handler: 'B.b', public: true },
      { method: 'POST', path: '/c', handler: 'C.c', public: false },
      { method: 'POST', path: '/d', handler: 'D.d', scope: '', public: false },
    ];
    expect(unguardedRoutes(routes).map((r) => r.handler)).toEqual(['C.c', 'D.d']);
  });
});

describe('undeclaredRoutes', () => {
  const owned = [{ method: 'GET', path: '/v1/things/:id', handler: 'T.one', scope: 'things:read', public: false }];

  it('passes controller routes and paths under a declared public path, and names the rest', () => {
    const served = [
      { method: 'GET', path: '/v1/things/:id' },
      { method: 'GET', path: '/docs' },
      { method: 'GET', path: '/docs/swagger-ui-init.js' },
      { method: 'GET', path: '/docs-json' },
      { method: 'POST', path: '/v1/things/:id' },
      { method: 'GET', path: '/docsearch' },
      { method: 'GET', path: '/admin' },
    ];
    expect(undeclaredRoutes(served, owned, ['/docs', '/docs-json'])).toEqual([
      { method: 'POST', path: '/v1/things/:id' },
      { method: 'GET', path: '/docsearch' },
      { method: 'GET', path: '/admin' },
    ]);
  });
});

describe('assertRoutesGuarded', () => {
  it('refuses a controller route without a scope, naming method, path and handler', async () => {
    const app = await appWith(ThingsController, OpenController);
    expect(() => assertRoutesGuarded(app)).toThrow(/POST \/open\/v1\/forgotten \(OpenController\.forgotten\): neither @RequiresScope nor @Public\(\)/);
    expect(() => assertRoutesGuarded(app)).not.toThrow(/ThingsController|OpenController\.hello/);
  });

  it('refuses a route served outside the controllers until its path is declared public', async () => {
    const app = await appWith(ThingsController, StatusController, RecordsController);
    assertRoutesGuarded(app);
    app.getHttpAdapter().get('/exports/all', (_req: unknown, res: { end: () => void }) => res.end());
    expect(() => assertRoutesGuarded(app)).toThrow(/GET \/exports\/all: served outside the controllers and not declared public/);
    declarePublicPaths(app, ['/exports']);
    expect(() => assertRoutesGuarded(app)).not.toThrow();
  });
});

describe('ApiKeyGuard, deny by default', () => {
  const guard = new ApiKeyGuard(new Reflector(), [{ id: 'k', sha256: sha256Hex('the-key'), scopes: ['things:read'] }]);
  const contextOf = (controller: new () => unknown, method: string, key?: string, type = 'http') =>
    ({
      getType: () => type,
      getHandler: () => (controller.prototype as Record<string, unknown>)[method],
      getClass: () => controller,
      switchToHttp: () => ({ getRequest: () => ({ headers: key ? { 'x-api-key': key } : {} }) }),
    }) as unknown as ExecutionContext;

  it('lets anyone through to a @Public route', () => {
    expect(guard.canActivate(contextOf(OpenController, 'hello'))).toBe(true);
    expect(guard.canActivate(contextOf(StatusController, 'probe'))).toBe(true);
  });

  it('refuses every caller of a route with neither a scope nor @Public, a valid key included', () => {
    expect(() => guard.canActivate(contextOf(OpenController, 'forgotten'))).toThrow(ForbiddenException);
    expect(() => guard.canActivate(contextOf(OpenController, 'forgotten', 'the-key'))).toThrow(ForbiddenException);
  });

  it('asks a scoped route for a key with the scope', () => {
    expect(() => guard.canActivate(contextOf(ThingsController, 'one'))).toThrow(UnauthorizedException);
    expect(guard.canActivate(contextOf(ThingsController, 'one', 'the-key'))).toBe(true);
    expect(() => guard.canActivate(contextOf(ThingsController, 'erase', 'the-key'))).toThrow(ForbiddenException);
  });

  it('leaves Kafka handlers to the broker', () => {
    expect(guard.canActivate(contextOf(RecordsController, 'handle', undefined, 'rpc'))).toBe(true);
  });
});
