import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './api-key.guard';

/** One HTTP route of a Nest controller and what the API-key guard will ask of its callers. */
export interface ControllerRoute {
  method: string;
  path: string;
  /** `Controller.method`, so a refusal points at the code. */
  handler: string;
  scope?: string;
  public: boolean;
}

/** A route the HTTP server answers, whoever registered it. */
export interface ServedRoute {
  method: string;
  path: string;
}

/**
 * Routes served outside Nest's controllers (Swagger's document routes), which the guard never
 * sees: whoever registers one declares its path here as public, or the service does not start.
 * Static files served by middleware (the reviewer page) are no routes and need no entry.
 */
const publicPaths = new WeakMap<INestApplication, Set<string>>();

export function declarePublicPaths(app: INestApplication, paths: string[]): void {
  const declared = publicPaths.get(app) ?? new Set<string>();
  paths.forEach((path) => declared.add(path));
  publicPaths.set(app, declared);
}

/** Controller routes with neither a scope nor @Public(): the guard would refuse every caller. */
export function unguardedRoutes(routes: ControllerRoute[]): ControllerRoute[] {
  return routes.filter((route) => !route.scope && !route.public);
}

/** Served routes that no controller owns and that are not under a declared public path (itself or below it). */
export function undeclaredRoutes(served: ServedRoute[], owned: ControllerRoute[], declared: Iterable<string>): ServedRoute[] {
  const prefixes = [...declared];
  return served.filter(
    (route) =>
      !owned.some((o) => o.method === route.method && o.path === route.path) &&
      !prefixes.some((prefix) => route.path === prefix || route.path.startsWith(`${prefix}/`)),
  );
}

/**
 * Deny by default, at boot: throws, naming each route (method, path, Controller.method), when a
 * controller route has neither @RequiresScope nor @Public(), or the server answers a route no
 * controller owns and no one declared public. bootstrapService runs it before anything starts.
 */
export function assertRoutesGuarded(app: INestApplication): void {
  const routes = controllerRoutes(app);
  const problems = [
    ...unguardedRoutes(routes).map((r) => `  ${r.method} ${r.path} (${r.handler}): neither @RequiresScope nor @Public()`),
    ...undeclaredRoutes(servedRoutes(app), routes, publicPaths.get(app) ?? []).map(
      (r) => `  ${r.method} ${r.path}: served outside the controllers and not declared public (declarePublicPaths)`,
    ),
  ];
  if (problems.length) throw new Error(`routes without an access rule, refused:\n${problems.join('\n')}`);
}

/** Every HTTP route of the app's controllers, read from the decorators the router and the guard read. */
export function controllerRoutes(app: INestApplication): ControllerRoute[] {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const routes: ControllerRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | undefined;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, (...args: unknown[]) => unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue; // a Kafka @EventPattern handler
        const targets = [handler, controller];
        const scope = reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, targets);
        const isPublic = reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true;
        for (const base of [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat()) {
          for (const path of [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat()) {
            routes.push({ method: RequestMethod[method], path: joinPath(base, path), handler: `${controller.name}.${name}`, scope, public: isPublic });
          }
        }
      }
    }
  }
  return routes;
}

/** Express's route table (route layers only; middleware such as static files has no route). */
function servedRoutes(app: INestApplication): ServedRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((method) => ({ method: method.toUpperCase(), path: layer.route!.path })) : [],
  );
}

/** As Nest's router joins a controller's path and a handler's: one leading slash, none trailing. */
function joinPath(...parts: (string | undefined)[]): string {
  const path = `/${parts.filter(Boolean).join('/')}`.replace(/\/+/g, '/');
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}
