// GraphQL Code Generator on the API's exported schema, unedited (docs/frontend.md, "Typed client").
// Run from this directory: graphql-codegen --config codegen.ts
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        // Plain strings with their result and variable types: enough for fetch (no GraphQL client needed).
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        // A nullable field is `T | null` in results (never missing); input fields stay optional (omitted keeps).
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        // The API's custom scalars as they travel in JSON.
        scalars: {
          DateTime: "string", // ISO 8601 in UTC with offset: "2026-03-10T15:00:00+00:00"
          Date: "string", // "YYYY-MM-DD"
          ID: "string", // opaque global ids: never parse them
        },
        strictScalars: true,
      },
    },
  },
};

export default config;
