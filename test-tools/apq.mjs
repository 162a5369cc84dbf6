// Apollo Client's automatic persisted queries link (sha256 from node's crypto) over POST and over GET.
// Usage: CP_TOKEN='cpk_…' node apq.mjs http://127.0.0.1:PORT/graphql
// Each method runs its own query twice with a fresh client: the first run misses (hash only, then the
// query with its hash), the second hits (hash only). Prints one JSON object:
// {"POST": {"requests": [[…first run…], […second run…]], "results": [data, data]}, "GET": {…}}
// where each request is {method, query (sent the text), hash (sent persistedQuery)}.
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

const [url] = process.argv.slice(2);
const token = process.env.CP_TOKEN;
if (!url || !token) {
  console.error('usage: CP_TOKEN=… node apq.mjs URL');
  process.exit(64);
}

const QUERIES = {
  POST: gql`query ServicesByPost { viewer { account { clientNumber services(first: 5) { totalCount } } } }`,
  GET: gql`query ServicesByGet { viewer { account { clientNumber services(first: 5) { totalCount } } } }`,
};

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** What each request carried: the method, and whether the query text and the hash were sent. */
function shapeOf(input, init) {
  const method = (init?.method ?? 'GET').toUpperCase();
  if (method === 'GET') {
    const params = new URL(String(input)).searchParams;
    const extensions = JSON.parse(params.get('extensions') ?? '{}');
    return { method, query: params.has('query'), hash: Boolean(extensions.persistedQuery?.sha256Hash) };
  }
  const body = JSON.parse(init.body);
  return { method, query: typeof body.query === 'string', hash: Boolean(body.extensions?.persistedQuery?.sha256Hash) };
}

async function runTwice(method) {
  const requests = [];
  let run = [];
  const recordingFetch = async (input, init) => {
    run.push(shapeOf(input, init));
    return fetch(input, init);
  };
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: new PersistedQueryLink({ sha256, useGETForHashedQueries: method === 'GET' }).concat(
      new HttpLink({ uri: url, fetch: recordingFetch, headers: { authorization: `Bearer ${token}` } }),
    ),
  });
  const results = [];
  for (let attempt = 0; attempt < 2; attempt += 1) {
    run = [];
    // errorPolicy "none" (the default): a GraphQL or network error rejects, and the script exits non-zero.
    const { data } = await client.query({ query: QUERIES[method], fetchPolicy: 'network-only' });
    requests.push(run);
    results.push(data);
  }
  return { requests, results };
}

console.log(JSON.stringify({ POST: await runTwice('POST'), GET: await runTwice('GET') }));
