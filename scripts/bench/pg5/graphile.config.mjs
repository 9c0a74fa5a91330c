// The PostGraphile 5 peer of scripts/bench/run.sh, loaded by its CLI (`postgraphile -C`).
//
// The V4 preset (makeV4Preset) keeps PostGraphile 4's field, type and enum names
// (allUsers, userByUserId, PRIMARY_KEY_ASC, updateKeyResultById, ...), so the operations in
// ../ops/postgraphile/ run unchanged; the connection-filter plugin adds `filter`, with filters
// across relations (connectionFilterRelations) as in ../.postgraphilerc.js for version 4.
// The run script passes the database in DATABASE_URL; host and port on the command line.
import { makePgService } from "postgraphile/adaptors/pg";
import { makeV4Preset } from "postgraphile/presets/v4";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  throw new Error("graphile.config.mjs: DATABASE_URL is not set");
}

export default {
  // Later presets win: the V4 preset comes after the connection-filter preset, whose own
  // defaults include connectionFilterRelations: false.
  extends: [
    PostGraphileConnectionFilterPreset,
    makeV4Preset({
      graphiql: false,
      allowExplain: false,
      subscriptions: false,
      watchPg: false,
      graphileBuildOptions: { connectionFilterRelations: true },
    }),
  ],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ["public"],
      // The pool of node-postgres (pg-pool): at most 10 PostgreSQL connections, as
      // PostGraphile 4's --max-pool-size 10. No LISTEN/NOTIFY client (no subscriptions).
      poolConfig: { max: 10 },
      pubsub: false,
    }),
  ],
  // Stated again here, where nothing that is extended can override it.
  schema: { connectionFilterRelations: true },
  grafast: { explain: false },
  grafserv: { graphiql: false, graphiqlOnGraphQLGET: false, watch: false, websockets: false },
};
