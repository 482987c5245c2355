import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { systemClock, useClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import { registerAuth } from './http/auth.js';
import { clientErrorProblem } from './http/client-errors.js';
import { registerRequestScope } from './http/crash-guard.js';
import { frameworkErrorProblem, registerErrorHandling } from './http/errors.js';
import { registerIdempotency } from './http/idempotency.js';
import { AuthThrottle, publicPageLimit, registerExpensiveLimits, registerRateLimiting } from './http/limits.js';
import { describeRoute, finishDocument } from './http/openapi.js';
import { serializerCompiler } from './http/serializer.js';
import { validatorCompiler } from './http/validator.js';
import { registerUtf8Checks } from './http/utf8.js';
import { problemSchema } from './http/problem.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { decideLogPath, lazyRequestLogger, OneLinePerRequest } from './logger.js';
import { ROLES } from './modules/api-keys/schemas.js';
import { apiKeyRoutes } from './modules/api-keys/routes.js';
import { beneficiaryRoutes } from './modules/beneficiaries/routes.js';
import { gdprRoutes } from './modules/gdpr/routes.js';
import { collectionRoutes } from './modules/collections/routes.js';
import { deviceRoutes } from './modules/devices/routes.js';
import { donorRoutes } from './modules/donors/routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { installationRoutes } from './modules/installations/routes.js';
import { closeSignaturePool } from './modules/installations/signature-pool.js';
import { deliveryRoutes } from './modules/deliveries/routes.js';
import { donorDocumentRoutes } from './modules/donor-documents/routes.js';
import { erasureRoutes } from './modules/erasure/routes.js';
import { exchangeRoutes } from './modules/exchange/routes.js';
import { reconditioningRoutes } from './modules/reconditioning/routes.js';
import { scrappingRoutes } from './modules/scrapping/routes.js';
import { shipmentRoutes } from './modules/shipments/routes.js';
import { inventoryRoutes } from './modules/inventory/routes.js';
import { reportRoutes } from './modules/reports/routes.js';
import { labelTargetRoutes } from './modules/labels/public-routes.js';
import { labelRoutes } from './modules/labels/routes.js';
import { sessionOf, webPlugin } from './web/plugin.js';
import { trainingRoutes } from './modules/training/routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
  }
}

export interface AppDeps {
  db: Db;
  config: Config;
  logger?: FastifyServerOptions['logger'];
  /** Where "now" and "today" come from; the system clock unless a test sets one. */
  clock?: Clock;
}

export const API_PREFIX = '/api/v1';

/** The application as tests and the server both build it: no port, no migration, no process. */
export async function buildApp({ db, config, logger = false, clock = systemClock }: AppDeps): Promise<FastifyInstance> {
  useClock(clock);
  const app = Fastify({
    logger,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    frameworkErrors: frameworkErrorProblem,
    logController: new OneLinePerRequest(),
    // Without a logger Fastify hands every request its null logger itself: nothing to make lazily.
    ...(logger ? { childLoggerFactory: lazyRequestLogger } : {}),
    clientErrorHandler: clientErrorProblem,
  });
  app.decorate('db', db);
  app.decorate('config', config);
  app.addHook('onClose', closeSignaturePool);
  app.addHook('onRoute', decideLogPath);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body is answered 415, not half-understood.
  app.removeContentTypeParser('text/plain');
  registerUtf8Checks(app);
  registerErrorHandling(app);
  registerRequestScope(app);

  registerSecurityHeaders(app);
  await registerRateLimiting(app);
  const throttle = new AuthThrottle(app, config.limits);
  await registerCors(app, config.corsOrigins);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: "Ordi'Pratique tracker API",
        version: '1.0.0',
        description: 'Follows every donated computer from the donor to a trainee’s home.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              `An API key. Its role (${ROLES.map((role) => `\`${role}\``).join(', ')}) is what an operation lists as scopes: ` +
              'every operation names the roles it admits (admin always).',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: describeRoute,
    transformObject: finishDocument,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformSpecification: (spec, request) => withOwnServer(spec, request, config.publicUrl) });

  await app.register(async (api) => {
    declareProblems(api);
    registerAuth(api, throttle);
    registerExpensiveLimits(api, config.limits);
    registerIdempotency(api);
    api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async (request) => withOwnServer(app.swagger(), request, config.publicUrl));
    await api.register(healthRoutes);
    await api.register(apiKeyRoutes);
    await api.register(donorRoutes);
    await api.register(collectionRoutes);
    await api.register(deviceRoutes);
    await api.register(beneficiaryRoutes);
    await api.register(gdprRoutes);
    await api.register(installationRoutes);
    await api.register(erasureRoutes);
    await api.register(reconditioningRoutes);
    await api.register(scrappingRoutes);
    await api.register(shipmentRoutes);
    await api.register(deliveryRoutes);
    await api.register(exchangeRoutes);
    await api.register(donorDocumentRoutes);
    await api.register(inventoryRoutes);
    await api.register(reportRoutes);
    await api.register(labelRoutes);
    await api.register(trainingRoutes);
  }, { prefix: API_PREFIX });

  // Health at the root too, for load balancers and the Dockerfile's HEALTHCHECK.
  await app.register(async (root) => {
    // Documented once, under /api/v1: the same operations twice would share their operationIds.
    root.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    registerAuth(root, throttle);
    await root.register(healthRoutes);
  });
  // The page a label opens: public by nature, so registered without the auth hook, but limited
  // per address so that nobody walks the whole inventory through it. A signed-in staff member
  // who scans a label with a phone gets a link to the device's page.
  await app.register(async (pages) => {
    pages.addHook('onRequest', publicPageLimit(app, config.limits));
    await pages.register(labelTargetRoutes, { staffSession: (request: FastifyRequest) => sessionOf(app, request) });
  });
  // The staff web app: French pages beside the API, over the same services.
  await app.register(webPlugin);
  return app;
}

/**
 * The OpenAPI document names the server it was read from first (then PUBLIC_URL), so that the
 * interactive docs' "Try it out" works whatever address they were opened on.
 */
function withOwnServer(spec: object, request: FastifyRequest, publicUrl: string): Record<string, unknown> {
  const own = `${request.protocol}://${request.host}`;
  const servers = own === publicUrl ? [{ url: publicUrl }] : [{ url: own, description: 'This server' }, { url: publicUrl, description: 'Public address (PUBLIC_URL)' }];
  return { ...spec, servers };
}

/**
 * CORS is off unless `CORS_ORIGINS` lists browser origins. Either way OPTIONS is answered: a
 * preflight from an allowed origin gets its CORS headers, anything else on a known path a bare
 * 204 with Allow (registerErrorHandling).
 */
async function registerCors(app: FastifyInstance, origins: string[]): Promise<void> {
  if (origins.length) {
    await app.register(cors, {
      origin: origins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match', 'Accept'],
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'Content-Disposition', 'WWW-Authenticate'],
      maxAge: 600,
      strictPreflight: false,
      hideOptionsRoute: true,
    });
  }
  // Without CORS, OPTIONS is answered by the not-found handler: 204 with Allow on a known path.
}

/**
 * Problem answers are sent as strings (`sendProblem`), so no route schema reshapes them; the
 * OpenAPI document declares them per route (see `describeRoute` in http/openapi.ts).
 */
function declareProblems(api: FastifyInstance): void {
  api.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    const schema = route.schema as { response?: Record<string, unknown> };
    schema.response = { ...schema.response, '4XX': problemSchema, '5XX': problemSchema };
  });
}
