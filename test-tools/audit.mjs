// graphql-http's GraphQL-over-HTTP conformance audit against a live server.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Prints one JSON array of {id, name, status, reason}; exits 0 once the audit ran (the test judges the results).
import { auditServer } from 'graphql-http';

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(64);
}
const results = await auditServer({ url });
const summary = results.map(({ id, name, status, reason }) => ({ id, name, status, reason: reason ?? null }));
console.log(JSON.stringify(summary));
