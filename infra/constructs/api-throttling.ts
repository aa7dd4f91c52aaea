import { Aspects, type IAspect, Stack } from 'aws-cdk-lib';
import { CfnRoute, type CfnStage, type HttpApi, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IConstruct } from 'constructs';
import { API_ROUTES, routeKey } from '#functions/manifest/api-routes.ts';
import type { DeploymentConfig } from '../config.ts';

/** Requests per second, steady and burst. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Built-in per-route limits, below the stage default, as the app manifest declares them (`throttle` on a
 * route in functions/manifest/api-routes.ts). `apiThrottle.routes` in the deployment config overrides or
 * extends them.
 */
export const DEFAULT_ROUTE_THROTTLES: Readonly<Record<string, RouteThrottle>> = Object.fromEntries(
  API_ROUTES.flatMap((route) => (route.throttle ? [[routeKey(route), route.throttle]] : [])),
);

/** The limits a route gets: the config's, else the built-in one, else none (the stage default applies). */
export function routeThrottles(
  routeKeys: readonly string[],
  configured: Readonly<Record<string, RouteThrottle>>,
): Record<string, RouteThrottle> {
  const result: Record<string, RouteThrottle> = {};
  for (const key of routeKeys) {
    const limit = configured[key] ?? DEFAULT_ROUTE_THROTTLES[key];
    if (limit) result[key] = limit;
  }
  return result;
}

/**
 * Sets the stage's `RouteSettings` from the routes the API has once the whole app is built (routes are added
 * after the stage, some by other stacks' code), makes the stage wait for those routes (API Gateway refuses
 * settings for a route it does not know yet), and fails synth on a configured route key the API lacks.
 */
class RouteThrottling implements IAspect {
  private done = false;
  constructor(
    private readonly api: HttpApi,
    private readonly stage: HttpStage,
    private readonly configured: Readonly<Record<string, RouteThrottle>>,
  ) {}

  visit(node: IConstruct): void {
    if (this.done || node !== this.stage) return;
    this.done = true;
    // Routes may live in nested stacks of the API's stack (one per route group).
    const routes = Stack.of(this.api)
      .node.findAll()
      .filter((c): c is CfnRoute => c instanceof CfnRoute && c.apiId === this.api.apiId);
    const keys = routes.map((r) => r.routeKey);
    const unknown = Object.keys(this.configured).filter((key) => !keys.includes(key));
    if (unknown.length > 0) {
      this.stage.node.addValidation({
        validate: () => [
          `apiThrottle.routes names routes the API does not have: ${unknown.join(', ')} (it has: ${keys.join(', ')})`,
        ],
      });
    }
    const limits = routeThrottles(keys, this.configured);
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      Object.entries(limits).map(([key, limit]) => [
        key,
        { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit },
      ]),
    );
    for (const route of routes) if (limits[route.routeKey]) cfnStage.node.addDependency(route);
  }
}

/** Per-route throttles on `stage` for every route `api` has when the app is synthesized. */
export function throttleRoutes(
  api: HttpApi,
  stage: HttpStage,
  config: { readonly apiThrottle: Pick<DeploymentConfig['apiThrottle'], 'routes'> },
) {
  Aspects.of(stage).add(new RouteThrottling(api, stage, config.apiThrottle.routes));
}
