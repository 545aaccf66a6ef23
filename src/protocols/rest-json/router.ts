import type { RestJsonRoute } from './rest-json-service.js';

export interface RouteMatch {
  readonly route: RestJsonRoute;
  /** Label member → its percent-decoded value. */
  readonly labels: Record<string, string>;
}

interface Compiled {
  readonly route: RestJsonRoute;
  /** Literal text, or `{name}` as `{ label: name }`. */
  readonly segments: readonly (string | { label: string })[];
}

/** The path could not be decoded (bad percent-encoding). */
export class MalformedPath extends Error {}

/**
 * Matches `METHOD /path` against the operations' URI templates (Smithy `@http`): one label per
 * path segment, labels percent-decoded (the SDKs encode `/` inside a label as %2F). Templates
 * are tried longest first, so literal segments win over labels of shorter templates.
 */
export class RestJsonRouter {
  readonly #compiled: Compiled[];

  constructor(routes: readonly RestJsonRoute[]) {
    this.#compiled = routes
      .map((route) => ({
        route,
        segments: route.binding.uri.split('/').slice(1).map((part) => {
          const label = /^\{(\w+)\}$/.exec(part);
          return label ? { label: label[1] } : part;
        }),
      }))
      .sort((a, b) => b.segments.length - a.segments.length || literals(b) - literals(a));
  }

  /** The route for `method` and raw (still encoded) `path`, or undefined. Throws MalformedPath. */
  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/').slice(1);
    for (const { route, segments } of this.#compiled) {
      if (route.binding.method !== method || segments.length !== parts.length) continue;
      const labels: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < segments.length && matched; i++) {
        const segment = segments[i];
        if (typeof segment === 'string') matched = segment === parts[i];
        else labels[segment.label] = decode(parts[i]);
      }
      if (matched) return { route, labels };
    }
    return undefined;
  }
}

function literals(compiled: Compiled): number {
  return compiled.segments.filter((segment) => typeof segment === 'string').length;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedPath(`The path segment '${segment}' is not valid percent-encoding.`);
  }
}
