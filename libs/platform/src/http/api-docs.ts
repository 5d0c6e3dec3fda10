import { applyDecorators, INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApiBody, ApiParam, ApiProperty, ApiPropertyOptional, ApiQuery, ApiResponse, DocumentBuilder, getSchemaPath, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, MAX, MIN, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { RequiresScope } from '../auth/api-key.guard';
import { declarePublicPaths } from '../auth/route-access';
import { ServiceConfig } from '../config/service-config';

/*
 * The OpenAPI 3.1 document of a service, served at /docs-json (and /docs-yaml) with its page
 * at /docs, generated from the code that validates and answers. One place for all services.
 *
 * How a route documents itself (the convention; follow it for every new route):
 *  - Request parts are the class-validator classes the handler validates with (validateAs /
 *    validRequest). Their JSON schemas come from those validators through
 *    class-validator-jsonschema (patterns, formats, lengths, ranges, enums, array bounds,
 *    required fields, `additionalProperties: false` since validateAs refuses unknown fields,
 *    optional fields nullable since @IsOptional lets null through). Never repeat a constraint in
 *    @ApiProperty: use it for `description` and `example` only (both are merged in).
 *      body:        @ApiValidatedBody(MyRequestDto)
 *      query:       @ApiValidatedQuery(MyQuery)      (one parameter per property)
 *      path:        @ApiValidatedPath(MyIdParam)
 *    Hand-written validation documents its parameters with @ApiQuery/@ApiParam whose schemas
 *    are built from the same constants (regexes, enums) the validation uses.
 *  - Every answer the route gives: @ApiResponse({ status, type: SomeResponseDto }) for success
 *    (always: with any response decorator on a route swagger adds no default success),
 *    with response DTO classes (@ApiProperty on every field, `nullable: true` where null is
 *    served) beside the controller; @ApiError(404 | 409 ..., description, type?) for the refusals
 *    the handler itself throws (body ErrorBodyDto `{ error, message }` unless given);
 *    @ApiShedsLoad() when it may answer 429 with Retry-After.
 *  - Added here to every operation, so routes do not repeat them: 400 (BadRequestBodyDto:
 *    `{ error, message, fields? }`, fields naming each bad field), 413 over MAX_BODY_BYTES and
 *    415 for a body that is not application/json (libs/platform/src/http/json-body.ts answers
 *    them for every route); and, to every route with @RequiresScope, the API-key security
 *    requirement, 401 and 403 naming the scope.
 *  - main.ts calls serveApiDocs(app, { title, description }) in bootstrapService's setup; `patch`
 *    sets limits that come from runtime config (e.g. a maximum from MAX_BATCH_SIZE).
 */

/** Body of every refusal: a stable machine-readable code and a sentence for people. */
export class ErrorBodyDto {
  @ApiProperty({ description: 'Machine-readable code, e.g. not_found, unauthorized, forbidden, payload_too_large, unsupported_media_type.' })
  error!: string;

  @ApiProperty({ description: 'What went wrong, for people.' })
  message!: string;
}

/** One bad field of a 400 (libs/platform's FieldProblem). */
export class FieldProblemDto {
  @ApiProperty({ description: 'Dotted path of the field, e.g. `claims[3].currency`, `limit`, `Idempotency-Key`, or `(body)`.', example: 'currency' })
  field!: string;

  @ApiProperty({ example: 'currency must be an ISO 4217 code of three upper-case letters' })
  problem!: string;
}

export class BadRequestBodyDto extends ErrorBodyDto {
  @ApiProperty({
    description: 'validation_failed or invalid_query (with `fields`), malformed_json, or bad_request (e.g. a body that is not UTF-8).',
    example: 'validation_failed',
  })
  declare error: string;

  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'Every bad field, when error is validation_failed or invalid_query.' })
  fields?: FieldProblemDto[];
}

export class TooManyRequestsBodyDto extends ErrorBodyDto {
  @ApiProperty({ enum: ['too_many_requests'] })
  declare error: string;

  @ApiProperty({ description: 'Why load is shed, e.g. producer_buffer or downstream_lag.', example: 'downstream_lag' })
  reason!: string;
}

// Where class-transformer keeps @Type, which nested classes are found through (no typed export).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadata };

const SECURITY_SCHEMES = { apiKey: 'api-key', bearer: 'bearer' } as const;

/** Options of class-validator-jsonschema: nested classes found through class-transformer's @Type. */
function schemaOptions() {
  return {
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    classValidatorMetadataStorage: getMetadataStorage(),
    // @Min/@Max say nothing of the type (@IsInt or @IsNumber does); the defaults would say "number".
    additionalConverters: {
      [MIN]: (meta: { constraints: number[] }) => ({ minimum: meta.constraints[0] }),
      [MAX]: (meta: { constraints: number[] }) => ({ maximum: meta.constraints[0] }),
    },
  };
}

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; required?: string[] };

/** The JSON schema of a class-validator class, as validateAs applies it (unknown fields refused). */
export function requestSchemaOf(cls: Type<unknown>): Schema {
  return strict(targetConstructorToSchema(cls, schemaOptions()) as Schema, cls);
}

function strict(schema: Schema, cls: Type<unknown> | undefined): Schema {
  const optional = cls ? optionalProperties(cls) : new Set<string>();
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [name, optional.has(name) ? { ...property, nullable: true } : property]),
  );
  return { ...schema, properties, additionalProperties: false };
}

/** Properties under @IsOptional: class-validator skips them when undefined or null. */
function optionalProperties(cls: Type<unknown>): Set<string> {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return new Set(metas.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION).map((m) => m.propertyName));
}

/** The request body, validated as `cls`. */
export const ApiValidatedBody = (cls: Type<unknown>, description?: string) => ApiBody({ type: cls, required: true, description });

/** One query parameter per property of the class-validator class the handler validates its query with. */
export function ApiValidatedQuery(cls: Type<unknown>): MethodDecorator {
  const schema = requestSchemaOf(cls);
  return applyDecorators(
    ...Object.entries(schema.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: (schema.required ?? []).includes(name), schema: withoutNullable(property), description: property.description as string | undefined }),
    ),
  );
}

/** One path parameter per property of the class-validator class the handler validates its path with. */
export function ApiValidatedPath(cls: Type<unknown>): MethodDecorator {
  const schema = requestSchemaOf(cls);
  return applyDecorators(
    ...Object.entries(schema.properties ?? {}).map(([name, property]) => ApiParam({ name, required: true, schema: withoutNullable(property), description: property.description as string | undefined })),
  );
}

function withoutNullable(schema: Schema): Schema {
  const copy = { ...schema };
  delete copy.nullable;
  return copy;
}

/** A refusal the handler throws itself (404, 409 ...), its body `{ error, message }` unless `type` says more. */
export const ApiError = (status: number, description: string, type: Type<unknown> = ErrorBodyDto) => ApiResponse({ status, description, type });

/** 429 with Retry-After: the route sheds load. */
export const ApiShedsLoad = (description = 'Shedding load: nothing was accepted; retry after Retry-After seconds.') =>
  ApiResponse({
    status: 429,
    description,
    type: TooManyRequestsBodyDto,
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } },
  });

export interface ApiDocsOptions {
  title: string;
  description: string;
  version?: string;
  /** Changes to the finished document, for limits that come from runtime config. */
  patch?: (document: OpenAPIObject) => void;
}

/** Serves the service's OpenAPI 3.1 document at /docs-json and /docs-yaml and the Swagger page at /docs. */
export function serveApiDocs(app: INestApplication, options: ApiDocsOptions): OpenAPIObject {
  const document = apiDocument(app, options);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  // Swagger's routes are not controllers; the document holds no data, so anyone may read it.
  declarePublicPaths(app, ['/docs', '/docs-json', '/docs-yaml']);
  return document;
}

/** The document alone (also for tests). */
export function apiDocument(app: INestApplication, options: ApiDocsOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(options.version ?? '1')
    .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header', description: 'The API key (infra/local/api-keys.json holds their SHA-256 hashes and scopes).' }, SECURITY_SCHEMES.apiKey)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'The same API key as `Authorization: Bearer <key>`.' }, SECURITY_SCHEMES.bearer)
    .build();
  const handlers = new Map<string, { controller: string; method: string }>();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorBodyDto, BadRequestBodyDto, TooManyRequestsBodyDto],
    operationIdFactory: (controller, method) => {
      handlers.set(`${controller}_${method}`, { controller, method });
      return `${controller}_${method}`;
    },
  });
  useValidatorSchemas(document);
  addCommonResponses(document, app, handlers, maxBodyBytes(app));
  options.patch?.(document);
  toOpenApi31(document);
  return document;
}

function maxBodyBytes(app: INestApplication): number | undefined {
  try {
    return app.get(ServiceConfig).MAX_BODY_BYTES;
  } catch {
    return undefined;
  }
}

/**
 * Replaces @nestjs/swagger's schema of every class-validator class by the one
 * class-validator-jsonschema derives from its validators (swagger reads constraints only from
 * @ApiProperty or its compile-time CLI plugin, which this build does not run), keeping the
 * descriptions and examples of @ApiProperty.
 */
function useValidatorSchemas(document: OpenAPIObject): void {
  const schemas = (document.components ??= {}).schemas ??= {};
  const derived = validationMetadatasToSchemas(schemaOptions()) as Record<string, Schema>;
  const classes = validatedClasses();
  const pending = Object.keys(schemas).filter((name) => derived[name]);
  const done = new Set<string>();
  while (pending.length) {
    const name = pending.pop() as string;
    if (done.has(name)) continue;
    done.add(name);
    const documented = schemas[name] as Schema | undefined;
    const schema = strict(derived[name], classes.get(name));
    for (const [property, value] of Object.entries(schema.properties ?? {})) {
      const own = documented?.properties?.[property];
      if (own?.description) value.description = own.description;
      if (own?.example !== undefined) value.example = own.example;
    }
    if (documented?.description) schema.description = documented.description;
    schemas[name] = schema as never;
    for (const ref of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) if (derived[ref[1]]) pending.push(ref[1]);
  }
}

function validatedClasses(): Map<string, Type<unknown>> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Type<unknown>, unknown> };
  return new Map([...storage.validationMetadatas.keys()].filter((t) => typeof t === 'function').map((t) => [t.name, t]));
}

const SCOPE_KEY = (RequiresScope('') as unknown as { KEY: string }).KEY;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
const errorBody = (type = ErrorBodyDto) => ({ content: { 'application/json': { schema: { $ref: getSchemaPath(type) } } } });

function addCommonResponses(document: OpenAPIObject, app: INestApplication, handlers: Map<string, { controller: string; method: string }>, limit: number | undefined): void {
  const controllers = new Map<string, Type<unknown>>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) if (wrapper.metatype) controllers.set(wrapper.metatype.name, wrapper.metatype as Type<unknown>);
  }
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      const responses = operation.responses;
      responses['400'] ??= {
        description: 'Bad request: a field fails validation (each one named in `fields`), or the body is not valid JSON.',
        ...errorBody(BadRequestBodyDto),
      };
      responses['413'] ??= { description: `The body is larger than ${limit ?? 'MAX_BODY_BYTES'} bytes.`, ...errorBody() };
      responses['415'] ??= { description: 'The request has a body that is not application/json (UTF-8).', ...errorBody() };
      const handler = handlers.get(operation.operationId ?? '');
      const controller = handler && controllers.get(handler.controller);
      const fn = controller && (controller.prototype as Record<string, unknown>)[handler.method];
      const scope = (fn && (Reflect.getMetadata(SCOPE_KEY, fn) as string | undefined)) ?? (controller && (Reflect.getMetadata(SCOPE_KEY, controller) as string | undefined));
      if (!scope) continue;
      operation.security = [{ [SECURITY_SCHEMES.apiKey]: [] }, { [SECURITY_SCHEMES.bearer]: [] }];
      operation.description = [operation.description, `Requires an API key with the scope \`${scope}\`.`].filter(Boolean).join('\n\n');
      (operation as unknown as Record<string, unknown>)['x-required-scope'] = scope;
      responses['401'] ??= { description: 'No API key, or one that is not valid.', ...errorBody() };
      responses['403'] ??= { description: `The API key lacks the scope ${scope}.`, ...errorBody() };
    }
  }
}

/** swagger writes OpenAPI 3.0's `nullable`; 3.1 (JSON Schema 2020-12) says `type: [..., "null"]`. */
function toOpenApi31(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(toOpenApi31);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  Object.values(schema).forEach(toOpenApi31);
  if (schema.nullable !== true) return;
  delete schema.nullable;
  if (typeof schema.type === 'string' && !['$ref', 'oneOf', 'anyOf', 'allOf'].some((k) => k in schema)) {
    schema.type = [schema.type, 'null'];
    if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
  } else {
    const inner = { ...schema };
    for (const key of Object.keys(schema)) if (key !== 'description' && key !== 'example') delete schema[key];
    schema.anyOf = [inner, { type: 'null' }];
  }
}
