// The frontend flows of docs/frontend.md, typed by the generated code: sign-in (with a forced password
// change), what the viewer may see, a page of services, and an edit with expectedVersion.
import { graphql } from "./gql";
import type { DashboardQuery, Permission, UserErrorCode } from "./gql/graphql";
import { execute } from "./client";

const SignIn = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      viewer {
        mustChangePassword
        permissions
      }
      accounts
      errors {
        field
        code
        message
        retryAfter
      }
    }
  }
`);

const Dashboard = graphql(`
  query Dashboard($first: Int!, $after: String) {
    viewer {
      permissions
      account {
        clientNumber
        services(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              id
              name
              status
              nextDueDate
              startedAt
            }
          }
        }
      }
    }
  }
`);

const HolderForEdit = graphql(`
  query HolderForEdit {
    viewer {
      account {
        holder {
          phone
          companyName
          version
        }
      }
    }
  }
`);

const HolderUpdate = graphql(`
  mutation HolderUpdate($input: HolderUpdateInput!) {
    holderUpdate(input: $input) {
      holder {
        phone
        version
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export type SignInResult =
  | { kind: "signed-in"; permissions: Permission[] }
  | { kind: "change-password" } // viewer.mustChangePassword: everything else answers PASSWORD_CHANGE_REQUIRED
  | { kind: "choose-account"; accounts: string[] } // ACCOUNT_CHOICE_REQUIRED: sign in again with clientNumber
  | { kind: "refused"; code: UserErrorCode; message: string; retryAfter: number | null };

export async function signIn(login: string, password: string, clientNumber?: string): Promise<SignInResult> {
  const input = clientNumber === undefined ? { login, password } : { login, password, clientNumber };
  const { data } = await execute(SignIn, { input });
  const payload = data.signIn;
  const [error] = payload.errors;
  if (error !== undefined) {
    if (error.code === "ACCOUNT_CHOICE_REQUIRED") return { kind: "choose-account", accounts: payload.accounts ?? [] };
    return { kind: "refused", code: error.code, message: error.message, retryAfter: error.retryAfter ?? null };
  }
  if (payload.viewer?.mustChangePassword) return { kind: "change-password" };
  return { kind: "signed-in", permissions: payload.viewer?.permissions ?? [] };
}

export interface ServiceRow {
  id: string; // a global id: pass it back as is (node(id:), serviceId)
  name: string;
  nextDueDate: string | null; // Date: "YYYY-MM-DD"
  startedAt: string; // DateTime: ISO 8601 with offset
}

/** Every service, page by page (at most 100 a page); null while signed out. */
export async function allServices(): Promise<ServiceRow[] | null> {
  const rows: ServiceRow[] = [];
  let after: string | null = null;
  for (;;) {
    const answer: { data: DashboardQuery } = await execute(Dashboard, { first: 100, after });
    const viewer = answer.data.viewer;
    if (viewer === null) return null; // signed out, or a FORBIDDEN field nulled it: see viewer.permissions
    const page = viewer.account.services;
    for (const { node } of page.edges) rows.push(node);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor ?? null;
  }
}

/**
 * Optimistic concurrency: send the version you read. STALE_VERSION means someone saved first:
 * reload, reapply the edit, try again. A save that changes nothing keeps the version.
 * In partial updates an omitted field is kept and null clears it: here only `phone` is sent.
 */
export async function setPhone(phone: string | null, attempts = 3): Promise<number> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const { data } = await execute(HolderForEdit);
    const holder = data.viewer?.account.holder;
    if (holder === undefined) throw new Error("signed out or without PROFILE");
    const saved = await execute(HolderUpdate, { input: { expectedVersion: holder.version, phone } });
    const [error] = saved.data.holderUpdate.errors;
    if (error === undefined) return saved.data.holderUpdate.holder?.version ?? holder.version;
    if (error.code !== "STALE_VERSION") throw new Error(`${error.code}: ${error.message}`);
  }
  throw new Error("the holder kept changing: show the current data and ask again");
}
