// A typed GraphQL client in a few lines: fetch plus the types GraphQL Code Generator writes to src/gql/.
// The browser's cookie session is used (credentials: "include"); the page must be on the API's site
// (docs/frontend.md, "Cookie session and CSRF").
import type { TypedDocumentString } from "./gql/graphql";

export const API_URL = "/graphql";

/** A top-level error: `extensions.code` says what happened (docs/errors.md). */
export interface GraphQLErrorBody {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; retryAfter?: number; errorId?: string };
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfter: number | null,
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

/** Seconds to wait after a RATE_LIMITED refusal: the error's retryAfter, else the Retry-After header. */
function retryAfterOf(response: Response, errors: GraphQLErrorBody[] | undefined): number | null {
  const fromError = errors?.find((e) => e.extensions?.code === "RATE_LIMITED")?.extensions?.retryAfter;
  if (typeof fromError === "number") return fromError;
  const header = response.headers.get("Retry-After");
  return header === null ? null : Number(header);
}

/**
 * Runs one operation. Answers `data` even when some fields carry errors (a FORBIDDEN field nulls its
 * parent up to `viewer`, so read `viewer.permissions` first); throws when nothing ran.
 */
export async function execute<Result, Variables>(
  document: TypedDocumentString<Result, Variables>,
  ...[variables]: Variables extends Record<string, never> ? [] : [Variables]
): Promise<{ data: Result; errors: GraphQLErrorBody[] }> {
  const response = await fetch(API_URL, {
    method: "POST",
    credentials: "include",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json, application/json",
      // API messages come in the request's language, else the person's stored preference, else Spanish.
      "Accept-Language": navigator.language,
    },
    body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
  });
  const body = (await response.json()) as GraphQLResponse<Result>;
  const errors = body.errors ?? [];
  if (body.data === undefined || body.data === null) {
    const first = errors[0];
    throw new ApiError(
      first?.extensions?.code ?? `HTTP_${response.status}`,
      first?.message ?? response.statusText,
      retryAfterOf(response, body.errors),
    );
  }
  return { data: body.data, errors };
}
